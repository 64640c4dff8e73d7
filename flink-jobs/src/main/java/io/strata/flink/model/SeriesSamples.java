package io.strata.flink.model;

import io.strata.schemas.model.Labels;

/**
 * Samples of one series: from one decoded {@code SampleBatch}, or written by one rule evaluation. A Flink
 * POJO with flat arrays, so it needs neither Avro nor Kryo inside Flink.
 */
public class SeriesSamples {
  /** Sorted label pairs, {@code __name__} included: name0, value0, name1, value1, ... */
  public String[] labels;
  public long[] timestamps;
  public double[] values;

  public SeriesSamples() {}

  public SeriesSamples(String[] labels, long[] timestamps, double[] values) {
    this.labels = labels;
    this.timestamps = timestamps;
    this.values = values;
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
