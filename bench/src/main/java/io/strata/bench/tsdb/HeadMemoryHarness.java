package io.strata.bench.tsdb;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.tsdb.TsdbConfig;
import io.strata.tsdb.engine.StrataStore;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Heap per active series in the head: opens a store, creates N node_exporter-like series, fills each
 * open chunk with 119 samples (one short of the 120 cut, the fullest a head chunk gets), commits (so
 * nothing waits in memory but the open chunks), and divides the growth of the live heap after full GCs
 * by N. Includes everything the store keeps per series: series object, labels (interned strings),
 * postings entries, lookup map entry, head, encoder state and chunk buffer.
 *
 * <p>Run: {@code java -cp ... io.strata.bench.tsdb.HeadMemoryHarness [series]}
 */
public final class HeadMemoryHarness {
  private HeadMemoryHarness() {}

  private static long usedAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(100);
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    Path dir = Files.createTempDirectory("strata-bench-mem");
    NodeExporterLikeData data = new NodeExporterLikeData(n);
    try (StrataStore store = StrataStore.open(TsdbConfig.defaults(dir).withBackgroundCompaction(false), new PrometheusRegistry())) {
      long before = usedAfterGc();
      for (int step = 0; step < 119; step++) {
        long t = NodeExporterLikeData.T0 + step * NodeExporterLikeData.STEP;
        for (int i = 0; i < n; i++) {
          store.append("bench", data.labels(i), t, data.next(i));
        }
      }
      store.commit(Map.of("bench/0", 1L));
      long after = usedAfterGc();
      long[] head = store.headStats();
      System.out.printf("series %d, head chunks %d, chunk buffer bytes %d (%.0f B/series)%n", n, head[0], head[1], (double) head[1] / n);
      System.out.printf("live heap growth %d bytes = %.0f B per active series (119 samples in the open chunk)%n", after - before, (double) (after - before) / n);
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
