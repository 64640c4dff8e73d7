package io.strata.flink;

import io.strata.flink.model.DecodedBatch;
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

  private final String[] labels;
  private final List<Long> ts = new ArrayList<>();
  private final List<Double> values = new ArrayList<>();

  private TestSeries(String[] labels) {
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
    return new TestSeries(p);
  }

  public TestSeries at(long timestampMs, double value) {
    ts.add(timestampMs);
    values.add(value);
    return this;
  }

  public String[] labels() {
    return labels;
  }

  public SeriesSamples build() {
    long[] t = new long[ts.size()];
    double[] v = new double[ts.size()];
    for (int i = 0; i < t.length; i++) {
      t[i] = ts.get(i);
      v[i] = values.get(i);
    }
    return new SeriesSamples(labels, t, v);
  }

  /** A decoded batch of the given series for a tenant (source "scrape"). */
  public static DecodedBatch batch(String tenant, TestSeries... series) {
    DecodedBatch b = new DecodedBatch();
    b.tenant = tenant;
    b.source = "scrape";
    b.series = new SeriesSamples[series.length];
    long max = Long.MIN_VALUE;
    for (int i = 0; i < series.length; i++) {
      b.series[i] = series[i].build();
      for (long t : b.series[i].timestamps) {
        max = Math.max(max, t);
      }
    }
    b.maxTimestampMs = max;
    return b;
  }
}
