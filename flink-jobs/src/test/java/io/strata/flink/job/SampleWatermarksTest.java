package io.strata.flink.job;

import static io.strata.flink.TestSeries.SECOND;
import static io.strata.flink.TestSeries.T0;
import static io.strata.flink.TestSeries.batch;
import static io.strata.flink.TestSeries.series;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.util.clock.RelativeClock;
import org.junit.jupiter.api.Test;

class SampleWatermarksTest {
  /** The wall clock (the floor's value). */
  private final AtomicLong now = new AtomicLong(T0);
  /** The source's input activity clock: moves with the wall clock except while the source is backpressured. */
  private final ActivityClock activity = new ActivityClock();
  private final SampleWatermarks w = new SampleWatermarks(10 * SECOND, 15 * SECOND, now::get, activity);

  private final class ActivityClock implements RelativeClock {
    long pausedFor;
    Long pausedAt;

    @Override
    public long relativeTimeMillis() {
      return (pausedAt != null ? pausedAt : now.get()) - pausedFor;
    }

    @Override
    public long relativeTimeNanos() {
      return relativeTimeMillis() * 1_000_000;
    }

    void backpressured() {
      pausedAt = now.get();
    }

    void resumed() {
      pausedFor += now.get() - pausedAt;
      pausedAt = null;
    }
  }

  @Test
  void theWatermarkTrailsTheNewestSampleByTheOutOfOrdernessBound() {
    w.onEvent(batch("default", series("up").at(T0 - 2 * SECOND, 1)), T0 - 2 * SECOND, null);
    assertEquals(T0 - 12 * SECOND - 1, w.current());
    w.onEvent(batch("default", series("up").at(T0 - 60 * SECOND, 1)), T0 - 60 * SECOND, null);
    assertEquals(T0 - 12 * SECOND - 1, w.current(), "an older batch does not move it back");
  }

  @Test
  void aQuietPartitionFollowsTheWallClockAfterTheDelay() {
    w.onEvent(batch("default", series("up").at(T0 - 2 * SECOND, 1)), T0 - 2 * SECOND, null);
    now.set(T0 + 14 * SECOND);
    assertEquals(T0 - 12 * SECOND - 1, w.current(), "not quiet long enough yet");
    now.set(T0 + 15 * SECOND);
    assertEquals(T0, w.current());
    now.set(T0 + 10 * 60 * SECOND);
    assertEquals(T0 + 10 * 60 * SECOND - 15 * SECOND, w.current(), "event time keeps moving with no input at all");
  }

  @Test
  void aSampleFromTheFarFutureMovesEventTimeOnlyFiveMinutesPastTheWallClock() {
    w.onEvent(batch("default", series("up").at(T0 + 3_600_000L * 24 * 365, 1)), T0, null);
    assertEquals(T0 + 5 * 60 * SECOND, w.current());
  }

  @Test
  void aPartitionThatNeverHadInputFollowsTheWallClock() {
    assertEquals(Long.MIN_VALUE, w.current());
    now.set(T0 + 15 * SECOND);
    assertEquals(T0, w.current());
  }

  @Test
  void readingABacklogKeepsEventTimeEvenWhenItIsFarBehindTheWallClock() {
    now.set(T0 + 3600 * SECOND);
    w.onEvent(batch("default", series("up").at(T0, 1)), T0, null);
    assertEquals(T0 - 10 * SECOND - 1, w.current(), "records keep arriving: no floor, the backlog is evaluated in order");
  }

  @Test
  void aBackpressuredPartitionIsNotQuietHoweverLongTheWallClockRuns() {
    now.set(T0 + 3600 * SECOND); // an hour of backlog behind the wall clock
    w.onEvent(batch("default", series("up").at(T0, 1)), T0, null);
    activity.backpressured();
    now.addAndGet(60 * SECOND);
    assertEquals(T0 - 10 * SECOND - 1, w.current(), "a minute blocked behind a busy evaluator is not idleness");
    activity.resumed();
    now.addAndGet(14 * SECOND);
    assertEquals(T0 - 10 * SECOND - 1, w.current(), "only unblocked time counts towards the delay");
    now.addAndGet(SECOND);
    assertEquals(now.get() - 15 * SECOND, w.current(), "15 s unblocked with no record: caught up, the floor applies");
  }
}
