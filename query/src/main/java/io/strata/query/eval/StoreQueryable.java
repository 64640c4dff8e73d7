package io.strata.query.eval;

import io.strata.promql.storage.Queryable;
import io.strata.promql.storage.SelectHints;
import io.strata.promql.storage.SeriesData;
import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.StaleMarker;
import io.strata.tsdb.Resolution;
import io.strata.tsdb.RollupCursor;
import io.strata.tsdb.RollupPoint;
import io.strata.tsdb.SampleCursor;
import io.strata.tsdb.Store;
import io.strata.tsdb.StoredSeries;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The store as the PromQL engine reads it: one tenant, at one resolution chosen for the query.
 *
 * <p>Raw: the samples in the range the engine asks for. A rollup resolution: for each selector the
 * {@link RollupColumn} its enclosing function needs (from {@link SelectHints#function()}), one point per
 * window stamped at the window's last millisecond ({@code windowStart + resolution - 1}, so a window is in
 * {@code [t - range, t]} exactly when all of its samples could be), with the window's sample count beside
 * it. Windows not closed yet have no rollup: the raw samples after a series' last window are appended as
 * points of one sample (a counter shifted by the reset offset its last window had accumulated, so the
 * series stays monotone). A selector whose function no aggregate preserves, or whose range is shorter than
 * the windows, reads raw samples.
 */
public final class StoreQueryable implements Queryable {
  private final Store store;
  private final String tenant;
  private final Resolution resolution;

  public StoreQueryable(Store store, String tenant) {
    this(store, tenant, Resolution.RAW);
  }

  public StoreQueryable(Store store, String tenant, Resolution resolution) {
    this.store = store;
    this.tenant = tenant;
    this.resolution = resolution;
  }

  public Resolution resolution() {
    return resolution;
  }

  @Override
  public List<SeriesData> select(SelectHints hints, List<LabelMatcher> matchers) {
    RollupColumn column = resolution.isRaw() ? null : RollupColumn.forHints(hints, resolution);
    if (column == null) {
      return raw(hints.startMs(), hints.endMs(), matchers);
    }
    return rollups(hints.startMs(), hints.endMs(), matchers, column);
  }

  private List<SeriesData> raw(long start, long end, List<LabelMatcher> matchers) {
    List<StoredSeries> found = store.select(tenant, Resolution.RAW, start, end, matchers);
    List<SeriesData> out = new ArrayList<>(found.size());
    for (StoredSeries s : found) {
      Points p = new Points(false);
      SampleCursor c = s.samples();
      while (c.next()) {
        p.add(c.timestamp(), c.value(), 1);
      }
      out.add(p.toSeries(s.labels()));
    }
    return out;
  }

  private List<SeriesData> rollups(long start, long end, List<LabelMatcher> matchers, RollupColumn column) {
    long res = resolution.millis();
    // a window is stamped at windowStart + res - 1; those stamped in [start, end] start in [start - res + 1, end - res + 1]
    List<StoredSeries> found = store.select(tenant, resolution, start - res + 1, end, matchers);
    Map<Labels, Points> bySeries = new HashMap<>(found.size() * 2);
    long oldestOpenWindow = Long.MAX_VALUE;
    long latestFirstWindow = Long.MIN_VALUE;
    for (StoredSeries s : found) {
      Points p = new Points(true);
      RollupCursor c = s.rollups();
      RollupPoint first = null;
      RollupPoint last = null;
      while (c.next()) {
        RollupPoint rp = c.point();
        long stamp = rp.windowStartMs() + res - 1;
        if (stamp < start || stamp > end) {
          continue;
        }
        p.add(stamp, column.of(rp), rp.count());
        first = first == null ? rp : first;
        last = rp;
      }
      if (last == null) {
        continue;
      }
      p.headBefore = first.windowStartMs();
      p.headOffset = column == RollupColumn.COUNTER ? first.counter() - first.last() : 0;
      p.tailFrom = last.windowStartMs() + res;
      p.counterOffset = column == RollupColumn.COUNTER ? last.counter() - last.last() : 0;
      p.prevRaw = last.last();
      oldestOpenWindow = Math.min(oldestOpenWindow, p.tailFrom);
      latestFirstWindow = Math.max(latestFirstWindow, p.headBefore);
      bySeries.put(s.labels(), p);
    }
    // series without any rollup in the range (the rollup job did not see them, or started later): raw samples.
    // The select is lazy, so the series that have rollups cost an index lookup, not a decode.
    List<SeriesData> out = new ArrayList<>(bySeries.size());
    for (StoredSeries s : store.select(tenant, Resolution.RAW, start, end, matchers)) {
      if (!bySeries.containsKey(s.labels())) {
        Points p = new Points(true);
        SampleCursor c = s.samples();
        while (c.next()) {
          p.add(c.timestamp(), c.value(), 1);
        }
        out.add(p.toSeries(s.labels()));
      }
    }
    // before a series' first window (rollups began inside the range): raw samples, a counter shifted by the first window's offset
    if (latestFirstWindow > start) {
      for (StoredSeries s : store.select(tenant, Resolution.RAW, start, latestFirstWindow - 1, matchers)) {
        Points p = bySeries.get(s.labels());
        if (p == null || p.headBefore <= start) {
          continue;
        }
        Points head = new Points(true);
        SampleCursor c = s.samples();
        while (c.next() && c.timestamp() < p.headBefore) {
          double v = c.value();
          head.add(c.timestamp(), StaleMarker.isStale(v) ? v : v + p.headOffset, 1);
        }
        p.prepend(head);
      }
    }
    // the newest data, not rolled up yet: raw samples after each series' last closed window
    if (oldestOpenWindow <= end) {
      for (StoredSeries s : store.select(tenant, Resolution.RAW, Math.max(start, oldestOpenWindow), end, matchers)) {
        Points p = bySeries.get(s.labels());
        if (p == null) {
          continue;
        }
        SampleCursor c = s.samples();
        while (c.next()) {
          long t = c.timestamp();
          if (t < p.tailFrom || t > end) {
            continue;
          }
          double v = c.value();
          if (column != RollupColumn.COUNTER || StaleMarker.isStale(v)) {
            p.add(t, v, 1);
            continue;
          }
          if (v < p.prevRaw) {
            // a reset after the last window: carry the offset on as the rollup job does
            p.counterOffset += p.prevRaw;
          }
          p.prevRaw = v;
          p.add(t, v + p.counterOffset, 1);
        }
      }
    }
    for (Map.Entry<Labels, Points> e : bySeries.entrySet()) {
      out.add(e.getValue().toSeries(e.getKey()));
    }
    return out;
  }

  /** Growable primitive columns of one series. */
  private static final class Points {
    long[] t = new long[16];
    double[] v = new double[16];
    double[] counts;
    int n;
    long headBefore;
    double headOffset;
    long tailFrom;
    double counterOffset;
    double prevRaw = Double.NaN;

    Points(boolean withCounts) {
      counts = withCounts ? new double[16] : null;
    }

    void add(long ts, double val, double count) {
      if (n == t.length) {
        t = Arrays.copyOf(t, n * 2);
        v = Arrays.copyOf(v, n * 2);
        if (counts != null) {
          counts = Arrays.copyOf(counts, n * 2);
        }
      }
      t[n] = ts;
      v[n] = val;
      if (counts != null) {
        counts[n] = count;
      }
      n++;
    }

    /** Puts {@code head}'s points, all earlier than this one's, in front. */
    void prepend(Points head) {
      if (head.n == 0) {
        return;
      }
      long[] nt = new long[head.n + n + 16];
      double[] nv = new double[nt.length];
      double[] nc = new double[nt.length];
      System.arraycopy(head.t, 0, nt, 0, head.n);
      System.arraycopy(t, 0, nt, head.n, n);
      System.arraycopy(head.v, 0, nv, 0, head.n);
      System.arraycopy(v, 0, nv, head.n, n);
      System.arraycopy(head.counts, 0, nc, 0, head.n);
      System.arraycopy(counts, 0, nc, head.n, n);
      t = nt;
      v = nv;
      counts = nc;
      n += head.n;
    }

    SeriesData toSeries(Labels labels) {
      return new SeriesData(labels, t, v, n, counts);
    }
  }
}
