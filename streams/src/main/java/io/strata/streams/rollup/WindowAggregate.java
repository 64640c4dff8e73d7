package io.strata.streams.rollup;

import io.strata.avro.RollupWindow;
import io.strata.schemas.model.SampleSummary;
import java.nio.ByteBuffer;

/**
 * The exact aggregates of one series' samples in one window, the fields of a {@code RollupWindow}: count,
 * sum, min, max, first and last sample (with timestamps), the counter correction, resets and changes. Stale
 * markers are never added: they are not samples for range functions.
 *
 * <p>The arithmetic is {@link SampleSummary}'s (schemas), the one composition rule the query also uses to
 * compose windows and raw samples: {@link #add} the samples of a window in timestamp order, or
 * {@link #compose} the aggregates of consecutive windows in start order; both agree up to the order of
 * floating-point additions in {@code sum} and {@code correction}. This class adds what the rollup stage needs
 * around it: the Avro window and the fixed-size state encoding. Mutable and reused, so the per-sample path
 * allocates nothing.
 */
public final class WindowAggregate {
  /** Bytes of {@link #writeTo}: 3 longs and 8 doubles. */
  public static final int ENCODED_BYTES = 11 * 8;

  private final SampleSummary s = new SampleSummary();

  /** Empty: count 0. */
  public WindowAggregate clear() {
    s.clear();
    return this;
  }

  /** Appends one sample, later than every sample added before (the caller keeps timestamp order). */
  public void add(long t, double v) {
    s.add(t, v);
  }

  /** Appends the aggregate of a later window (every sample of {@code b} after every sample of this one). */
  public void compose(WindowAggregate b) {
    s.add(b.s);
  }

  public void copyFrom(WindowAggregate o) {
    s.clear();
    s.add(o.s);
  }

  /** The window as written to a rollup topic: {@code exact = true}, {@code counter = 0} (legacy field). */
  public RollupWindow toAvro(long windowStartMs) {
    return RollupWindow.newBuilder()
        .setWindowStartMs(windowStartMs)
        .setCount(s.count).setSum(s.sum).setMin(s.min).setMax(s.max)
        .setFirstMs(s.firstMs).setFirst(s.first).setLastMs(s.lastMs).setLast(s.last)
        .setCorrection(s.correction).setResets(s.resets).setChanges(s.changes)
        .setCounter(0.0).setExact(true)
        .build();
  }

  /** Writes {@link #ENCODED_BYTES} bytes: count, sum, min, max, first_ms, first, last_ms, last, correction, resets, changes. */
  public void writeTo(ByteBuffer b) {
    b.putLong(s.count).putDouble(s.sum).putDouble(s.min).putDouble(s.max).putLong(s.firstMs).putDouble(s.first).putLong(s.lastMs)
        .putDouble(s.last).putDouble(s.correction).putLong(s.resets).putLong(s.changes);
  }

  /** Reads what {@link #writeTo} wrote. */
  public WindowAggregate readFrom(ByteBuffer b) {
    s.count = b.getLong();
    s.sum = b.getDouble();
    s.min = b.getDouble();
    s.max = b.getDouble();
    s.firstMs = b.getLong();
    s.first = b.getDouble();
    s.lastMs = b.getLong();
    s.last = b.getDouble();
    s.correction = b.getDouble();
    s.resets = b.getLong();
    s.changes = b.getLong();
    return this;
  }

  public long count() {
    return s.count;
  }

  public double sum() {
    return s.sum;
  }

  public double min() {
    return s.min;
  }

  public double max() {
    return s.max;
  }

  public long firstMs() {
    return s.firstMs;
  }

  public double first() {
    return s.first;
  }

  public long lastMs() {
    return s.lastMs;
  }

  public double last() {
    return s.last;
  }

  public double correction() {
    return s.correction;
  }

  public long resets() {
    return s.resets;
  }

  public long changes() {
    return s.changes;
  }

  @Override
  public String toString() {
    return s.toString();
  }
}
