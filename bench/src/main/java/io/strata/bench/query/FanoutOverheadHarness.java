package io.strata.bench.query;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.query.api.QueryConfig;
import io.strata.query.api.QueryServer;
import io.strata.query.store.FanoutStore;
import io.strata.schemas.model.Labels;
import io.strata.tsdb.Store;
import io.strata.tsdb.Stores;
import io.strata.tsdb.TsdbConfig;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Query fan-out overhead (issue 12: at most 1.3x the latency of one store holding the same data): the
 * {@link RangeQueryHarness} data (node_exporter-like, 15 s, with 5m rollups) loaded once into one store, and split by
 * series into two stores; range queries over HTTP to the single store's query server and to a query node
 * ({@link FanoutStore}) over the two halves' query servers, all in this JVM on loopback. Args {@code [SERIES HOURS REPS]}.
 */
public final class FanoutOverheadHarness {
  private FanoutOverheadHarness() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
    int hours = args.length > 1 ? Integer.parseInt(args[1]) : 24;
    int reps = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int steps = hours * 240;
    Path work = Files.createTempDirectory("strata-fanout-bench");
    Labels[] labels = RangeQueryHarness.labels(n);
    System.out.printf("data: %d series x %d h at 15 s = %,d samples; work dir %s%n", n, hours, (long) n * steps, work);
    long t = System.nanoTime();
    Store single = open(work.resolve("single"));
    Store[] half = {open(work.resolve("a")), open(work.resolve("b"))};
    for (int i = 0; i < n; i++) {
      double[] v = RangeQueryHarness.values(i, steps);
      Store h = half[i % 2];
      for (int k = 0; k < steps; k++) {
        single.append("default", labels[i], RangeQueryHarness.timestamp(k), v[k]);
        h.append("default", labels[i], RangeQueryHarness.timestamp(k), v[k]);
      }
      RangeQueryHarness.appendRollups(single, labels[i], v);
      RangeQueryHarness.appendRollups(h, labels[i], v);
      if (i % 200 == 199) {
        for (Store s : List.of(single, half[0], half[1])) {
          s.commit(Map.of());
        }
      }
    }
    for (Store s : List.of(single, half[0], half[1])) {
      s.commit(Map.of());
      s.flush();
    }
    System.out.printf("load + 5m rollups + flush of 3 stores: %.1f s%n", (System.nanoTime() - t) / 1e9);
    QueryConfig cfg = QueryConfig.defaults("127.0.0.1", 0);
    QueryServer one = new QueryServer(cfg, single, new PrometheusRegistry(), () -> true).start();
    QueryServer a = new QueryServer(cfg, half[0], new PrometheusRegistry(), () -> true).start();
    QueryServer b = new QueryServer(cfg, half[1], new PrometheusRegistry(), () -> true).start();
    FanoutStore fanout = new FanoutStore(List.of(URI.create("http://127.0.0.1:" + a.port()), URI.create("http://127.0.0.1:" + b.port())), false,
        Duration.ofMinutes(5), new PrometheusRegistry());
    QueryServer node = new QueryServer(cfg, fanout, new PrometheusRegistry(), () -> true).start();
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      long end = RangeQueryHarness.T0 + hours * 3_600_000L;
      long six = Math.min(6, hours) * 3_600_000L;
      long whole = hours * 3_600_000L;
      String[][] cases = {
          {"rate by instance 1h", "sum by (instance) (rate(node_cpu_seconds_total[5m]))", "3600000", "raw"},
          {"rate by instance " + hours + "h", "sum by (instance) (rate(node_cpu_seconds_total[5m]))", Long.toString(whole), "raw"},
          {"histogram_quantile 6h", "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))", Long.toString(six), "raw"},
          {"raw selector 6h", "node_memory_MemFree_bytes{instance=\"node-3:9100\"}", Long.toString(six), "raw"},
          {hours + "h rate[1h] 5m rollups", "sum by (instance) (rate(node_cpu_seconds_total[1h]))", Long.toString(whole), "5m"},
          {hours + "h max_over_time[1h] 5m", "max(max_over_time(node_hwmon_temp_celsius[1h]))", Long.toString(whole), "5m"}};
      System.out.printf("%-34s %12s %12s %8s %10s %10s   (median of %d, ms; CPU: the JVM threads' CPU-ms per request)%n", "query", "one store",
          "fan-out 2", "ratio", "CPU one", "CPU fan", reps);
      double logSum = 0;
      for (String[] c : cases) {
        long range = Long.parseLong(c[2]);
        long step = Math.max(RangeQueryHarness.STEP, range / 250 / 60_000 * 60_000);
        String params = "query=" + URLEncoder.encode(c[1], StandardCharsets.UTF_8) + "&start=" + (end - range) / 1000.0 + "&end=" + end / 1000.0
            + "&step=" + step / 1000.0 + "&max_source_resolution=" + c[3];
        double[] sf = interleaved(http, "http://127.0.0.1:" + one.port() + "/api/v1/query_range?" + params,
            "http://127.0.0.1:" + node.port() + "/api/v1/query_range?" + params, reps);
        double s = sf[0];
        double f = sf[1];
        logSum += Math.log(f / s);
        System.out.printf("%-34s %12.1f %12.1f %8.2f %10.1f %10.1f%n", c[0], s, f, f / s, sf[2], sf[3]);
      }
      System.out.printf("geometric mean of the ratios: %.2f%n", Math.exp(logSum / cases.length));
    } finally {
      node.close();
      fanout.close();
      for (QueryServer q : List.of(one, a, b)) {
        q.close();
      }
      for (Store s : List.of(single, half[0], half[1])) {
        s.close();
      }
      try (var files = Files.walk(work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /**
   * Medians of {@code reps} requests to each URL, taken alternately (one, fan-out, fan-out, one, ...) after the warm-up,
   * so that other load on the machine falls on both alike: {latency one, latency fan-out, CPU-ms one, CPU-ms fan-out},
   * CPU being that of this JVM's threads (stores, query node and client all run in it) during the request.
   */
  static double[] interleaved(HttpClient http, String one, String fanout, int reps) throws Exception {
    if (!RangeQueryHarness.JAVA_CLIENT) {
      return new double[] {RangeQueryHarness.median(http, one, reps), RangeQueryHarness.median(http, fanout, reps), Double.NaN, Double.NaN};
    }
    double[][] ms = new double[2][reps];
    double[][] cpu = new double[2][reps];
    for (int i = -RangeQueryHarness.WARMUP; i < reps; i++) {
      for (int k = 0; k < 2; k++) {
        int which = (i & 1) == 0 ? k : 1 - k;
        long c0 = cpuNanos();
        long t = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(which == 0 ? one : fanout)).timeout(Duration.ofMinutes(5)).build(),
            HttpResponse.BodyHandlers.ofString());
        double took = (System.nanoTime() - t) / 1e6;
        if (r.statusCode() != 200) {
          throw new IllegalStateException(r.uri() + " -> " + r.statusCode() + " " + r.body().substring(0, Math.min(300, r.body().length())));
        }
        if (i >= 0) {
          ms[which][i] = took;
          cpu[which][i] = (cpuNanos() - c0) / 1e6;
        }
      }
    }
    double[] out = new double[4];
    for (int k = 0; k < 2; k++) {
      java.util.Arrays.sort(ms[k]);
      java.util.Arrays.sort(cpu[k]);
      out[k] = ms[k][reps / 2];
      out[2 + k] = cpu[k][reps / 2];
    }
    return out;
  }

  /**
   * CPU time of this JVM's live threads, to the nanosecond (the process's total moves in 10 ms ticks); threads that end
   * during a request are missed, and none of those serving a query does.
   */
  private static long cpuNanos() {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (long id : mx.getAllThreadIds()) {
      long t = mx.getThreadCpuTime(id);
      if (t > 0) {
        sum += t;
      }
    }
    return sum;
  }

  private static Store open(Path dir) {
    return Stores.open(TsdbConfig.defaults(dir).withBackgroundCompaction(false));
  }
}
