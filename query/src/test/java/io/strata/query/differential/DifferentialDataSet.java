package io.strata.query.differential;

import io.strata.promql.ast.GoFormat;
import io.strata.schemas.model.Labels;
import io.strata.tsdb.Store;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One deterministic (seeded) data set for the differential test: a few hundred series over three hours
 * at a 15 s scrape interval, with what makes PromQL hard: counter resets, gaps longer than the lookback,
 * series that start late and stop early, NaN and ±Inf values, classic histograms ({@code _bucket} with
 * {@code le} up to {@code +Inf}, {@code _sum}, {@code _count}), several jobs and instances, and scrape
 * timestamps with millisecond jitter. No stale markers: OpenMetrics text cannot carry them.
 *
 * <p>Written as OpenMetrics text (timestamps in seconds with three decimals, {@code # EOF}) for
 * {@code promtool tsdb create-blocks-from openmetrics}, and appended to a {@link Store}. Every timestamp
 * is chosen so that Go's {@code int64(float64(seconds) * 1000)} gives back the same millisecond.
 */
final class DifferentialDataSet {
  static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  static final long STEP_MS = 15_000;
  static final int STEPS = 720; // 3 h
  static final long END = T0 + (STEPS - 1) * STEP_MS;
  static final String[] LE = {"0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"};
  private static final double[] LE_BOUNDS = {0.05, 0.1, 0.25, 0.5, 1, 2.5, Double.POSITIVE_INFINITY};

  /** One series: labels and its samples. */
  record Series(Labels labels, long[] t, double[] v) {}

  /** One metric family as OpenMetrics groups it. */
  record Family(String name, String type, List<Series> series) {}

  final List<Family> families = new ArrayList<>();
  private final SplittableRandom rnd;

  DifferentialDataSet(long seed) {
    rnd = new SplittableRandom(seed);
    List<String> api = instances("api", 5, 8080);
    List<String> node = instances("node", 4, 9100);
    List<String> batch = instances("batch", 2, 9200);

    Family up = family("up", "gauge");
    Family build = family("build_info", "gauge");
    for (String[] ji : jobInstances(api, node, batch)) {
      boolean flaky = ji[1].startsWith("node-3");
      Lifetime life = lifetime(false);
      long[] ts = timestamps(life, ji[0].equals("api"));
      double[] vs = new double[ts.length];
      for (int i = 0; i < vs.length; i++) {
        vs[i] = flaky && rnd.nextInt(10) == 0 ? 0 : 1;
      }
      up.series.add(new Series(Labels.of("__name__", "up", "job", ji[0], "instance", ji[1]), ts, vs));
      double[] ones = new double[ts.length];
      Arrays.fill(ones, 1);
      build.series.add(new Series(Labels.of("__name__", "build_info", "job", ji[0], "instance", ji[1],
          "version", ji[1].startsWith("api-4") ? "1.1.0" : "1.0.0"), ts, ones));
    }

    Family requests = family("http_requests", "counter");
    Family duration = family("http_request_duration_seconds", "histogram");
    for (String inst : api) {
      for (String method : new String[] {"GET", "POST"}) {
        for (String code : new String[] {"200", "500"}) {
          Lifetime life = lifetime(true);
          long[] ts = timestamps(life, true);
          double rate = code.equals("200") ? 5 + rnd.nextDouble() * 20 : rnd.nextDouble();
          requests.series.add(new Series(Labels.of("__name__", "http_requests_total", "job", "api", "instance", inst,
              "method", method, "code", code), ts, counter(ts.length, rate, 0.004)));
        }
      }
      histogram(duration, inst, timestamps(lifetime(true), true));
    }

    Family cpu = family("node_cpu_seconds", "counter");
    Family mem = family("node_memory_MemAvailable_bytes", "gauge");
    Family load = family("node_load1", "gauge");
    for (String inst : node) {
      for (int c = 0; c < 4; c++) {
        for (String mode : new String[] {"idle", "user", "system", "iowait"}) {
          long[] ts = timestamps(lifetime(false), false);
          double share = mode.equals("idle") ? 0.7 : mode.equals("user") ? 0.2 : 0.05;
          cpu.series.add(new Series(Labels.of("__name__", "node_cpu_seconds_total", "job", "node", "instance", inst,
              "cpu", Integer.toString(c), "mode", mode), ts, counter(ts.length, share * 15, inst.startsWith("node-2") ? 0.002 : 0)));
        }
      }
      long[] ts = timestamps(lifetime(false), false);
      mem.series.add(new Series(Labels.of("__name__", "node_memory_MemAvailable_bytes", "job", "node", "instance", inst), ts,
          walk(ts.length, 8e9, 5e7, 0, true)));
      ts = timestamps(lifetime(false), false);
      load.series.add(new Series(Labels.of("__name__", "node_load1", "job", "node", "instance", inst), ts, walk(ts.length, 1.5, 0.2, 0.01, false)));
    }

    Family temp = family("temperature_celsius", "gauge");
    Family queue = family("queue_depth", "gauge");
    Family lastSuccess = family("batch_last_success_timestamp_seconds", "gauge");
    Family processed = family("batch_items_processed", "counter");
    for (String inst : batch) {
      for (int s = 0; s < 10; s++) {
        long[] ts = timestamps(lifetime(true), false);
        double[] vs = walk(ts.length, s * 7 - 20, 1.5, 0, false);
        for (int i = 0; i < vs.length; i++) {
          int r = rnd.nextInt(400);
          vs[i] = r < 4 ? Double.NaN : r == 4 ? Double.POSITIVE_INFINITY : r == 5 ? Double.NEGATIVE_INFINITY : vs[i];
        }
        temp.series.add(new Series(Labels.of("__name__", "temperature_celsius", "job", "batch", "instance", inst, "sensor", Integer.toString(s)), ts, vs));
      }
      for (int q = 0; q < 10; q++) {
        Lifetime life = lifetime(true);
        long[] ts = gaps(timestamps(life, false));
        double[] vs = new double[ts.length];
        for (int i = 0; i < vs.length; i++) {
          vs[i] = rnd.nextInt(50 + q * 10);
        }
        queue.series.add(new Series(Labels.of("__name__", "queue_depth", "job", "batch", "instance", inst, "queue", "q" + q), ts, vs));
        ts = gaps(timestamps(life, false));
        processed.series.add(new Series(Labels.of("__name__", "batch_items_processed_total", "job", "batch", "instance", inst, "queue", "q" + q), ts,
            counter(ts.length, 3 + q, 0.01)));
      }
      long[] ts = timestamps(lifetime(false), false);
      double[] vs = new double[ts.length];
      double last = T0 / 1000.0 - 3600;
      for (int i = 0; i < vs.length; i++) {
        if (rnd.nextInt(40) == 0) {
          last = ts[i] / 1000.0;
        }
        vs[i] = last;
      }
      lastSuccess.series.add(new Series(Labels.of("__name__", "batch_last_success_timestamp_seconds", "job", "batch", "instance", inst), ts, vs));
    }
    boundaries(new SplittableRandom(seed + 1));
  }

  /**
   * Series for subquery alignment and filtered 0/1 series (issue 16), from their own random source so the
   * series above stay as they were: {@code step_counter} has a sample exactly on every minute (value =
   * minutes since T0, as promqltest's {@code load 1m}), so whether a window's lower boundary is included
   * shows in every count, sum and minimum; {@code flag} series are 0/1 with gaps (some longer than the
   * lookback) at 15 s, 30 s and 1 m scrape intervals, on and off the minute.
   */
  private void boundaries(SplittableRandom r) {
    Family minute = family("step_counter", "gauge");
    long[] ts = new long[STEPS / 4];
    double[] vs = new double[ts.length];
    for (int i = 0; i < ts.length; i++) {
      ts[i] = T0 + i * 60_000L;
      vs[i] = i;
    }
    minute.series.add(new Series(Labels.of("__name__", "step_counter", "job", "fidelity"), ts, vs));
    Family flag = family("flag", "gauge");
    long[][] layouts = {{15_000, 0}, {15_000, 0}, {30_000, 10_000}, {60_000, 0}, {60_000, 30_000}, {15_000, 7_000}, {10_000, 0}};
    for (int f = 0; f < layouts.length; f++) {
      long interval = layouts[f][0];
      long offset = layouts[f][1];
      int n = (int) ((STEPS - 1) * STEP_MS / interval);
      long[] ft = new long[n];
      double[] fv = new double[n];
      int m = 0;
      double v = r.nextInt(2);
      for (int i = 0; i < n; i++) {
        if (r.nextInt(25) == 0) {
          // a gap of 1 to 24 scrapes: longer than the 5 m lookback at some intervals
          i += r.nextInt(24);
          continue;
        }
        if (r.nextInt(6) == 0) {
          v = 1 - v;
        }
        ft[m] = T0 + i * interval + offset;
        fv[m] = v;
        m++;
      }
      flag.series.add(new Series(Labels.of("__name__", "flag", "job", "fidelity", "instance", "f" + f,
          "interval", Long.toString(interval / 1000)), Arrays.copyOf(ft, m), Arrays.copyOf(fv, m)));
    }
  }

  int seriesCount() {
    int n = 0;
    for (Family f : families) {
      n += f.series.size();
    }
    return n;
  }

  long sampleCount() {
    long n = 0;
    for (Family f : families) {
      for (Series s : f.series) {
        n += s.t.length;
      }
    }
    return n;
  }

  /** OpenMetrics text with one family after the other and each series' samples in time order. */
  void writeOpenMetrics(Path file) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (Family f : families) {
        w.write("# TYPE " + f.name + " " + f.type + "\n");
        for (Series s : f.series) {
          StringBuilder prefix = new StringBuilder(s.labels.metricName()).append('{');
          boolean first = true;
          for (int i = 0; i < s.labels.size(); i++) {
            if (s.labels.name(i).equals(Labels.METRIC_NAME)) {
              continue;
            }
            if (!first) {
              prefix.append(',');
            }
            first = false;
            prefix.append(s.labels.name(i)).append("=\"").append(s.labels.value(i)).append('"');
          }
          prefix.append("} ");
          for (int i = 0; i < s.t.length; i++) {
            w.write(prefix.toString());
            w.write(GoFormat.plain(s.v[i]));
            w.write(' ');
            w.write(seconds(s.t[i]));
            w.write('\n');
          }
        }
      }
      w.write("# EOF\n");
    }
  }

  void load(Store store, String tenant) {
    for (Family f : families) {
      for (Series s : f.series) {
        for (int i = 0; i < s.t.length; i++) {
          store.append(tenant, s.labels, s.t[i], s.v[i]);
        }
      }
    }
    store.commit(Map.of());
  }

  static String seconds(long ms) {
    long abs = Math.abs(ms);
    return (ms < 0 ? "-" : "") + abs / 1000 + "." + String.format("%03d", abs % 1000);
  }

  /** True when Go's {@code int64(ParseFloat(s) * 1000)} of the written seconds gives back {@code ms}. */
  static boolean exactInOpenMetrics(long ms) {
    return (long) (Double.parseDouble(seconds(ms)) * 1000) == ms;
  }

  // ---- generators -------------------------------------------------------------------------------------

  private record Lifetime(int from, int to) {}

  private Family family(String name, String type) {
    Family f = new Family(name, type, new ArrayList<>());
    families.add(f);
    return f;
  }

  private static List<String> instances(String job, int n, int port) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(job + "-" + i + ":" + port);
    }
    return out;
  }

  @SafeVarargs
  private static List<String[]> jobInstances(List<String>... groups) {
    List<String[]> out = new ArrayList<>();
    for (List<String> g : groups) {
      for (String inst : g) {
        out.add(new String[] {inst.substring(0, inst.indexOf('-')), inst});
      }
    }
    return out;
  }

  /** A fifth of the series start late and a fifth stop early when {@code varied}. */
  private Lifetime lifetime(boolean varied) {
    int from = 0;
    int to = STEPS;
    if (varied) {
      int r = rnd.nextInt(10);
      if (r < 2) {
        from = 20 + rnd.nextInt(STEPS / 2);
      } else if (r < 4) {
        to = STEPS / 2 + rnd.nextInt(STEPS / 2 - 20);
      }
    }
    return new Lifetime(from, to);
  }

  /** Scrape times of one target: a fixed offset in the interval plus, for {@code jitter}, 0-40 ms per scrape. */
  private long[] timestamps(Lifetime life, boolean jitter) {
    long offset = jitter ? rnd.nextInt(15_000) : 0;
    long[] ts = new long[life.to - life.from];
    for (int i = 0; i < ts.length; i++) {
      long t = T0 + (life.from + i) * STEP_MS + offset + (jitter ? rnd.nextInt(40) : 0);
      while (!exactInOpenMetrics(t)) {
        t++;
      }
      ts[i] = t;
    }
    return ts;
  }

  /** Drops runs of 1-40 scrapes (some longer than the 5 m lookback). */
  private long[] gaps(long[] ts) {
    long[] out = new long[ts.length];
    int n = 0;
    for (int i = 0; i < ts.length; i++) {
      if (rnd.nextInt(60) == 0) {
        i += 1 + rnd.nextInt(40);
        continue;
      }
      out[n++] = ts[i];
    }
    return Arrays.copyOf(out, n);
  }

  private double[] counter(int n, double perScrape, double resetProbability) {
    double[] vs = new double[n];
    double v = rnd.nextDouble() * 1000;
    for (int i = 0; i < n; i++) {
      if (rnd.nextDouble() < resetProbability) {
        v = 0;
      }
      v += Math.round(rnd.nextDouble() * 2 * perScrape * 100) / 100.0;
      vs[i] = v;
    }
    return vs;
  }

  private double[] walk(int n, double start, double stepSize, double nanProbability, boolean integer) {
    double[] vs = new double[n];
    double v = start;
    for (int i = 0; i < n; i++) {
      v += (rnd.nextDouble() - 0.5) * 2 * stepSize;
      vs[i] = rnd.nextDouble() < nanProbability ? Double.NaN : integer ? Math.rint(v) : v;
    }
    return vs;
  }

  private void histogram(Family f, String instance, long[] ts) {
    int n = ts.length;
    double[][] buckets = new double[LE.length][n];
    double[] sum = new double[n];
    double[] count = new double[n];
    double[] cum = new double[LE.length];
    double s = 0;
    double c = 0;
    double scale = 0.05 + rnd.nextDouble() * 0.5;
    for (int i = 0; i < n; i++) {
      if (rnd.nextDouble() < 0.003) {
        Arrays.fill(cum, 0);
        s = 0;
        c = 0;
      }
      int obs = rnd.nextInt(30);
      for (int k = 0; k < obs; k++) {
        double x = -Math.log(1 - rnd.nextDouble()) * scale;
        x = Math.round(x * 1000) / 1000.0;
        for (int b = 0; b < LE.length; b++) {
          if (x <= LE_BOUNDS[b]) {
            cum[b]++;
          }
        }
        s += x;
        c++;
      }
      for (int b = 0; b < LE.length; b++) {
        buckets[b][i] = cum[b];
      }
      sum[i] = Math.round(s * 1000) / 1000.0;
      count[i] = c;
    }
    String base = f.name;
    for (int b = 0; b < LE.length; b++) {
      f.series.add(new Series(Labels.of("__name__", base + "_bucket", "job", "api", "instance", instance, "le", LE[b]), ts, buckets[b]));
    }
    f.series.add(new Series(Labels.of("__name__", base + "_sum", "job", "api", "instance", instance), ts, sum));
    f.series.add(new Series(Labels.of("__name__", base + "_count", "job", "api", "instance", instance), ts, count));
  }

  static Map<String, String> typeByFamily(DifferentialDataSet d) {
    Map<String, String> m = new LinkedHashMap<>();
    for (Family f : d.families) {
      m.put(f.name, f.type);
    }
    return m;
  }
}
