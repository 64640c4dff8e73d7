package io.strata.bench.query;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.promql.engine.Engine;
import io.strata.promql.storage.Queryable;
import io.strata.promql.storage.SelectHints;
import io.strata.promql.storage.SeriesData;
import io.strata.query.api.QueryConfig;
import io.strata.query.api.QueryServer;
import io.strata.query.eval.StoreQueryable;
import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import io.strata.tsdb.Resolution;
import io.strata.tsdb.RollupCursor;
import io.strata.schemas.model.SampleSummary;
import io.strata.tsdb.RollupPoint;
import io.strata.tsdb.SampleCursor;
import io.strata.tsdb.Store;
import io.strata.tsdb.StoredSeries;
import io.strata.tsdb.Stores;
import io.strata.tsdb.TsdbConfig;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Range-query latency of Strata's query server (over the TSDB engine, {@code Stores.open}) side by side with
 * Debian's Prometheus 2.42 and VictoriaMetrics 1.79 on the same node_exporter-like data (N series, H hours
 * at 15 s, scrapes at :07 past each 15 s): the {@link DashboardQueries} (a range longer than the data is cut to
 * it, or left out when the same query runs over a shorter range), and a 24 h query over 5m rollups against the same over raw.
 * Every query runs twice to warm up ({@code -Dharness.warmup=N} for more), then {@code reps} times; the median wall
 * time of the HTTP call is printed, as {@code curl} measures it ({@code time_total}: connect, request, whole body
 * received). Java's {@code HttpClient} in this JVM ({@code -Dharness.client=java}) adds 50-150 ms of its own to
 * receiving a 900 KB matrix, on every server alike, which hid most of the difference between rollups and raw.
 *
 * <p>Run (from the project root, after {@code mvn -q -pl bench -am install -DskipTests} and
 * {@code mvn -q -pl bench dependency:build-classpath -Dmdep.outputFile=/tmp/bench.cp}):
 * {@code java -Xmx4g -cp bench/target/classes:$(cat /tmp/bench.cp) io.strata.bench.query.RangeQueryHarness [series] [hours] [reps]}.
 *
 * <p>{@code -Dharness.strataOnly=true} skips Prometheus and VictoriaMetrics (no text files, no backfill), for
 * profiling Strata alone; their columns then print NaN. {@code -Dharness.only=<prefix>} runs only the queries whose
 * name starts with it. {@code -Dharness.cpu=true} reports the in-process and store columns as process CPU time. {@code -Dharness.pauseSeconds=N} keeps the loaded server up for N seconds first (port printed), to
 * query it by hand.
 */
