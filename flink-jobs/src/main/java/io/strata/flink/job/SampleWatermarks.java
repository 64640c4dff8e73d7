package io.strata.flink.job;

import io.strata.flink.model.DecodedBatch;
import java.io.Serializable;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.util.clock.RelativeClock;

/**
 * Watermarks of one partition of the samples topic (the Kafka source runs one generator per partition and
 * emits their minimum): the newest sample timestamp seen minus the out-of-orderness bound, and, once the
 * partition is <em>caught up</em>, at least the wall clock minus {@code wallClockDelayMs}.
 *
 * <p>Caught up means: no record of the partition for {@code wallClockDelayMs} of <em>input activity
 * time</em>, Flink's per-split clock that stands still while the source task is backpressured (or the
 * split is paused for watermark alignment). A partition with unread records is either emitting them
 * (every record resets the idle time) or blocked behind a busy downstream (the clock does not move), so the
 * floor never overtakes a backlog: under backpressure, and while a restart catches up, event time follows
 * the samples, and none are made late by the floor. A partition that is really quiet (or never had input)
 * lets event time follow the wall clock, so evaluations go on ({@code absent()} fires, stale series
 * resolve). A sample stamped in the future moves event time at most {@link #MAX_AHEAD_MS} past the wall
 * clock, so one bad timestamp cannot push every group's evaluations years ahead.
 */
public final class SampleWatermarks implements WatermarkGenerator<DecodedBatch> {
  /** The wall clock, replaceable in tests. */
  public interface Clock extends LongSupplier, Serializable {}

  public static final Clock SYSTEM = System::currentTimeMillis;

  /** How far past the wall clock event time may go. */
  public static final long MAX_AHEAD_MS = 5 * 60_000;

  private final long outOfOrdernessMs;
  private final long wallClockDelayMs;
  private final Clock wallClock;
  private final RelativeClock activity;
  private long maxTimestamp = Long.MIN_VALUE;
  private long lastInputAt;
  private long emitted = Long.MIN_VALUE;

  /**
   * @param wallClock the value of the floor (wall clock - delay)
   * @param activity how long the partition has been quiet: the source's input activity clock
   *     ({@code WatermarkGeneratorSupplier.Context#getInputActivityClock()}), paused under backpressure
   */
  public SampleWatermarks(long outOfOrdernessMs, long wallClockDelayMs, Clock wallClock, RelativeClock activity) {
    this.outOfOrdernessMs = outOfOrdernessMs;
    this.wallClockDelayMs = wallClockDelayMs;
    this.wallClock = wallClock;
    this.activity = activity;
    this.lastInputAt = activity.relativeTimeMillis();
  }

  @Override
  public void onEvent(DecodedBatch b, long eventTimestamp, WatermarkOutput output) {
    lastInputAt = activity.relativeTimeMillis();
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

  /** The watermark now: the event-time bound, raised to the wall-clock floor once the partition is caught up. */
  long current() {
    long now = wallClock.getAsLong();
    long wm = maxTimestamp == Long.MIN_VALUE ? Long.MIN_VALUE
        : Math.min(maxTimestamp - outOfOrdernessMs - 1, now + MAX_AHEAD_MS);
    if (activity.relativeTimeMillis() - lastInputAt >= wallClockDelayMs) {
      wm = Math.max(wm, now - wallClockDelayMs);
    }
    return wm;
  }
}
