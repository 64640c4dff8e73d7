package io.strata.promql.storage;

import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link Queryable} held in memory, for tests and small embedded uses. Samples may be appended in any
 * order; a sample with the timestamp of an existing one replaces it. Not thread-safe for writes
 * concurrent with reads.
 */
public final class InMemoryStorage implements Queryable {
  private static final class Builder {
    long[] t = new long[8];
    double[] v = new double[8];
    int n;
    boolean sorted = true;

    void add(long ts, double val) {
      if (n == t.length) {
        t = Arrays.copyOf(t, n * 2);
        v = Arrays.copyOf(v, n * 2);
      }
      if (n > 0 && ts <= t[n - 1]) {
        sorted = false;
      }
      t[n] = ts;
      v[n] = val;
      n++;
    }

    /** Sorts by time, the last write of a timestamp winning. */
    void normalize() {
      if (sorted) {
        return;
      }
      Integer[] idx = new Integer[n];
      for (int i = 0; i < n; i++) {
        idx[i] = i;
      }
      // stable sort keeps insertion order among equal timestamps, so the last one wins below
      Arrays.sort(idx, (a, b) -> Long.compare(t[a], t[b]));
      long[] nt = new long[n];
      double[] nv = new double[n];
      int m = 0;
      for (int k = 0; k < n; k++) {
        int i = idx[k];
        if (m > 0 && nt[m - 1] == t[i]) {
          nv[m - 1] = v[i];
        } else {
          nt[m] = t[i];
          nv[m] = v[i];
          m++;
        }
      }
      t = nt;
      v = nv;
      n = m;
      sorted = true;
    }
  }

  private final Map<Labels, Builder> series = new TreeMap<>();

  /** Appends one sample. */
  public InMemoryStorage add(Labels labels, long timestampMs, double value) {
    series.computeIfAbsent(labels, k -> new Builder()).add(timestampMs, value);
    return this;
  }

  /** Appends samples of one series ({@code ts[i]}, {@code vs[i]}): one series lookup for all of them. */
  public InMemoryStorage addAll(Labels labels, long[] ts, double[] vs) {
    if (ts.length == 0) {
      return this;
    }
    Builder b = series.computeIfAbsent(labels, k -> new Builder());
    for (int i = 0; i < ts.length; i++) {
      b.add(ts[i], vs[i]);
    }
    return this;
  }

  public int seriesCount() {
    return series.size();
  }

  @Override
  public List<SeriesData> select(SelectHints hints, List<LabelMatcher> matchers) {
    List<SeriesData> out = new ArrayList<>();
    for (Map.Entry<Labels, Builder> e : series.entrySet()) {
      boolean ok = true;
      for (LabelMatcher m : matchers) {
        if (!m.matches(e.getKey())) {
          ok = false;
          break;
        }
      }
      if (!ok) {
        continue;
      }
      Builder b = e.getValue();
      b.normalize();
      int from = lowerBound(b.t, b.n, hints.startMs());
      int to = lowerBound(b.t, b.n, hints.endMs() == Long.MAX_VALUE ? Long.MAX_VALUE : hints.endMs() + 1);
      if (from >= to) {
        continue;
      }
      out.add(new SeriesData(e.getKey(), Arrays.copyOfRange(b.t, from, to), Arrays.copyOfRange(b.v, from, to)));
    }
    return out;
  }

  private static int lowerBound(long[] t, int n, long key) {
    int lo = 0;
    int hi = n;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (t[mid] < key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
