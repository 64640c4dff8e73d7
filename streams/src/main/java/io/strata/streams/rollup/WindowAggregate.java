package io.strata.streams.rollup;

import java.nio.ByteBuffer;

/**
 * The aggregates of one series in one window, on primitives: count, sum, min, max, last and the
 * reset-adjusted counter value at the last sample (Thanos's downsampling aggregates). Mutable and reused:
 * the per-sample path ({@link #add}) does not allocate.
 *
 * <p>Stored as a 57-byte value: version byte 1, then big-endian count (8), sum, min, max, last,
 * counter (8 each, IEEE 754 bits), last sample timestamp (8). The timestamp orders {@code last} and
 * {@code counter} when finer windows are merged into a coarser one.
 */
public final class WindowAggregate {
  static final byte VERSION = 1;
  static final int ENCODED_BYTES = 1 + 7 * 8;

  private long count;
  private double sum;
  private double min;
  private double max;
  private double last;
  private double counter;
  private long lastTimestamp;

  public void clear() {
    count = 0;
    sum = 0;
    min = 0;
    max = 0;
    last = 0;
    counter = 0;
    lastTimestamp = Long.MIN_VALUE;
  }

  /** Adds one sample; {@code counterValue} is its reset-adjusted counter value. */
  public void add(long timestamp, double value, double counterValue) {
    if (count == 0) {
      sum = value;
      min = value;
      max = value;
      last = value;
      counter = counterValue;
      lastTimestamp = timestamp;
      count = 1;
      return;
    }
    sum += value;
    min = minOf(min, value);
    max = maxOf(max, value);
    if (timestamp >= lastTimestamp) {
      last = value;
      counter = counterValue;
      lastTimestamp = timestamp;
    }
    count++;
  }

  /** Folds another aggregate of the same series in (a finer window, or a partial of this window). */
  public void merge(WindowAggregate o) {
    if (o.count == 0) {
      return;
    }
    if (count == 0) {
      copyFrom(o);
      return;
    }
    sum += o.sum;
    min = minOf(min, o.min);
    max = maxOf(max, o.max);
    if (o.lastTimestamp >= lastTimestamp) {
      last = o.last;
      counter = o.counter;
      lastTimestamp = o.lastTimestamp;
    }
    count += o.count;
  }

  public void copyFrom(WindowAggregate o) {
    count = o.count;
    sum = o.sum;
    min = o.min;
    max = o.max;
    last = o.last;
    counter = o.counter;
    lastTimestamp = o.lastTimestamp;
  }

  // Prometheus's min_over_time/max_over_time: a NaN is replaced by any number, so the result is NaN only
  // when every value was NaN.
  private static double minOf(double cur, double v) {
    return (v < cur || Double.isNaN(cur)) ? v : cur;
  }

  private static double maxOf(double cur, double v) {
    return (v > cur || Double.isNaN(cur)) ? v : cur;
  }

  public byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(ENCODED_BYTES);
    b.put(VERSION).putLong(count).putDouble(sum).putDouble(min).putDouble(max).putDouble(last).putDouble(counter)
        .putLong(lastTimestamp);
    return b.array();
  }

  /** Loads a stored value into this instance. */
  public WindowAggregate decode(byte[] stored) {
    if (stored.length != ENCODED_BYTES || stored[0] != VERSION) {
      throw new IllegalStateException("corrupt window aggregate in state store: expected " + ENCODED_BYTES
          + " bytes starting with version " + VERSION + ", got " + stored.length + " bytes starting with "
          + (stored.length == 0 ? "nothing" : Byte.toString(stored[0])));
    }
    ByteBuffer b = ByteBuffer.wrap(stored, 1, ENCODED_BYTES - 1);
    count = b.getLong();
    sum = b.getDouble();
    min = b.getDouble();
    max = b.getDouble();
    last = b.getDouble();
    counter = b.getDouble();
    lastTimestamp = b.getLong();
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

  public double last() {
    return last;
  }

  public double counter() {
    return counter;
  }

  public long lastTimestamp() {
    return lastTimestamp;
  }
}
