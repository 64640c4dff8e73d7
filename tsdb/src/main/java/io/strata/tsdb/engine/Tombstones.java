package io.strata.tsdb.engine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The deleted time ranges per series id (what {@code delete_series} records), applied to every resolution: a
 * raw sample is hidden when its timestamp lies in a range, a rollup window when any instant of it does, so no
 * deleted sample contributes to an answer. Ranges are inclusive, sorted, merged; an array is never changed
 * once published.
 */
final class Tombstones {
  private final Map<Long, long[]> bySeries = new ConcurrentHashMap<>();

  /** The ranges of the series ({@code [min0, max0, min1, max1, ...]}), or null when none. */
  long[] get(long seriesId) {
    return bySeries.get(seriesId);
  }

  boolean isEmpty() {
    return bySeries.isEmpty();
  }

  Map<Long, long[]> all() {
    return Map.copyOf(bySeries);
  }

  void put(long seriesId, long[] ranges) {
    if (ranges == null) {
      bySeries.remove(seriesId);
    } else {
      bySeries.put(seriesId, ranges);
    }
  }

  /** {@code ranges} with [mint, maxt] added (merged with what it overlaps or touches). */
  static long[] plus(long[] ranges, long mint, long maxt) {
    if (ranges == null) {
      return new long[] {mint, maxt};
    }
    long[] out = new long[ranges.length + 2];
    int n = 0;
    boolean placed = false;
    for (int i = 0; i < ranges.length; i += 2) {
      long a = ranges[i];
      long b = ranges[i + 1];
      if (b < mint && b + 1 < mint) {
        out[n++] = a;
        out[n++] = b;
      } else if (a > maxt && a - 1 > maxt) {
        if (!placed) {
          out[n++] = mint;
          out[n++] = maxt;
          placed = true;
        }
        out[n++] = a;
        out[n++] = b;
      } else {
        mint = Math.min(mint, a);
        maxt = Math.max(maxt, b);
      }
    }
    if (!placed) {
      out[n++] = mint;
      out[n++] = maxt;
    }
    return java.util.Arrays.copyOf(out, n);
  }

  /** Whether [lo, hi] meets a range. */
  static boolean overlaps(long[] ranges, long lo, long hi) {
    for (int i = 0; i < ranges.length; i += 2) {
      if (ranges[i] > hi) {
        return false;
      }
      if (ranges[i + 1] >= lo) {
        return true;
      }
    }
    return false;
  }

  /** Whether [lo, hi] lies inside one range. */
  static boolean covers(long[] ranges, long lo, long hi) {
    for (int i = 0; i < ranges.length; i += 2) {
      if (ranges[i] <= lo && ranges[i + 1] >= hi) {
        return true;
      }
    }
    return false;
  }

  /** Whether the point at {@code t} is deleted: a sample ({@code res} 0) or the window [t, t + res) of a rollup. */
  static boolean hides(long[] ranges, long res, long t) {
    return overlaps(ranges, t, res == 0 ? t : satAdd(t, res - 1));
  }

  private static long satAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }
}
