package io.strata.tsdb;

/**
 * The aggregates of one rollup window of one series: Thanos's count, sum, min, max and counter plus last, and
 * (exact windows, RollupBatch v2) what makes PromQL over rollups answer what it answers over raw samples:
 * the first sample's timestamp and value, the last sample's timestamp ({@code last} is its value), the
 * counter correction (the sum of the values before each reset inside the window, so
 * {@code increase = last - first + correction}), the resets and the value changes between consecutive
 * samples of the window.
 *
 * <p>{@code exact} false marks a legacy window (written by the old rollup stage, or read from a chunk of
 * encoding 2 or 4): its extra fields are 0 and readers must not use it for exact answers.
 */
public record RollupPoint(
    long windowStartMs,
    long count,
    double sum,
    double min,
    double max,
    double last,
    double counter,
    long firstMs,
    double first,
    long lastMs,
    double correction,
    long resets,
    long changes,
    boolean exact) {

  /** A legacy window: the seven aggregates of the old stage, {@code exact} false, every other field 0. */
  public RollupPoint(long windowStartMs, long count, double sum, double min, double max, double last, double counter) {
    this(windowStartMs, count, sum, min, max, last, counter, 0, 0.0, 0, 0.0, 0, 0, false);
  }

  /**
   * Same window and every field bit for bit (a stale-marker NaN is not an ordinary NaN): what tells a
   * re-delivered window (DUPLICATE) from another one at the same start (CONFLICTING_VALUE).
   */
  public boolean sameBits(RollupPoint o) {
    return windowStartMs == o.windowStartMs && count == o.count && bits(sum) == bits(o.sum) && bits(min) == bits(o.min) && bits(max) == bits(o.max)
        && bits(last) == bits(o.last) && bits(counter) == bits(o.counter) && firstMs == o.firstMs && bits(first) == bits(o.first) && lastMs == o.lastMs
        && bits(correction) == bits(o.correction) && resets == o.resets && changes == o.changes && exact == o.exact;
  }

  private static long bits(double d) {
    return Double.doubleToRawLongBits(d);
  }
}
