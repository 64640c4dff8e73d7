package io.strata.query.eval;

import io.strata.promql.storage.Queryable;
import io.strata.promql.storage.SelectHints;
import io.strata.promql.storage.SeriesData;
import io.strata.promql.storage.SeriesFunction;
import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.StaleMarker;
import io.strata.tsdb.Resolution;
import io.strata.tsdb.SampleColumns;
import io.strata.tsdb.Store;
import io.strata.tsdb.StoredSeries;
import io.strata.tsdb.chunkenc.RollupField;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The store as the PromQL engine reads it: one tenant, at one resolution chosen for the query.
 *
 * <p>Raw: the samples in the range the engine asks for. A rollup resolution: for each selector the
 * {@link RollupColumn} its enclosing function needs (from {@link SelectHints#function()}), one point per
 * window stamped at the window's last millisecond ({@code windowStart + resolution - 1}, so a window is in
 * {@code [t - range, t]} exactly when all of its samples could be), with the window's sample count beside
 * it when the function needs counts. Where a series has no rollup, raw samples fill in as points of one
 * sample: before its first window (rollups began inside the range), after its last closed window (not
 * rolled up yet; a counter shifted by the reset offset its last window had accumulated, so the series stays
 * monotone), or everywhere (the rollup job never saw it). A selector whose function no aggregate preserves,
 * or whose range is shorter than the windows, reads raw samples.
 *
 * <p>Reads are bulk ({@link StoredSeries#readSamples}, {@link StoredSeries#readRollups}): the store decodes
 * straight into the arrays handed to the engine, and only the parts of the raw range that rollups do not
 * cover are read.
 *
 * <p>{@link #selectEach} streams raw reads: each task of the read pool decodes its series one by one into
 * buffers of its own, reused from series to series, and applies the caller's function right away, so a
 * selection's samples are never all in memory. Over rollups it selects as {@link #select} does (rollup points
 * are few) and applies the functions on the read pool.
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

  @Override
  public <R> List<R> selectEach(SelectHints hints, List<LabelMatcher> matchers,
      Supplier<? extends SeriesFunction<? extends R>> functions) {
    RollupColumn column = resolution.isRaw() ? null : RollupColumn.forHints(hints, resolution);
    if (column != null) {
      return SeriesReads.inTasks(rollups(hints.startMs(), hints.endMs(), matchers, column), () -> {
        SeriesFunction<? extends R> f = functions.get();
        return f::apply;
      });
    }
    long start = hints.startMs();
    long end = hints.endMs();
    return SeriesReads.inTasks(store.selectLazy(tenant, Resolution.RAW, start, end, matchers), () -> {
      SeriesFunction<? extends R> f = functions.get();
      // one buffer per task, reused: it grows to the task's longest series and no further
      SampleColumns buf = new SampleColumns(64, false);
      return s -> {
        buf.truncate(0);
        return s.readSamples(start, end, buf) > 0
            ? f.apply(new SeriesData(s.labels(), buf.timestamps(), buf.values(), buf.size())) : null;
      };
    });
  }

  private List<SeriesData> raw(long start, long end, List<LabelMatcher> matchers) {
    List<SeriesData> out = new ArrayList<>();
    for (SeriesData d : SeriesReads.each(store.selectLazy(tenant, Resolution.RAW, start, end, matchers), s -> {
      SampleColumns p = new SampleColumns(64, false);
      return s.readSamples(start, end, p) > 0 ? new SeriesData(s.labels(), p.timestamps(), p.values(), p.size()) : null;
    })) {
      if (d != null) {
        out.add(d);
      }
    }
    return out;
  }

  /** One series over rollups: its points, and where its windows begin and end. */
  private static final class Rolled {
    final SampleColumns points;
    /** Start of the first window: raw samples before it fill in. */
    long headBefore;
    /** End of the last window: raw samples from here on fill in. */
    long tailFrom;
    /** The series at the rollup resolution, to read a window's last raw value when raw samples fill in. */
    StoredSeries series;
    /** counter - last of the last window (COUNTER only): shifts raw samples after it to the rollup's counter. */
    double counterOffset;
    /** The raw value of the last window's last sample (COUNTER only), to detect a reset right after it. */
    double prevRaw = Double.NaN;

    Rolled(SampleColumns points) {
      this.points = points;
    }
  }

  private List<SeriesData> rollups(long start, long end, List<LabelMatcher> matchers, RollupColumn column) {
    long res = resolution.millis();
    boolean counts = column.needsCounts();
    boolean counter = column == RollupColumn.COUNTER;
    // a window is stamped at windowStart + res - 1; those stamped in [start, end] start in [start - res + 1, end - res + 1]
    long firstStart = start - res + 1;
    long lastStart = end - res + 1;
    Map<Labels, Rolled> bySeries = new HashMap<>();
    for (Rolled r : SeriesReads.each(store.selectLazy(tenant, resolution, firstStart, end, matchers), s -> {
      SampleColumns p = new SampleColumns(64, counts);
      int n = s.readRollups(column.field(), firstStart, lastStart, p);
      if (n == 0) {
        return null;
      }
      long[] t = p.timestamps();
      Rolled r = new Rolled(p);
      r.headBefore = t[0];
      r.tailFrom = t[n - 1] + res;
      r.series = s;
      for (int i = 0; i < n; i++) {
        t[i] += res - 1;
      }
      return r;
    })) {
      if (r != null) {
        bySeries.put(r.series.labels(), r);
      }
    }
    // raw samples where there are no rollups; the select is lazy and each read covers only the range it needs
    List<SeriesData> out = new ArrayList<>(bySeries.size());
    for (SeriesData d : SeriesReads.each(store.selectLazy(tenant, Resolution.RAW, start, end, matchers), s -> {
      Rolled r = bySeries.get(s.labels());
      if (r == null) {
        // the rollup job did not see this series, or started later
        SampleColumns p = new SampleColumns(64, counts);
        return s.readSamples(start, end, p) > 0 ? new SeriesData(s.labels(), p.timestamps(), p.values(), p.size(), p.counts()) : null;
      }
      if (r.headBefore > start) {
        // before the first window: a counter shifted by the first window's offset
        SampleColumns head = new SampleColumns(16, counts);
        int n = s.readSamples(start, r.headBefore - 1, head);
        if (counter && n > 0) {
          double headOffset = r.points.values()[0] - lastOf(r.series, r.headBefore);
          double[] v = head.values();
          for (int i = 0; i < n; i++) {
            if (!StaleMarker.isStale(v[i])) {
              v[i] += headOffset;
            }
          }
        }
        r.points.prepend(head);
      }
      if (r.tailFrom <= end) {
        // the newest data, not rolled up yet
        SampleColumns tail = new SampleColumns(16, false);
        int n = s.readSamples(Math.max(start, r.tailFrom), end, tail);
        long[] tt = tail.timestamps();
        double[] tv = tail.values();
        if (counter && n > 0) {
          // the raw value of the last window's last sample, and how far the rollup's counter is ahead of it
          r.prevRaw = lastOf(r.series, r.tailFrom - res);
          r.counterOffset = r.points.values()[r.points.size() - 1] - r.prevRaw;
        }
        for (int i = 0; i < n; i++) {
          double v = tv[i];
          if (counter && !StaleMarker.isStale(v)) {
            if (v < r.prevRaw) {
              // a reset after the last window: carry the offset on as the rollup job does
              r.counterOffset += r.prevRaw;
            }
            r.prevRaw = v;
            v += r.counterOffset;
          }
          r.points.add(tt[i], v, 1);
        }
      }
      return null;
    })) {
      if (d != null) {
        out.add(d);
      }
    }
    for (Map.Entry<Labels, Rolled> e : bySeries.entrySet()) {
      SampleColumns p = e.getValue().points;
      out.add(new SeriesData(e.getKey(), p.timestamps(), p.values(), p.size(), p.counts()));
    }
    return out;
  }

  /** The raw value of the last sample of the window starting at {@code windowStart}. */
  private static double lastOf(StoredSeries s, long windowStart) {
    SampleColumns one = new SampleColumns(1, false);
    return s.readRollups(RollupField.LAST, windowStart, windowStart, one) == 1 ? one.values()[0] : Double.NaN;
  }
}
