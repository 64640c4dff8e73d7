package io.strata.tsdb.engine;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.schemas.model.Labels;
import io.strata.tsdb.AppendResult;
import io.strata.tsdb.TsdbConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The child JVM of {@link KillRestartTest}: plays a Kafka sink over a deterministic "partition" of
 * samples, resuming from the committed offset, committing data + offset every {@link #COMMIT_EVERY}
 * samples and data alone (no offset: "more than committed") every {@link #DATA_ONLY_EVERY}.
 */
public final class KillRestartChild {
  static final String PARTITION = "metrics.samples/0";
  static final int SERIES = 100;
  static final int STEPS = 1200; // 5 h at 15 s: crosses a 4 h compaction group, so compaction runs in the background
  static final int COMMIT_EVERY = 997;
  static final int DATA_ONLY_EVERY = 1499;

  private KillRestartChild() {}

  static TsdbConfig config(Path dir) {
    return TsdbConfig.defaults(dir).withBlockDurations(Duration.ofHours(1), Duration.ofHours(4)).withRetention(Map.of("raw", Duration.ofDays(30)));
  }

  static Labels labels(int series) {
    return Labels.of("__name__", "kill_test_total", "series", Integer.toString(series));
  }

  static long timestamp(long offset) {
    return StoreFixtures.T0 + (offset / SERIES) * 15_000L;
  }

  static double value(long offset) {
    return (offset * 7919) % 1000 + 0.25;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long total = (long) SERIES * STEPS;
    try (StrataStore s = StrataStore.open(config(dir), new PrometheusRegistry())) {
      long start = s.committedOffsets().getOrDefault(PARTITION, 0L);
      System.out.println("START " + start);
      long dup = 0;
      for (long i = start; i < total; i++) {
        AppendResult r = s.append("t", labels((int) (i % SERIES)), timestamp(i), value(i));
        if (r == AppendResult.DUPLICATE) {
          dup++;
        } else if (r != AppendResult.APPENDED) {
          System.out.println("BAD " + i + " " + r);
          System.exit(3);
        }
        if ((i + 1) % COMMIT_EVERY == 0) {
          s.commit(Map.of(PARTITION, i + 1));
          System.out.println("COMMIT " + (i + 1) + " dup " + dup);
        } else if ((i + 1) % DATA_ONLY_EVERY == 0) {
          s.commit(Map.of());
        }
      }
      s.commit(Map.of(PARTITION, total));
      System.out.println("DONE dup " + dup);
    }
  }
}
