package io.strata.promql.storage;

import io.strata.schemas.model.Labels;
import java.util.Objects;

/**
 * One series as a store returns it: its labels and {@code size} samples in two parallel primitive arrays,
 * timestamps strictly increasing. Stale markers ({@link io.strata.schemas.model.StaleMarker}) are kept as
 * values: they end the series for instant lookups. The arrays are not copied; the store must not change
 * them afterwards.
 * A store with pre-aggregated windows answers range functions from them through
 * {@link Queryable#summarizeEach}, not as points here.
 */
public final class SeriesData {
  private final Labels labels;
  private final long[] timestamps;
  private final double[] values;
  private final int size;

  public SeriesData(Labels labels, long[] timestamps, double[] values, int size) {
    this.labels = Objects.requireNonNull(labels, "labels");
    this.timestamps = Objects.requireNonNull(timestamps, "timestamps");
    this.values = Objects.requireNonNull(values, "values");
    if (size < 0 || size > timestamps.length || size > values.length) {
      throw new IllegalArgumentException("series " + labels + ": size " + size + " does not fit arrays of "
          + timestamps.length + " timestamps and " + values.length + " values");
    }
    this.size = size;
  }

  public SeriesData(Labels labels, long[] timestamps, double[] values) {
    this(labels, timestamps, values, Math.min(timestamps.length, values.length));
  }

  public Labels labels() {
    return labels;
  }

  /** Timestamps in ms; only the first {@link #size()} entries are valid. */
  public long[] timestamps() {
    return timestamps;
  }

  /** Values; only the first {@link #size()} entries are valid. */
  public double[] values() {
    return values;
  }

  public int size() {
    return size;
  }

}
