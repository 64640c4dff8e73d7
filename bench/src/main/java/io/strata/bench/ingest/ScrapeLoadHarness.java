package io.strata.bench.ingest;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.ingest.scrape.ScrapeBatch;
import io.strata.ingest.scrape.ScrapeEngine;
import io.strata.ingest.scrape.ScrapeEngineSettings;
import io.strata.ingest.scrape.ScrapeSink;
import io.strata.ingest.scrape.config.PrometheusConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.GZIPOutputStream;

/**
 * Scrape load: one in-process HTTP server on 127.0.0.1 plays {@code TARGETS} node_exporter-like exporters
 * of {@code SERIES} samples each (path {@code /t/<i>}, set per target through {@code __metrics_path__} in
 * {@code static_configs}); a {@link ScrapeEngine} scrapes them all every {@code INTERVAL} seconds into a
 * sink that only counts. After a warm-up of two intervals it measures for {@code SECONDS} and prints
 * scrapes/s, samples/s, the scrape duration percentiles (the engine's own {@code scrape_duration_seconds}:
 * request, gzip, parse, relabel, staleness), and CPU seconds per million scraped samples, for the whole
 * JVM and without the exporter's threads. Stops by itself.
 *
 * <p>Arguments (all optional): {@code TARGETS SERIES INTERVAL_S SECONDS GZIP}, default
 * {@code 1000 1000 15 120 true}. Bodies are pre-rendered in {@link #VARIANTS} versions with different
 * values (and gzipped once when {@code GZIP}, as node_exporter answers Prometheus's Accept-Encoding), so
 * the exporter side costs little CPU.
 */
public final class ScrapeLoadHarness {
  /** Pre-rendered bodies with different values; each target steps through them scrape by scrape. */
  static final int VARIANTS = 8;
  private static final int SERVER_THREADS = 4;
  private static final String SERVER_THREAD = "harness-exporter-";

  private ScrapeLoadHarness() {}

  public static void main(String[] args) throws Exception {
    int targets = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int series = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int intervalS = args.length > 2 ? Integer.parseInt(args[2]) : 15;
    int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 120;
    boolean gzip = args.length <= 4 || Boolean.parseBoolean(args[4]);

    byte[][] bodies = new byte[VARIANTS][];
    for (int v = 0; v < VARIANTS; v++) {
      byte[] text = nodeExporterLike(series, v).getBytes(StandardCharsets.UTF_8);
      bodies[v] = gzip ? gzip(text) : text;
    }
    System.out.printf(Locale.ROOT, "body: %d samples, %d bytes%s%n", series, bodies[0].length, gzip ? " gzipped" : "");

    AtomicInteger threadNo = new AtomicInteger();
    ExecutorService serverPool = Executors.newFixedThreadPool(SERVER_THREADS, r -> {
      Thread t = new Thread(r, SERVER_THREAD + threadNo.getAndIncrement());
      t.setDaemon(true);
      return t;
    });
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    server.setExecutor(serverPool);
    AtomicLongArray served = new AtomicLongArray(targets);
    server.createContext("/t/", ex -> serve(ex, bodies, served, gzip));
    server.start();
    int port = server.getAddress().getPort();

    Counting sink = new Counting();
    ScrapeEngine engine = new ScrapeEngine(ScrapeEngineSettings.defaults(), sink, new PrometheusRegistry());
    engine.apply(PrometheusConfigLoader.parse(config(targets, port, intervalS)));
    try {
      Thread.sleep(2_000L * intervalS); // warm-up: every target scraped twice (series caches filled, JIT done)
      Snapshot a = Snapshot.take(sink);
      sink.recordDurations(true);
      Thread.sleep(seconds * 1000L);
      sink.recordDurations(false);
      Snapshot b = Snapshot.take(sink);
      report(a, b, sink, targets, series, intervalS);
    } finally {
      engine.close();
      server.stop(0);
      serverPool.shutdownNow();
    }
    System.exit(0); // nothing left running
  }

