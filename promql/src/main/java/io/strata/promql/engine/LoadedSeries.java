package io.strata.promql.engine;

import io.strata.schemas.model.Labels;
import io.strata.schemas.model.StaleMarker;
import io.strata.promql.storage.SeriesData;

/**
 * A selected series prepared for evaluation: the raw samples (stale markers kept, for instant lookups)
 * and, when stale markers are present, a copy without them (for range windows).
 */
final class LoadedSeries {
  final Labels labels;
  final long[] rawT;
  final double[] rawV;
  final int rawN;
  final long[] t;
  final double[] v;
  final int n;

  LoadedSeries(SeriesData s) {
    labels = s.labels();
    rawT = s.timestamps();
    rawV = s.values();
    rawN = s.size();
    int stale = 0;
    for (int i = 0; i < rawN; i++) {
      if (StaleMarker.isStale(rawV[i])) {
        stale++;
      }
    }
    if (stale == 0) {
      t = rawT;
      v = rawV;
      n = rawN;
    } else {
      t = new long[rawN - stale];
      v = new double[rawN - stale];
      int k = 0;
      for (int i = 0; i < rawN; i++) {
        if (!StaleMarker.isStale(rawV[i])) {
          t[k] = rawT[i];
          v[k] = rawV[i];
          k++;
        }
      }
      n = k;
    }
  }

  /** Index of the first element of {@code ts[0..len)} that is >= key. */
  static int lowerBound(long[] ts, int len, long key) {
    int lo = 0;
    int hi = len;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (ts[mid] < key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
