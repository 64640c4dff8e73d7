package io.strata.flink;

import io.strata.flink.model.SeriesSamples;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** Intent-named builder of one series' samples: {@code series("up", "job", "api").at(T0, 1).build()}. */
public final class TestSeries {
  public static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
  public static final long SECOND = 1000;
  public static final long MINUTE = 60 * SECOND;

  private final String tenant;
  private final String[] labels;
  private final List<long[]> ts = new ArrayList<>();
  private final List<Double> values = new ArrayList<>();

  private TestSeries(String tenant, String[] labels) {
    this.tenant = tenant;
    this.labels = labels;
  }

  public static TestSeries series(String metric, String... labelPairs) {
    TreeMap<String, String> m = new TreeMap<>();
    m.put("__name__", metric);
    for (int i = 0; i < labelPairs.length; i += 2) {
      m.put(labelPairs[i], labelPairs[i + 1]);
    }
    String[] p = new String[m.size() * 2];
    int i = 0;
    for (var e : m.entrySet()) {
      p[i++] = e.getKey();
      p[i++] = e.getValue();
    }
    return new TestSeries("default", p);
  }

  public TestSeries at(long timestampMs, double value) {
    ts.add(new long[] {timestampMs});
    values.add(value);
    return this;
  }

  public String[] labels() {
    return labels;
  }

  public SeriesSamples build() {
    long[] t = new long[ts.size()];
    double[] v = new double[ts.size()];
    long max = Long.MIN_VALUE;
    for (int i = 0; i < t.length; i++) {
      t[i] = ts.get(i)[0];
      v[i] = values.get(i);
      max = Math.max(max, t[i]);
    }
    return new SeriesSamples(tenant, labels, t, v, max);
  }
}