  private static void serve(HttpExchange ex, byte[][] bodies, AtomicLongArray served, boolean gzip) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      int target;
      try {
        target = Integer.parseInt(path.substring(3));
      } catch (NumberFormatException e) {
        ex.sendResponseHeaders(404, -1);
        return;
      }
      if (target < 0 || target >= served.length()) {
        ex.sendResponseHeaders(404, -1);
        return;
      }
      byte[] body = bodies[(int) ((target + served.getAndIncrement(target)) % bodies.length)];
      ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      if (gzip) {
        ex.getResponseHeaders().set("Content-Encoding", "gzip");
      }
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  static String config(int targets, int port, int intervalS) {
    StringBuilder sb = new StringBuilder(targets * 100);
    sb.append("global:\n  scrape_interval: ").append(intervalS).append("s\n  scrape_timeout: ").append(Math.min(10, intervalS)).append("s\n");
    sb.append("scrape_configs:\n  - job_name: node\n    static_configs:\n");
    for (int i = 0; i < targets; i++) {
      sb.append("      - targets: ['127.0.0.1:").append(port).append("']\n");
      sb.append("        labels: {__metrics_path__: /t/").append(i).append(", instance: 'node-").append(i).append(":9100'}\n");
    }
    return sb.toString();
  }

  /**
   * node_exporter-like text: per-CPU mode counters, filesystem and network gauges/counters, a disk I/O
   * histogram, and single-series gauges, until {@code samples} lines are written. {@code variant} changes
   * the values, not the series.
   */
  static String nodeExporterLike(int samples, int variant) {
    StringBuilder sb = new StringBuilder(samples * 90);
    String[] modes = {"idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"};
    String[] le = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"};
    int n = 0;
    int block = 0;
    while (n < samples) {
      int left = samples - n;
      switch (block % 4) {
        case 0 -> {
          String f = block == 0 ? "node_cpu_seconds_total" : "node_cpu_seconds_total_" + block;
          sb.append("# HELP ").append(f).append(" Seconds the CPUs spent in each mode.\n# TYPE ").append(f).append(" counter\n");
          for (int i = 0; i < Math.min(left, 64); i++, n++) {
            sb.append(f).append("{cpu=\"").append(i / 8).append("\",mode=\"").append(modes[i % 8]).append("\"} ")
                .append(12345 + i * 17 + variant * 15).append('.').append(10 + (i * 7 + variant) % 90).append('\n');
          }
        }
        case 1 -> {
          String f = "node_filesystem_avail_bytes_" + block;
          sb.append("# HELP ").append(f).append(" Filesystem space available to non-root users in bytes.\n# TYPE ").append(f).append(" gauge\n");
          for (int i = 0; i < Math.min(left, 24); i++, n++) {
            sb.append(f).append("{device=\"/dev/sd").append((char) ('a' + i % 26)).append(i % 4).append("\",fstype=\"ext4\",mountpoint=\"/srv/vol")
                .append(i).append("\"} ").append(1.2345678e10 + i * 4096L + variant * 8192L).append('\n');
          }
        }
        case 2 -> {
          String f = "node_disk_io_time_seconds_" + block;
          sb.append("# HELP ").append(f).append(" Disk I/O latency.\n# TYPE ").append(f).append(" histogram\n");
          for (int d = 0; d < 3 && n < samples; d++) {
            long cum = 0;
            for (int b = 0; b < le.length && n < samples; b++, n++) {
              cum += 3 + b * (d + 1) + variant;
              sb.append(f).append("_bucket{device=\"nvme").append(d).append("n1\",le=\"").append(le[b]).append("\"} ").append(cum).append('\n');
            }
            if (n < samples) {
              sb.append(f).append("_sum{device=\"nvme").append(d).append("n1\"} ").append(cum * 0.0137).append('\n');
              n++;
            }
            if (n < samples) {
              sb.append(f).append("_count{device=\"nvme").append(d).append("n1\"} ").append(cum).append('\n');
              n++;
            }
          }
        }
        default -> {
          String f = "node_network_receive_bytes_total_" + block;
          sb.append("# HELP ").append(f).append(" Network device statistic receive_bytes.\n# TYPE ").append(f).append(" counter\n");
          for (int i = 0; i < Math.min(left, 16); i++, n++) {
            sb.append(f).append("{device=\"eth").append(i).append("\"} ").append(987654321L * (i + 1) + variant * 1500L).append('\n');
          }
          if (n < samples) {
            sb.append("node_load1_").append(block).append(' ').append(0.25 * (variant + 1)).append('\n');
            n++;
          }
        }
      }
      block++;
    }
    return sb.toString();
  }

