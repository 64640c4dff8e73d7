package io.strata.promql.storage;

import io.strata.schemas.model.Labels;
import java.util.Objects;

/**
 * One series as a store returns it: its labels and {@code size} samples in two parallel primitive arrays,
 * timestamps strictly increasing. Stale markers ({@link io.strata.schemas.model.StaleMarker}) are kept as
 * values: they end the series for instant lookups. The arrays are not copied; the store must not change
 * them afterwards.
 *
 * <p>A store answering from pre-aggregated windows (rollups) also passes {@code sampleCounts}: how many
 * raw samples each point stands for. Each value is then the aggregate that {@link SelectHints#function()}
 * needs (see the README's storage contract): the window's sum for {@code sum_over_time} and
 * {@code avg_over_time}, min for {@code min_over_time}, and so on. The engine sums the counts for
 * {@code count_over_time} and divides summed sums by summed counts for {@code avg_over_time}; every other
 * function reads the values as samples. {@code null} means every point is one raw sample.
 */
public final class SeriesData {
  private final Labels labels;
  private final long[] timestamps;
  private final double[] values;
  private final int size;
  private final double[] sampleCounts;

  public SeriesData(Labels labels, long[] timestamps, double[] values, int size) {
    this(labels, timestamps, values, size, null);
  }

  /** A series of aggregated points: {@code sampleCounts[i]} raw samples stand behind point i. */
  public SeriesData(Labels labels, long[] timestamps, double[] values, int size, double[] sampleCounts) {
    this.labels = Objects.requireNonNull(labels, "labels");
    this.timestamps = Objects.requireNonNull(timestamps, "timestamps");
    this.values = Objects.requireNonNull(values, "values");
    if (size < 0 || size > timestamps.length || size > values.length) {
      throw new IllegalArgumentException("series " + labels + ": size " + size + " does not fit arrays of "
          + timestamps.length + " timestamps and " + values.length + " values");
    }
    if (sampleCounts != null && size > sampleCounts.length) {
      throw new IllegalArgumentException("series " + labels + ": size " + size + " does not fit " + sampleCounts.length + " sample counts");
    }
    this.size = size;
    this.sampleCounts = sampleCounts;
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

  /** Raw samples behind each point, or null when each point is one raw sample. */
  public double[] sampleCounts() {
    return sampleCounts;
  }
}
