package io.strata.streams.rollup;

import io.strata.avro.RollupWindow;
import java.nio.ByteBuffer;

/**
 * The exact aggregates of one series' samples in one window, the fields of a {@code RollupWindow}: count,
 * sum, min, max, first and last sample (with timestamps), the counter correction, resets and changes. Stale
 * markers are never added: they are not samples for range functions.
 *
 * <p>Two ways to build one, which agree (up to the order of floating-point additions in {@code sum} and
 * {@code correction}): {@link #add} the samples of a window in timestamp order, or {@link #compose} the
 * aggregates of consecutive windows in start order. The definitions follow Prometheus 2.42's range
 * functions, so a query answered from windows equals one answered from the raw samples:
 * <ul>
 *   <li>min/max as {@code min_over_time}/{@code max_over_time}: a NaN is replaced by any number, so the
 *       result is NaN only when every value is NaN;
 *   <li>correction as the counter correction of {@code rate}/{@code increase}: for consecutive samples
 *       (prev, cur) with {@code cur < prev}, {@code prev} is added (so increase = last - first + correction),
 *       and {@code resets} counts those pairs;
 *   <li>changes as {@code changes}: consecutive pairs with {@code !(cur == prev || both NaN)}.
 * </ul>
 * Mutable and reused, so the per-sample path allocates nothing.
 */
public final class WindowAggregate {
  /** Bytes of {@link #writeTo}: 3 longs and 8 doubles. */
  public static final int ENCODED_BYTES = 11 * 8;

  private long count;
  private double sum;
  private double min;
  private double max;
  private long firstMs;
  private double first;
  private long lastMs;
  private double last;
  private double correction;
  private long resets;
  private long changes;

  /** Empty: count 0. */
  public WindowAggregate clear() {
    count = 0;
    sum = 0;
    min = 0;
    max = 0;
    firstMs = 0;
    first = 0;
    lastMs = 0;
    last = 0;
    correction = 0;
    resets = 0;
    changes = 0;
    return this;
  }

  /** Appends one sample, later than every sample added before (the caller keeps timestamp order). */
  public void add(long t, double v) {
    if (count == 0) {
      count = 1;
      sum = v;
      min = v;
      max = v;
      firstMs = t;
      first = v;
      lastMs = t;
      last = v;
      return;
    }
    pair(last, v);
    count++;
    sum += v;
    min = minOf(min, v);
    max = maxOf(max, v);
    lastMs = t;
    last = v;
  }

  /** Appends the aggregate of a later window (every sample of {@code b} after every sample of this one). */
  public void compose(WindowAggregate b) {
    if (b.count == 0) {
      return;
    }
    if (count == 0) {
      copyFrom(b);
      return;
    }
    pair(last, b.first);
    count += b.count;
    sum += b.sum;
    min = minOf(min, b.min);
    max = maxOf(max, b.max);
    lastMs = b.lastMs;
    last = b.last;
    correction += b.correction;
    resets += b.resets;
    changes += b.changes;
  }

  /** Counts the consecutive pair (prev, cur): a reset when cur < prev, a change unless equal or both NaN. */
  private void pair(double prev, double cur) {
    if (cur < prev) {
      correction += prev;
      resets++;
    }
    if (!(cur == prev || (Double.isNaN(cur) && Double.isNaN(prev)))) {
      changes++;
    }
  }

  public void copyFrom(WindowAggregate o) {
    count = o.count;
    sum = o.sum;
    min = o.min;
    max = o.max;
    firstMs = o.firstMs;
    first = o.first;
    lastMs = o.lastMs;
    last = o.last;
    correction = o.correction;
    resets = o.resets;
    changes = o.changes;
  }

  // Prometheus's min_over_time/max_over_time: NaN only when every value is NaN.
  private static double minOf(double cur, double v) {
    return (v < cur || Double.isNaN(cur)) ? v : cur;
  }

  private static double maxOf(double cur, double v) {
    return (v > cur || Double.isNaN(cur)) ? v : cur;
  }

  /** The window as written to a rollup topic: {@code exact = true}, {@code counter = 0} (legacy field). */
  public RollupWindow toAvro(long windowStartMs) {
    return RollupWindow.newBuilder()
        .setWindowStartMs(windowStartMs)
        .setCount(count).setSum(sum).setMin(min).setMax(max)
        .setFirstMs(firstMs).setFirst(first).setLastMs(lastMs).setLast(last)
        .setCorrection(correction).setResets(resets).setChanges(changes)
        .setCounter(0.0).setExact(true)
        .build();
  }

  /** Writes {@link #ENCODED_BYTES} bytes: count, sum, min, max, first_ms, first, last_ms, last, correction, resets, changes. */
  public void writeTo(ByteBuffer b) {
    b.putLong(count).putDouble(sum).putDouble(min).putDouble(max).putLong(firstMs).putDouble(first).putLong(lastMs)
        .putDouble(last).putDouble(correction).putLong(resets).putLong(changes);
  }

  /** Reads what {@link #writeTo} wrote. */
  public WindowAggregate readFrom(ByteBuffer b) {
    count = b.getLong();
    sum = b.getDouble();
    min = b.getDouble();
    max = b.getDouble();
    firstMs = b.getLong();
    first = b.getDouble();
    lastMs = b.getLong();
    last = b.getDouble();
    correction = b.getDouble();
    resets = b.getLong();
    changes = b.getLong();
    return this;
  }

  public long count() {
    return count;
  }

  public double sum() {
    return sum;
  }

  public double min() {
    return min;
  }

  public double max() {
    return max;
  }

  public long firstMs() {
    return firstMs;
  }

  public double first() {
    return first;
  }

  public long lastMs() {
    return lastMs;
  }

  public double last() {
    return last;
  }

  public double correction() {
    return correction;
  }

  public long resets() {
    return resets;
  }

  public long changes() {
    return changes;
  }

  @Override
  public String toString() {
    return "count=" + count + " sum=" + sum + " min=" + min + " max=" + max + " first=" + first + "@" + firstMs
        + " last=" + last + "@" + lastMs + " correction=" + correction + " resets=" + resets + " changes=" + changes;
  }
}
