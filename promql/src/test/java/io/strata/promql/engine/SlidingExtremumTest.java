package io.strata.promql.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SlidingExtremumTest {
  private static final double[] SPECIAL = {Double.NaN, 0.0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1, -1};

  @Test
  void forwardWindowsGiveTheScanResultWithNaNZerosAndInfinities() {
    SplittableRandom r = new SplittableRandom(7);
    for (int round = 0; round < 2_000; round++) {
      int n = 1 + r.nextInt(60);
      double[] v = new double[n];
      for (int i = 0; i < n; i++) {
        v[i] = r.nextInt(3) == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : r.nextInt(5);
      }
      SlidingExtremum max = new SlidingExtremum(v, n, true);
      SlidingExtremum min = new SlidingExtremum(v, n, false);
      int lo = 0;
      int hi = 1;
      while (hi <= n) {
        String window = "window [" + lo + ", " + hi + ") of " + java.util.Arrays.toString(v);
        // bit patterns: -0 and 0 must come out as the scan picks them
        assertEquals(Double.doubleToLongBits(RangeFunctions.max(v, lo, hi)), Double.doubleToLongBits(max.of(lo, hi)), window);
        assertEquals(Double.doubleToLongBits(RangeFunctions.min(v, lo, hi)), Double.doubleToLongBits(min.of(lo, hi)), window);
        hi += r.nextInt(4);
        lo = Math.min(hi - 1, lo + r.nextInt(4));
        if (hi > n) {
          break;
        }
        lo = Math.max(lo, 0);
      }
    }
  }
}
