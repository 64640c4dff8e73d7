package io.strata.promql.engine;

/**
 * max_over_time / min_over_time of windows that only move forward, in O(1) amortised per window instead of
 * a scan of the window (a monotonic deque of sample indices). Gives exactly {@link RangeFunctions#max} /
 * {@link RangeFunctions#min}: the first occurring extremum among the non-NaN samples (so of 0 and -0 the
 * earlier), and when every sample of the window is NaN, the last of them.
 */
final class SlidingExtremum {
  private final double[] v;
  private final boolean max;
  /** Indices of candidate samples in time order; their values never increase (max) or decrease (min) head to tail. */
  private final int[] deque;
  private int head;
  private int tail;
  /** Next sample index not yet offered to the deque. */
  private int next;

  SlidingExtremum(double[] v, int n, boolean max) {
    this.v = v;
    this.max = max;
    this.deque = new int[Math.max(n, 1)];
  }

  /** The extremum of window {@code [lo, hi)}; {@code lo} and {@code hi} never decrease between calls, hi > lo. */
  double of(int lo, int hi) {
    while (next < hi) {
      double x = v[next];
      if (!Double.isNaN(x)) {
        // drop candidates the new sample beats; equal ones stay, so the earliest of equal extrema leads
        while (tail > head && (max ? v[deque[tail - 1]] < x : v[deque[tail - 1]] > x)) {
          tail--;
        }
        deque[tail++] = next;
      }
      next++;
    }
    while (tail > head && deque[head] < lo) {
      head++;
    }
    return tail > head ? v[deque[head]] : v[hi - 1];
  }
}
