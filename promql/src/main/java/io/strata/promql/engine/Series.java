package io.strata.promql.engine;

import io.strata.schemas.model.Labels;
import java.util.Objects;

/** One series of a matrix: labels and points in two parallel arrays, timestamps increasing. */
public final class Series {
  private final Labels labels;
  private final long[] timestamps;
  private final double[] values;

  public Series(Labels labels, long[] timestamps, double[] values) {
    this.labels = Objects.requireNonNull(labels, "labels");
    if (timestamps.length != values.length) {
      throw new IllegalArgumentException("series " + labels + ": " + timestamps.length + " timestamps but "
          + values.length + " values");
    }
    this.timestamps = timestamps;
    this.values = values;
  }

  public Labels labels() {
    return labels;
  }

  public long[] timestamps() {
    return timestamps;
  }

  public double[] values() {
    return values;
  }

  public int size() {
    return timestamps.length;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(labels.toString()).append(" =>");
    for (int i = 0; i < timestamps.length; i++) {
      sb.append(' ').append(values[i]).append(" @").append(timestamps[i]);
    }
    return sb.toString();
  }
}