public final class RangeQueryHarness {
  static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  static final long STEP = 15_000;
  static final String[] MODES = {"user", "system", "idle", "iowait", "irq"};
  static final String[] LE = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"};
  static final double[] LE_BOUND = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, Double.POSITIVE_INFINITY};
  static final Resolution R5M = Resolution.parse("5m");

  /**
   * Untimed runs of each query before the timed ones ({@code -Dharness.warmup}, default 2). The JVM compiles a
   * query's code paths over its first dozens of runs; Prometheus and VictoriaMetrics need no warm-up.
   */
  static final int WARMUP = Integer.getInteger("harness.warmup", 2);

  /**
   * {@code -Dharness.cpu=true}: the in-process and store columns are the CPU time of the whole process instead
   * of wall time (every thread: the query's, the store's parallel readers, GC, JIT), steadier on a shared
   * machine for long queries (the OS counts it in 10 ms ticks: values under ~50 ms are coarse); the HTTP columns stay wall time.
   */
  static final boolean CPU = Boolean.getBoolean("harness.cpu");
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

  private RangeQueryHarness() {}

  static long clock() {
    return CPU ? OS.getProcessCpuTime() : System.nanoTime();
  }

  /** 100 series per instance: 40 cpu counters, 20 network counters, 15 temperature gauges, 15 memory gauges, 10 buckets. */
  static Labels[] labels(int n) {
    Labels[] out = new Labels[n];
    for (int i = 0; i < n; i++) {
      String inst = "node-" + (i / 100) + ":9100";
      int slot = i % 100;
      if (slot < 40) {
        out[i] = Labels.of("__name__", "node_cpu_seconds_total", "job", "node", "instance", inst, "cpu", Integer.toString(slot / 5), "mode", MODES[slot % 5]);
      } else if (slot < 60) {
        out[i] = Labels.of("__name__", "node_network_receive_bytes_total", "job", "node", "instance", inst, "device", "eth" + (slot - 40));
      } else if (slot < 75) {
        out[i] = Labels.of("__name__", "node_hwmon_temp_celsius", "job", "node", "instance", inst, "sensor", "temp" + (slot - 60));
      } else if (slot < 90) {
        out[i] = Labels.of("__name__", "node_memory_MemFree_bytes", "job", "node", "instance", inst, "numa", Integer.toString(slot - 75));
      } else {
        out[i] = Labels.of("__name__", "http_request_duration_seconds_bucket", "job", "node", "instance", inst, "le", LE[slot - 90]);
      }
    }
    return out;
  }

  /** All values of series i, deterministic. */
  static double[] values(int i, int steps) {
    SplittableRandom r = new SplittableRandom(i * 7919L + 1);
    int slot = i % 100;
    double[] v = new double[steps];
    double x = 1000 + slot * 17.31;
    for (int k = 0; k < steps; k++) {
      if (slot < 40) {
        x += Math.round(r.nextDouble() * 1500) / 100.0;
      } else if (slot < 60) {
        x += r.nextInt(200_000);
      } else if (slot < 75) {
        x = 40 + slot * 0.1 + Math.round(r.nextGaussian() * 100) / 100.0;
      } else if (slot < 90) {
        x = 8e9 + r.nextInt(1 << 20) * 4096.0;
      } else {
        // bucket b: cumulative, the same observation stream for every bucket of the instance
        SplittableRandom obs = new SplittableRandom((i / 100) * 31L + k);
        int inBucket = 0;
        int count = obs.nextInt(50);
        for (int o = 0; o < count; o++) {
          if (-Math.log(1 - obs.nextDouble()) * 0.2 <= LE_BOUND[slot - 90]) {
            inBucket++;
          }
        }
        x = (k == 0 ? 0 : v[k - 1]) + inBucket;
      }
      v[k] = x;
    }
    return v;
  }

  static long timestamp(int k) {
    return T0 + k * STEP + 7_000;
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
    int hours = args.length > 1 ? Integer.parseInt(args[1]) : 24;
    int reps = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int steps = hours * 240;
    Path work = Files.createTempDirectory("strata-range-bench");
    Labels[] labels = labels(n);
    System.out.printf("data: %d series x %d h at 15 s = %,d samples; work dir %s%n", n, hours, (long) n * steps, work);

    boolean strataOnly = Boolean.getBoolean("harness.strataOnly");
    long t = System.nanoTime();
    Path om = work.resolve("data.om");
    Path vmText = work.resolve("data.prom");
    if (!strataOnly) {
      writeText(labels, steps, om, vmText);
      System.out.printf("wrote OpenMetrics and Prometheus text in %.1f s%n", (System.nanoTime() - t) / 1e9);
    }

    // Strata: the TSDB engine with raw samples and the 5m rollups the rollup stage would write
    t = System.nanoTime();
    Store store = Stores.open(TsdbConfig.defaults(work.resolve("strata")).withBackgroundCompaction(false));
    for (int i = 0; i < n; i++) {
      double[] v = values(i, steps);
      for (int k = 0; k < steps; k++) {
        store.append("default", labels[i], timestamp(k), v[k]);
      }
      appendRollups(store, labels[i], v);
      if (i % 200 == 199) {
        store.commit(Map.of());
      }
    }
    store.commit(Map.of());
    store.flush();
    System.out.printf("Strata load + 5m rollups + flush: %.1f s%n", (System.nanoTime() - t) / 1e9);

    List<Process> processes = new ArrayList<>();
    QueryServer strata = new QueryServer(QueryConfig.defaults("127.0.0.1", 0), store, new PrometheusRegistry(), () -> true).start();
    try {
      String prom = strataOnly ? null : startPrometheus(work, om, processes);
      String vm = strataOnly ? null : startVictoriaMetrics(work, vmText, processes);
      long pause = Long.getLong("harness.pauseSeconds", 0);
      if (pause > 0) {
        System.out.printf("strata query server on port %d for %d s%n", strata.port(), pause);
        Thread.sleep(pause * 1000);
      }
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      long end = T0 + hours * 3_600_000L;
      List<String[]> cases = new ArrayList<>();
      long whole = hours * 3_600_000L;
      for (DashboardQueries.Query q : DashboardQueries.ALL) {
        // a range beyond the data: run over the whole data instead, unless the same query over a shorter range is there
        boolean shorterListed = DashboardQueries.ALL.stream().anyMatch(o -> o.promql().equals(q.promql()) && o.rangeMs() < q.rangeMs());
        if (q.rangeMs() <= whole || !shorterListed) {
          cases.add(new String[] {q.name(), q.promql(), Long.toString(Math.min(q.rangeMs(), whole)), ""});
        }
      }
      cases.add(new String[] {"24h rate[1h] raw", "sum by (instance) (rate(node_cpu_seconds_total[1h]))", Long.toString(whole), "raw"});
      cases.add(new String[] {"24h rate[1h] 5m rollups", "sum by (instance) (rate(node_cpu_seconds_total[1h]))", Long.toString(whole), "5m"});
      cases.add(new String[] {"24h max_over_time[1h] raw", "max(max_over_time(node_hwmon_temp_celsius[1h]))", Long.toString(whole), "raw"});
      cases.add(new String[] {"24h max_over_time[1h] 5m rollups", "max(max_over_time(node_hwmon_temp_celsius[1h]))", Long.toString(whole), "5m"});
      System.out.printf("%-34s %12s %12s %12s %14s %12s   (median of %d, ms; step = range / 250 in whole minutes)%n", "query", "strata", "prometheus",
          "victoria", "in-process", "of it store", reps);
      String only = System.getProperty("harness.only", "");
      List<String> storeRows = new ArrayList<>();
      for (String[] c : cases) {
        if (!c[0].startsWith(only)) {
          continue;
        }
        long range = Long.parseLong(c[2]);
        // about 250 points, rounded down to a whole minute as Grafana's interval does (24 h: 5 m), so rollup
        // windows are never cut by a step's range
        DashboardQueries.Query query = new DashboardQueries.Query(c[0], c[1], range);
        long step = query.stepMs();
        String params = query.params(end);
        String strataParams = params + (c[3].isEmpty() ? "&max_source_resolution=raw" : "&max_source_resolution=" + c[3]);
        double s = median(http, "http://127.0.0.1:" + strata.port() + "/api/v1/query_range?" + strataParams, reps);
        boolean comparable = !c[3].equals("5m") && !strataOnly;
        double p = comparable ? median(http, prom + "/api/v1/query_range?" + params, reps) : Double.NaN;
        double v = comparable ? median(http, vm + "/api/v1/query_range?" + params, reps) : Double.NaN;
        double[] engine = inProcess(store, c[1], end - range, end, step, c[3].equals("5m") ? R5M : Resolution.RAW, reps);
        System.out.printf("%-34s %12.1f %12.1f %12.1f %14.1f %12.1f%n", c[0], s, p, v, engine[0], engine[1]);
        storeRows.add(c[0] + "\u0000" + c[1] + "\u0000" + (end - range) + "\u0000" + step + "\u0000" + c[3]);
      }
      System.out.printf("%nstore reads of the same selectors (median of %d, ms): select = Store.select at the query's resolution"
          + " (index, chunk lookup, first point); iterate = select + walking every cursor; StoreQueryable = what the engine"
          + " gets (over rollups: plus the raw selects for series without rollups and for the newest samples)%n", reps);
      System.out.printf("%-34s %10s %10s %10s %16s %12s%n", "query", "points", "select", "iterate", "StoreQueryable", "ns/point");
      for (String row : storeRows) {
        String[] f = row.split("\u0000", -1);
        Resolution res = f[4].equals("5m") ? R5M : Resolution.RAW;
        double[] b = storeBreakdown(store, f[1], Long.parseLong(f[2]), end, Long.parseLong(f[3]), res, reps);
        System.out.printf("%-34s %,10d %10.1f %10.1f %16.1f %12.1f%n", f[0], (long) b[0], b[1], b[2], b[3], b[3] * 1e6 / b[0]);
      }
    } finally {
      strata.close();
      for (Process p : processes) {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
      store.close();
      try (var files = Files.walk(work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /** The same samples as OpenMetrics (for promtool) and Prometheus text with ms timestamps (for VictoriaMetrics). */
  static void writeText(Labels[] labels, int steps, Path om, Path vmText) throws IOException {
    int n = labels.length;
    try (BufferedWriter w = Files.newBufferedWriter(om); BufferedWriter vw = Files.newBufferedWriter(vmText)) {
      String lastName = "";
      for (int i = 0; i < n; i++) {
        String name = labels[i].metricName();
        if (!name.equals(lastName)) {
          lastName = name;
        }
        String series = text(labels[i]);
        double[] v = values(i, steps);
        for (int k = 0; k < steps; k++) {
          long ts = timestamp(k);
          String val = io.strata.promql.ast.GoFormat.plain(v[k]);
          w.write(series + " " + val + " " + (ts / 1000) + "." + String.format("%03d", ts % 1000) + "\n");
          vw.write(series + " " + val + " " + ts + "\n");
        }
      }
      w.write("# EOF\n");
    }
  }

  /**
   * The rollup stage's 5-minute windows of one series (exact: first and last samples, counter correction,
   * resets, changes; {@link SampleSummary}), emitted as the stage emits them: only windows that end at least
   * the store's 10 m out-of-order window before the series' newest sample (final ones).
   */
  static void appendRollups(Store store, Labels l, double[] v) {
    long res = R5M.millis();
    long finalUntil = timestamp(v.length - 1) - 600_000;
    SampleSummary w = new SampleSummary();
    int k = 0;
    while (k < v.length) {
      long ws = timestamp(k) - Math.floorMod(timestamp(k), res);
      if (ws + res > finalUntil) {
        break;
      }
      w.clear();
      while (k < v.length && timestamp(k) < ws + res) {
        w.add(timestamp(k), v[k]);
        k++;
      }
      store.appendRollup("default", l, R5M, new RollupPoint(ws, w.count, w.sum, w.min, w.max, w.last, 0, w.firstMs, w.first,
          w.lastMs, w.correction, w.resets, w.changes, true));
    }
  }

  /**
   * The same query without HTTP: median wall time of {@code Engine.rangeQuery} over the store, and the median
   * time spent inside the store's selects (the TSDB's decoding plus {@code StoreQueryable}'s copy into arrays; for a selector
   * streamed through {@code selectEach}, also the range function the engine applies on the reading threads).
   */
  static double[] inProcess(Store store, String query, long start, long end, long step, Resolution res, int reps) {
    Engine engine = new Engine();
    StoreQueryable sq = new StoreQueryable(store, "default", res);
    long[] storeNanos = new long[1];
    Queryable timed = new Queryable() {
      @Override
      public List<SeriesData> select(SelectHints hints, List<LabelMatcher> matchers) {
        long t0 = clock();
        List<SeriesData> r = sq.select(hints, matchers);
        storeNanos[0] += clock() - t0;
        return r;
      }

      // streamed selectors: the time includes the range function, applied on the reading threads
      @Override
      public <R> List<R> selectEach(SelectHints hints, List<LabelMatcher> matchers,
          java.util.function.Supplier<? extends io.strata.promql.storage.SeriesFunction<? extends R>> functions) {
        long t0 = clock();
        List<R> r = sq.selectEach(hints, matchers, functions);
        storeNanos[0] += clock() - t0;
        return r;
      }
    };
    double[] total = new double[reps];
    double[] inStore = new double[reps];
    for (int i = -WARMUP; i < reps; i++) {
      storeNanos[0] = 0;
      long t0 = clock();
      engine.rangeQuery(timed, query, start, end, step);
      if (i >= 0) {
        total[i] = (clock() - t0) / 1e6;
        inStore[i] = storeNanos[0] / 1e6;
      }
    }
    Arrays.sort(total);
    Arrays.sort(inStore);
    return new double[] {total[reps / 2], inStore[reps / 2]};
  }

  /**
   * The reads one query makes (selectors and hints recorded from an engine run), replayed against the store at
   * resolution {@code res}: {points, select ms, select + iterate ms, StoreQueryable ms}.
   */
  static double[] storeBreakdown(Store store, String query, long start, long end, long step, Resolution res, int reps) {
    StoreQueryable sq = new StoreQueryable(store, "default", res);
    // StoreQueryable reads rollup windows stamped in [start, end], i.e. starting from start - res + 1
    long shift = res.isRaw() ? 0 : res.millis() - 1;
    List<SelectHints> hints = new ArrayList<>();
    List<List<LabelMatcher>> matchers = new ArrayList<>();
    new Engine().rangeQuery((h, m) -> {
      hints.add(h);
      matchers.add(m);
      return sq.select(h, m);
    }, query, start, end, step);
    double[][] ms = new double[3][reps];
    long samples = 0;
    for (int i = -WARMUP; i < reps; i++) {
      long n = 0;
      long t0 = clock();
      for (int j = 0; j < hints.size(); j++) {
        store.select("default", res, hints.get(j).startMs() - shift, hints.get(j).endMs(), matchers.get(j));
      }
      long t1 = clock();
      double sink = 0;
      for (int j = 0; j < hints.size(); j++) {
        for (StoredSeries s : store.select("default", res, hints.get(j).startMs() - shift, hints.get(j).endMs(), matchers.get(j))) {
          if (res.isRaw()) {
            SampleCursor c = s.samples();
            while (c.next()) {
              sink += c.value();
              n++;
            }
          } else {
            RollupCursor c = s.rollups();
            while (c.next()) {
              sink += c.point().sum();
              n++;
            }
          }
        }
      }
      long t2 = clock();
      for (int j = 0; j < hints.size(); j++) {
        sq.select(hints.get(j), matchers.get(j));
      }
      long t3 = clock();
      if (sink == 42.4242) {
        System.out.print("");
      }
      if (i >= 0) {
        ms[0][i] = (t1 - t0) / 1e6;
        ms[1][i] = (t2 - t1) / 1e6;
        ms[2][i] = (t3 - t2) / 1e6;
      }
      samples = n;
    }
    for (double[] a : ms) {
      Arrays.sort(a);
    }
    return new double[] {samples, ms[0][reps / 2], ms[1][reps / 2], ms[2][reps / 2]};
  }

  static String text(Labels l) {
    StringBuilder b = new StringBuilder(l.metricName()).append('{');
    boolean first = true;
    for (int i = 0; i < l.size(); i++) {
      if (l.name(i).equals("__name__")) {
        continue;
      }
      b.append(first ? "" : ",").append(l.name(i)).append("=\"").append(l.value(i)).append('"');
      first = false;
    }
    return b.append('}').toString();
  }

  static final boolean JAVA_CLIENT = System.getProperty("harness.client", "curl").equals("java");

  static double median(HttpClient http, String url, int reps) throws Exception {
    if (!JAVA_CLIENT) {
      return medianByCurl(url, WARMUP, reps);
    }
    double[] ms = new double[reps];
    for (int i = -WARMUP; i < reps; i++) {
      long t = System.nanoTime();
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5)).build(), HttpResponse.BodyHandlers.ofString());
      double took = (System.nanoTime() - t) / 1e6;
      if (r.statusCode() != 200) {
        throw new IllegalStateException(url + " -> " + r.statusCode() + " " + r.body().substring(0, Math.min(300, r.body().length())));
      }
      if (i >= 0) {
        ms[i] = took;
      }
    }
    Arrays.sort(ms);
    return ms[reps / 2];
  }

  /**
   * The median of curl's own {@code time_total} per request, body discarded. One curl process makes the
   * warm-up and timed requests one after the other on one kept-alive connection, as Grafana does: starting a
   * process per request cost Strata's server (which shares this JVM) a few ms of the harness's own work
   * right as each request arrived.
   */
  static double medianByCurl(String url, int warmup, int reps) throws Exception {
    double[] all = timesByCurl(url, warmup + reps);
    double[] ms = Arrays.copyOfRange(all, warmup, all.length);
    Arrays.sort(ms);
    return ms[reps / 2];
  }

  /** curl's {@code time_total} of {@code n} requests one after the other on one kept-alive connection, in ms, in order. */
  static double[] timesByCurl(String url, int n) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("curl", "-s", "-w", "%{http_code} %{time_total}\\n"));
    for (int i = 0; i < n; i++) {
      cmd.add("-o");
      cmd.add("/dev/null");
      cmd.add(url);
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String[] lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().split("\n");
    if (p.waitFor() != 0 || lines.length != n) {
      throw new IllegalStateException(url + " -> curl: " + String.join(" / ", lines));
    }
    double[] ms = new double[n];
    for (int i = 0; i < n; i++) {
      if (!lines[i].startsWith("200 ")) {
        throw new IllegalStateException(url + " -> curl: " + lines[i]);
      }
      ms[i] = Double.parseDouble(lines[i].substring(4)) * 1000;
    }
    return ms;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static String startPrometheus(Path work, Path om, List<Process> processes) throws Exception {
    long t = System.nanoTime();
    Path data = work.resolve("prometheus");
    Process backfill = new ProcessBuilder("promtool", "tsdb", "create-blocks-from", "openmetrics", "--max-block-duration=24h", om.toString(), data.toString())
        .redirectErrorStream(true).redirectOutput(work.resolve("promtool.log").toFile()).start();
    if (backfill.waitFor() != 0) {
      throw new IllegalStateException("promtool failed: " + Files.readString(work.resolve("promtool.log")));
    }
    System.out.printf("Prometheus backfill (promtool): %.1f s%n", (System.nanoTime() - t) / 1e9);
    Path cfg = work.resolve("prometheus.yml");
    Files.writeString(cfg, "global:\n  scrape_interval: 15s\n");
    int port = freePort();
    Process p = new ProcessBuilder("prometheus", "--config.file=" + cfg, "--storage.tsdb.path=" + data, "--storage.tsdb.retention.time=100y",
        "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
        .redirectErrorStream(true).redirectOutput(work.resolve("prometheus.log").toFile()).start();
    processes.add(p);
    String url = "http://127.0.0.1:" + port;
    await(url + "/-/ready");
    return url;
  }

  static String startVictoriaMetrics(Path work, Path text, List<Process> processes) throws Exception {
    int port = freePort();
    Process p = new ProcessBuilder("victoria-metrics", "-httpListenAddr=127.0.0.1:" + port, "-storageDataPath=" + work.resolve("vm"),
        "-retentionPeriod=100y", "-search.disableCache", "-loggerLevel=WARN")
        .redirectErrorStream(true).redirectOutput(work.resolve("vm.log").toFile()).start();
    processes.add(p);
    String url = "http://127.0.0.1:" + port;
    await(url + "/health");
    long t = System.nanoTime();
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/import/prometheus"))
        .POST(HttpRequest.BodyPublishers.ofFile(text)).timeout(Duration.ofMinutes(30)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IllegalStateException("VictoriaMetrics import: " + r.statusCode() + " " + r.body());
    }
    http.send(HttpRequest.newBuilder(URI.create(url + "/internal/force_flush")).build(), HttpResponse.BodyHandlers.ofString());
    System.out.printf("VictoriaMetrics import + flush: %.1f s%n", (System.nanoTime() - t) / 1e9);
    return url;
  }

  static void await(String url) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      try {
        if (http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not up yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(url + " not ready after 120 s");
  }
}
