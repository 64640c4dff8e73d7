package io.strata.flink.model;

import io.strata.schemas.model.Labels;

/**
 * Samples of one series: from one decoded {@code SampleBatch}, or written by one rule evaluation. A Flink
 * POJO with flat arrays, so it needs neither Avro nor Kryo inside Flink. Values travel as their raw IEEE
 * bits: Flink's double serializers canonicalise NaN, which turned Prometheus's stale marker
 * ({@code 0x7ff0000000000002}) into an ordinary NaN at every keyBy and in checkpointed state, so ended
 * series stayed present for the lookback and {@code absent()} never fired.
 */
public class SeriesSamples {
  /** Sorted label pairs, {@code __name__} included: name0, value0, name1, value1, ... */
  public String[] labels;
  public long[] timestamps;
  /** {@link Double#doubleToRawLongBits} of each value. */
  public long[] valueBits;

  public SeriesSamples() {}

  public SeriesSamples(String[] labels, long[] timestamps, double[] values) {
    this.labels = labels;
    this.timestamps = timestamps;
    this.valueBits = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      valueBits[i] = Double.doubleToRawLongBits(values[i]);
    }
  }

  /** Value i, bit for bit as it was given. */
  public double value(int i) {
    return Double.longBitsToDouble(valueBits[i]);
  }

  /** The values, bit for bit (a new array). */
  public double[] values() {
    double[] v = new double[valueBits.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = Double.longBitsToDouble(valueBits[i]);
    }
    return v;
  }

  public static String[] pairs(Labels l) {
    String[] p = new String[l.size() * 2];
    for (int i = 0; i < l.size(); i++) {
      p[2 * i] = l.name(i);
      p[2 * i + 1] = l.value(i);
    }
    return p;
  }

  public Labels toLabels() {
    return Labels.of(labels);
  }
}
