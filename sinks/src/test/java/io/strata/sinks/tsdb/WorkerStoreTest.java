package io.strata.sinks.tsdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.schemas.model.Labels;
import io.strata.tsdb.Resolution;
import io.strata.tsdb.simple.SimpleStore;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connector config without {@code tsdb.data.dir} (distributed mode: one config for every worker) writes the store
 * the worker registered; and where a newly assigned partition resumes.
 */
class WorkerStoreTest {
  private static final TopicPartition P0 = new TopicPartition("metrics.samples", 0);
  private static final TopicPartition P1 = new TopicPartition("metrics.samples", 1);
  private static final TopicPartition P2 = new TopicPartition("metrics.samples", 2);

  private static Map<String, String> config() {
    Map<String, String> cfg = new HashMap<>();
    cfg.put("name", "strata-tsdb-sink");
    cfg.put(TsdbSinkConfig.REGISTRY_URL, "mock://worker-store-test");
    cfg.put(TsdbSinkConfig.KAFKA_BOOTSTRAP, "127.0.0.1:1");
    return cfg;
  }

  @Test
  void withoutADirectoryTheConfigNamesNoPathAndNoEngineSettings() {
    TsdbSinkConfig c = new TsdbSinkConfig(config());
    assertNull(c.dataDir);
    assertNull(c.tsdb, "the worker opened its store with its own settings");
  }

  @Test
  void anEngineSettingWithoutADirectoryIsRefusedNamingTheKey() {
    Map<String, String> cfg = config();
    cfg.put("tsdb.retention.raw", "30d");
    ConfigException e = assertThrows(ConfigException.class, () -> new TsdbSinkConfig(cfg));
    assertTrue(e.getMessage().contains("tsdb.retention.raw"), e.getMessage());
    assertTrue(e.getMessage().contains("strata connect --config"), e.getMessage());
  }

  @Test
  void aTaskOnAWorkerWithoutAStoreFailsSayingWhy() {
    TsdbSinkTask task = new TsdbSinkTask();
    ConnectException e = assertThrows(ConnectException.class, () -> task.start(config()));
    assertTrue(e.getMessage().contains("tsdb.data.dir is empty and this Connect worker has no store of its own"), e.getMessage());
  }

  @Test
  void aTaskWritesTheWorkersStoreAndLeavesItOpen(@TempDir Path dir) throws Exception {
    try (SimpleStore store = new SimpleStore(dir)) {
      WorkerStore.register(store);
      try {
        TsdbSinkTask task = new TsdbSinkTask();
        task.start(config());
        task.stop();
        // still open and writable: the registrant closes it
        store.append("default", Labels.of("__name__", "up"), 1000, 1);
        assertEquals(1, store.select("default", Resolution.RAW, 0, 2000, List.of()).size());
        assertThrows(IllegalStateException.class, () -> WorkerStore.register(new SimpleStore(dir.resolve("other"))),
            "one worker store per JVM");
      } finally {
        WorkerStore.unregister(store);
      }
    }
  }

  @Test
  void aPartitionResumesFromTheLaterOfTheStoresOffsetAndTheGroupsCommittedOne() {
    // P0: this store committed past Kafka (a crash between the two commits): skip what is durable here
    // P1: another worker wrote it since this store held it: resume where that worker's commits are
    // P2: nothing committed in the group: the store's offset
    Map<TopicPartition, Long> rewind = TsdbSinkTask.resumeOffsets(Map.of(P0, 120L, P1, 40L, P2, 7L), Map.of(P0, 100L, P1, 300L));
    assertEquals(Map.of(P0, 120L, P2, 7L), rewind, "P1 starts at the committed 300: no seek");
    assertEquals(Map.of(), TsdbSinkTask.resumeOffsets(Map.of(P0, 100L), Map.of(P0, 100L)), "equal: the committed offset is it");
  }
}
