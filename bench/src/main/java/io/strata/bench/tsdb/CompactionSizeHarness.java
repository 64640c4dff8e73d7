package io.strata.bench.tsdb;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.tsdb.TsdbConfig;
import io.strata.tsdb.engine.StrataStore;
import io.strata.tsdb.tools.Inspector;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Bytes per sample after compaction: ingests node_exporter-like data ({@link NodeExporterLikeData}) for
 * N series over H hours at 15 s, committing every 30 minutes of data, then {@code flush()} (head
 * persisted, every block group compacted, RocksDB compacted) and measures the SST files. Optionally
 * sends the same samples to a VictoriaMetrics at {@code vmUrl} (its /api/v1/import/prometheus, one
 * request per scrape time) to compare sizes there.
 *
 * <p>Run: {@code java -cp ... io.strata.bench.tsdb.CompactionSizeHarness [series] [hours] [dir] [vmUrl] [jitter]}
 */
public final class CompactionSizeHarness {
  private CompactionSizeHarness() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int hours = args.length > 1 ? Integer.parseInt(args[1]) : 24;
    Path dir = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("strata-bench-size");
    String vm = args.length > 3 && !args[3].equals("-") ? args[3] : null;
    boolean jitter = args.length > 4 && args[4].equals("jitter");
    java.net.http.HttpClient http = vm == null ? null : java.net.http.HttpClient.newHttpClient();
    StringBuilder export = vm == null ? null : new StringBuilder(1 << 20);
    int steps = hours * 240;
    NodeExporterLikeData data = new NodeExporterLikeData(n, jitter);
    long t0 = System.nanoTime();
    try (StrataStore store = StrataStore.open(TsdbConfig.defaults(dir).withBackgroundCompaction(false), new PrometheusRegistry())) {
      for (int step = 0; step < steps; step++) {
        long t = data.timestamp(step);
        for (int i = 0; i < n; i++) {
          double v = data.next(i);
          store.append("bench", data.labels(i), t, v);
          if (export != null) {
            export.append(data.labels(i).toString().replace(", ", ",")).append(' ').append(v).append(' ').append(t).append('\n');
          }
        }
        if (export != null) {
          var resp = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(vm + "/api/v1/import/prometheus"))
              .POST(java.net.http.HttpRequest.BodyPublishers.ofString(export.toString())).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
          if (resp.statusCode() / 100 != 2) {
            throw new IllegalStateException("VictoriaMetrics import answered " + resp.statusCode() + ": " + resp.body());
          }
          export.setLength(0);
        }
        if (step % 120 == 119) {
          store.commit(Map.of("bench/0", (long) step));
        }
      }
      store.commit(Map.of("bench/0", (long) steps));
      long ingested = System.nanoTime();
      store.flush();
      long flushed = System.nanoTime();
      System.out.printf("ingest %.1f s (%.2f M samples/s incl. commits), flush+compaction %.1f s%n", (ingested - t0) / 1e9,
          (double) n * steps / ((ingested - t0) / 1e3), (flushed - ingested) / 1e9);
    }
    Inspector.Report r = Inspector.inspect(dir, new PrintStream(System.out, true));
    System.out.printf("series %d x %d h at 15 s = %d samples; SST bytes %d = %.3f B/sample; chunk keys+values %.3f B/sample%n", n, hours, r.samples(), r.diskBytes(),
        r.bytesPerSample(), (double) r.chunkBytes() / r.samples());
    ChunkFamilyBreakdown.print(dir, System.out);
  }
}