  private static byte[] gzip(byte[] text) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length / 4);
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(text);
    }
    return out.toByteArray();
  }

  /** Counts scrapes and samples; keeps the scrape durations while recording. */
  static final class Counting implements ScrapeSink {
    final LongAdder scrapes = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder scraped = new LongAdder();
    final LongAdder written = new LongAdder();
    private double[] durations = new double[1024];
    private int durationCount;
    private volatile boolean recording;

    @Override
    public void accept(String tenant, ScrapeBatch batch) {
      // the engine appends up, scrape_duration_seconds, scrape_samples_scraped, _post_metric_relabeling, _series_added
      int n = batch.size();
      double up = batch.value(n - 5);
      double duration = batch.value(n - 4);
      scrapes.increment();
      if (up != 1) {
        failed.increment();
      }
      scraped.add((long) batch.value(n - 3));
      written.add(n);
      if (recording) {
        synchronized (this) {
          if (durationCount == durations.length) {
            durations = Arrays.copyOf(durations, durationCount * 2);
          }
          durations[durationCount++] = duration;
        }
      }
    }

    void recordDurations(boolean on) {
      recording = on;
    }

    synchronized double[] durations() {
      double[] d = Arrays.copyOf(durations, durationCount);
      Arrays.sort(d);
      return d;
    }
  }

  /** Counters and CPU clocks at one instant. */
  record Snapshot(long nanos, long scrapes, long failed, long scraped, long written, long processCpu, long exporterCpu, long gcMillis) {
    static Snapshot take(Counting sink) {
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long exporter = 0;
      for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
        if (info != null && info.getThreadName().startsWith(SERVER_THREAD)) {
          long t = threads.getThreadCpuTime(info.getThreadId());
          exporter += Math.max(0, t);
        }
      }
      long gc = 0;
      for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
        gc += Math.max(0, b.getCollectionTime());
      }
      long cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
      return new Snapshot(System.nanoTime(), sink.scrapes.sum(), sink.failed.sum(), sink.scraped.sum(), sink.written.sum(), cpu, exporter, gc);
    }
  }

  private static void report(Snapshot a, Snapshot b, Counting sink, int targets, int series, int intervalS) {
    double wall = (b.nanos() - a.nanos()) / 1e9;
    long scrapes = b.scrapes() - a.scrapes();
    long scraped = b.scraped() - a.scraped();
    double millions = scraped / 1e6;
    double process = (b.processCpu() - a.processCpu()) / 1e9;
    double exporter = (b.exporterCpu() - a.exporterCpu()) / 1e9;
    double[] d = sink.durations();
    System.out.printf(Locale.ROOT, "scrape load: %d targets x %d series every %ds, measured %.1fs after %ds warm-up%n",
        targets, series, intervalS, wall, 2 * intervalS);
    System.out.printf(Locale.ROOT, "  scrapes: %d (%.1f/s, expected %.1f/s), failed %d%n", scrapes, scrapes / wall, (double) targets / intervalS,
        b.failed() - a.failed());
    System.out.printf(Locale.ROOT, "  samples scraped: %.0f/s (written to the sink incl. up/scrape_*: %.0f/s)%n", scraped / wall,
        (b.written() - a.written()) / wall);
    System.out.printf(Locale.ROOT, "  scrape_duration_seconds over %d scrapes: p50 %.1f ms  p90 %.1f ms  p99 %.1f ms  max %.1f ms%n", d.length,
        pct(d, 0.50) * 1e3, pct(d, 0.90) * 1e3, pct(d, 0.99) * 1e3, d.length == 0 ? 0 : d[d.length - 1] * 1e3);
    System.out.printf(Locale.ROOT, "  CPU: process %.2f s (%.1f%% of one core), exporter threads %.2f s, GC pauses %d ms%n", process,
        100 * process / wall, exporter, b.gcMillis() - a.gcMillis());
    System.out.printf(Locale.ROOT, "  CPU-s per million samples: process %.3f, without the exporter threads %.3f%n", process / millions,
        (process - exporter) / millions);
  }

  private static double pct(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
  }
}
