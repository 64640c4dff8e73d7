package io.strata.sinks.tsdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.strata.tsdb.SharedStores;
import io.strata.tsdb.Store;
import io.strata.tsdb.Stores;
import io.strata.tsdb.TsdbConfig;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code preCommit} makes the store durable with the offsets, and does nothing while the offsets stand still. */
class TsdbSinkTaskCommitTest {
  @TempDir
  Path dir;

  @Test
  void commitsTheStoreOnlyWhenTheOffsetsMoved() {
    PrometheusRegistry metrics = new PrometheusRegistry();
    Store store = SharedStores.acquire(dir, d -> Stores.open(TsdbConfig.defaults(d), metrics));
    TsdbSinkTask task = new TsdbSinkTask();
    try {
      task.start(Map.of(TsdbSinkConfig.DATA_DIR, dir.toString(), TsdbSinkConfig.REGISTRY_URL, "mock://commit-test",
          TsdbSinkConfig.KAFKA_BOOTSTRAP, "127.0.0.1:1"));
      TopicPartition p0 = new TopicPartition("metrics.samples", 0);
      task.preCommit(Map.of(p0, new OffsetAndMetadata(5)));
      assertEquals(Map.of("metrics.samples/0", 5L), store.committedOffsets());
      assertEquals(1, commits(metrics));

      task.preCommit(Map.of(p0, new OffsetAndMetadata(5))); // idle: nothing put since
      task.preCommit(Map.of(p0, new OffsetAndMetadata(5)));
      assertEquals(1, commits(metrics));

      task.preCommit(Map.of(p0, new OffsetAndMetadata(7)));
      assertEquals(Map.of("metrics.samples/0", 7L), store.committedOffsets());
      assertEquals(2, commits(metrics));
    } finally {
      task.stop();
      SharedStores.release(dir);
    }
  }

  private static long commits(PrometheusRegistry metrics) {
    return metrics.scrape().stream().filter(s -> s.getMetadata().getName().equals("strata_tsdb_commits"))
        .map(s -> (long) ((CounterSnapshot) s).getDataPoints().get(0).getValue()).findFirst().orElseThrow();
  }
}
