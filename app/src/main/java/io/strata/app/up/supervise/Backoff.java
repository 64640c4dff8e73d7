package io.strata.app.up.supervise;

import java.time.Duration;

/**
 * When the next remedy (a restart) of a stage may run: at once for the first, then after 1 s, 2 s, 4 s ...
 * up to {@code max}, so a stage that dies at every start is not restarted in a tight loop. The delay starts
 * over once the stage has stayed healthy for {@code stable}. Times are {@link System#nanoTime()} values, passed
 * in so tests need no sleeping. Not thread-safe: one per stage, used by its supervising thread.
 */
final class Backoff {
  private final long initialNanos;
  private final long maxNanos;
  private final long stableNanos;
  private int attempts;
  private long nextAllowed = Long.MIN_VALUE;
  private long healthySince = Long.MIN_VALUE;

  Backoff(Duration initial, Duration max, Duration stable) {
    this.initialNanos = initial.toNanos();
    this.maxNanos = max.toNanos();
    this.stableNanos = stable.toNanos();
  }

  /** True when a remedy may run at {@code now}. */
  boolean due(long now) {
    return attempts == 0 || now - nextAllowed >= 0;
  }

  /** Records a remedy run at {@code now}; returns how long until the next one may run (1 s, 2 s, 4 s ... max). */
  Duration attempted(long now) {
    long wait = Math.min(maxNanos, initialNanos << Math.min(attempts, 30));
    attempts++;
    nextAllowed = now + wait;
    healthySince = Long.MIN_VALUE;
    return Duration.ofNanos(wait);
  }

  /** Records a healthy check at {@code now}; after {@code stable} of them in a row the delays start over. */
  void healthy(long now) {
    if (healthySince == Long.MIN_VALUE) {
      healthySince = now;
    } else if (now - healthySince >= stableNanos) {
      attempts = 0;
    }
  }

  /** Records a failed check (the healthy streak ends). */
  void unhealthy() {
    healthySince = Long.MIN_VALUE;
  }

  int attempts() {
    return attempts;
  }
}
