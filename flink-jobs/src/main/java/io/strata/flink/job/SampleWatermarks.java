package io.strata.flink.job;

import io.strata.flink.model.DecodedBatch;
import java.io.Serializable;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Watermarks of one partition of the samples topic (the Kafka source runs one generator per partition and
 * emits their minimum): the newest sample timestamp seen minus the out-of-orderness bound, and, once the
 * partition has had no record for {@code wallClockDelayMs}, at least the wall clock minus that delay. The
 * floor keeps event time moving when inputs go quiet or a partition is idle, so evaluations go on (and
 * {@code absent()} fires, stale series resolve); it applies only after a quiet spell, so a backlog being
 * read (a restart) is evaluated at its own pace, with complete data, not skipped over. A sample stamped
 * in the future moves event time at most {@link #MAX_AHEAD_MS} past the wall clock, so one bad timestamp
 * cannot push every group's evaluations years ahead.
 */
public final class SampleWatermarks implements WatermarkGenerator<DecodedBatch> {
  /** The wall clock, replaceable in tests. */
  public interface Clock extends LongSupplier, Serializable {}

  public static final Clock SYSTEM = System::currentTimeMillis;

  /** How far past the wall clock event time may go. */
  public static final long MAX_AHEAD_MS = 5 * 60_000;

  private final long outOfOrdernessMs;
  private final long wallClockDelayMs;
  private final Clock clock;
  private long maxTimestamp = Long.MIN_VALUE;
  private long lastInputAt;
  private long emitted = Long.MIN_VALUE;

  public SampleWatermarks(long outOfOrdernessMs, long wallClockDelayMs, Clock clock) {
    this.outOfOrdernessMs = outOfOrdernessMs;
    this.wallClockDelayMs = wallClockDelayMs;
    this.clock = clock;
    this.lastInputAt = clock.getAsLong();
  }

  @Override
  public void onEvent(DecodedBatch b, long eventTimestamp, WatermarkOutput output) {
    lastInputAt = clock.getAsLong();
    if (b.deadLetter == null && b.maxTimestampMs > maxTimestamp) {
      maxTimestamp = b.maxTimestampMs;
    }
  }

  @Override
  public void onPeriodicEmit(WatermarkOutput output) {
    long wm = current();
    if (wm > emitted) {
      emitted = wm;
      output.emitWatermark(new Watermark(wm));
    }
  }

  /** The watermark now: the event-time bound, raised to the wall-clock floor after a quiet spell. */
  long current() {
    long now = clock.getAsLong();
    long wm = maxTimestamp == Long.MIN_VALUE ? Long.MIN_VALUE
        : Math.min(maxTimestamp - outOfOrdernessMs - 1, now + MAX_AHEAD_MS);
    if (now - lastInputAt >= wallClockDelayMs) {
      wm = Math.max(wm, now - wallClockDelayMs);
    }
    return wm;
  }
}
