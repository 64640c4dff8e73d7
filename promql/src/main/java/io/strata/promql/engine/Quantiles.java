package io.strata.promql.engine;

import java.util.Arrays;

/** Prometheus's quantile over values (quantile, quantile_over_time) and over classic histogram buckets. */
final class Quantiles {
  private Quantiles() {}

  /**
   * The φ-quantile with linear interpolation between closest ranks; -Inf for φ &lt; 0, +Inf for φ &gt; 1,
   * NaN for no values. NaN values sort first, as in Prometheus. Sorts {@code vals[0..n)} in place.
   */
  static double quantile(double q, double[] vals, int n) {
    if (n == 0 || Double.isNaN(q)) {
      return Double.NaN;
    }
    if (q < 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (q > 1) {
      return Double.POSITIVE_INFINITY;
    }
    sortNaNFirst(vals, n);
    double rank = q * (n - 1);
    double lower = Math.max(0, Math.floor(rank));
    double upper = Math.min(n - 1, lower + 1);
    double weight = rank - Math.floor(rank);
    return vals[(int) lower] * (1 - weight) + vals[(int) upper] * weight;
  }

  private static void sortNaNFirst(double[] vals, int n) {
    // Arrays.sort puts NaN last and orders -0.0 before 0.0; move NaNs to the front
    Arrays.sort(vals, 0, n);
    int nan = 0;
    while (nan < n && Double.isNaN(vals[n - 1 - nan])) {
      nan++;
    }
    if (nan > 0) {
      System.arraycopy(vals, 0, vals, nan, n - nan);
      Arrays.fill(vals, 0, nan, Double.NaN);
    }
  }

  /**
   * histogram_quantile over classic buckets: {@code upper[i]} bounds and cumulative {@code counts[i]}.
   * Requires a +Inf bucket; merges equal bounds; forces counts monotonic.
   */
  static double bucketQuantile(double q, double[] upper, double[] counts, int n) {
    if (Double.isNaN(q)) {
      return Double.NaN;
    }
    if (q < 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (q > 1) {
      return Double.POSITIVE_INFINITY;
    }
    // sort by upper bound (stable: equal bounds keep input order)
    Integer[] idx = new Integer[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (a, b) -> Double.compare(upper[a], upper[b]));
    double[] ub = new double[n];
    double[] c = new double[n];
    for (int i = 0; i < n; i++) {
      ub[i] = upper[idx[i]];
      c[i] = counts[idx[i]];
    }
    if (ub[n - 1] != Double.POSITIVE_INFINITY) {
      return Double.NaN;
    }
    // coalesce equal bounds
    int m = 0;
    for (int i = 1; i < n; i++) {
      if (ub[i] == ub[m]) {
        c[m] += c[i];
      } else {
        m++;
        ub[m] = ub[i];
        c[m] = c[i];
      }
    }
    n = m + 1;
    // monotonicity fix
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      if (c[i] > max) {
        max = c[i];
      } else if (c[i] < max) {
        c[i] = max;
      }
    }
    if (n < 2) {
      return Double.NaN;
    }
    double observations = c[n - 1];
    if (observations == 0) {
      return Double.NaN;
    }
    double rank = q * observations;
    int b = 0;
    // first bucket among the first n-1 whose count >= rank (sort.Search semantics)
    int lo = 0;
    int hi = n - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (c[mid] >= rank) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    b = lo;
    if (b == n - 1) {
      return ub[n - 2];
    }
    if (b == 0 && ub[0] <= 0) {
      return ub[0];
    }
    double bucketStart = 0;
    double bucketEnd = ub[b];
    double count = c[b];
    if (b > 0) {
      bucketStart = ub[b - 1];
      count -= c[b - 1];
      rank -= c[b - 1];
    }
    return bucketStart + (bucketEnd - bucketStart) * (rank / count);
  }
}
