package io.strata.streams.rollup;

import io.strata.schemas.model.StaleMarker;

/**
 * Closes the final windows of one series, finest resolution first, in start order. A window
 * {@code [s, s + res)} is final when no sample of it can still be accepted: {@code s + res <= maxT - window}
 * (every timestamp in it is then below the cutoff, so too old for the TSDB's rule). A final finest window
 * is aggregated from its samples (stale markers skipped), emitted when it has samples, and folded into its
 * window of the next resolution; a coarser window is emitted and folded further when it is final by the
 * same rule. Windows that never become final (a series that stopped) are never emitted.
 *
 * <p>Because finest windows close in start order and only when final, a coarser partial that a closed
 * finest window does not belong to is final already: each coarser resolution has at most one open window.
 */
final class WindowCloser {
  /** Receives each closed window with samples; {@code level} 0 is the finest resolution. */
  interface Emitter {
    void window(int level, long windowStart, WindowAggregate aggregate);
  }

  private final long finestMillis;
  private final long outOfOrderWindowMs;
  private final WindowAggregate closing = new WindowAggregate();

  WindowCloser(long finestMillis, long outOfOrderWindowMs) {
    this.finestMillis = finestMillis;
    this.outOfOrderWindowMs = outOfOrderWindowMs;
  }

  /** Emits and forgets every window of {@code s} that is final at its current maxT, in start order per resolution. */
  void close(SeriesState s, Emitter out) {
    long cutoff = s.cutoff(outOfOrderWindowMs);
    int i = 0;
    int n = s.size();
    while (i < n) {
      long start = windowStart(s.timestamp(i), finestMillis);
      if (!isFinal(start, finestMillis, cutoff)) {
        break; // samples are sorted: every later window starts later
      }
      closing.clear();
      while (i < n && windowStart(s.timestamp(i), finestMillis) == start) {
        long b = s.valueBits(i);
        if (b != StaleMarker.BITS) { // a stale marker is not a sample for range functions
          closing.add(s.timestamp(i), Double.longBitsToDouble(b));
        }
        i++;
      }
      if (closing.count() > 0) {
        out.window(0, start, closing);
        fold(s, 0, start, closing, cutoff, out);
      }
    }
    s.removeOldest(i);
    for (int l = 0; l < s.levels(); l++) {
      if (s.isOpen(l) && isFinal(s.start(l), s.levelMillis(l), cutoff)) {
        finish(s, l, cutoff, out);
      }
    }
  }

  /**
   * Folds a closed window starting at {@code finerStart} into the open window of coarser level {@code l}
   * (SeriesState numbers the coarser resolutions from 0: level l is resolution l + 1), first finishing
   * that level's open window when the closed one belongs to a later window.
   */
  private void fold(SeriesState s, int l, long finerStart, WindowAggregate agg, long cutoff, Emitter out) {
    if (l >= s.levels()) {
      return;
    }
    long start = windowStart(finerStart, s.levelMillis(l));
    if (s.isOpen(l) && s.start(l) != start) {
      if (!isFinal(s.start(l), s.levelMillis(l), cutoff)) {
        throw new IllegalStateException("BUG: open " + s.levelMillis(l) + " ms window at " + s.start(l)
            + " is not final (cutoff " + cutoff + ") but a later finer window at " + finerStart + " closed");
      }
      finish(s, l, cutoff, out);
    }
    if (!s.isOpen(l)) {
      s.open(l, start);
    }
    s.partial(l).compose(agg);
  }

  /** Emits the open window of coarser level {@code l} and folds it into the next level. */
  private void finish(SeriesState s, int l, long cutoff, Emitter out) {
    WindowAggregate agg = s.partial(l);
    long start = s.start(l);
    s.close(l);
    out.window(l + 1, start, agg);
    fold(s, l + 1, start, agg, cutoff, out);
  }

  /** {@code start + res <= cutoff}, without overflow. */
  static boolean isFinal(long start, long res, long cutoff) {
    return cutoff >= Long.MIN_VALUE + res && start <= cutoff - res;
  }

  static long windowStart(long t, long res) {
    return t - Math.floorMod(t, res);
  }
}
