package io.strata.query.eval;

import io.strata.promql.storage.Queryable;
import io.strata.promql.storage.SelectHints;
import io.strata.promql.storage.SeriesData;
import io.strata.promql.storage.SeriesFunction;
import io.strata.promql.storage.SummaryFunction;
import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.SampleSummary;
import io.strata.tsdb.Resolution;
import io.strata.tsdb.SampleColumns;
import io.strata.tsdb.Store;
import io.strata.tsdb.StoredSeries;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The store as the PromQL engine reads it: one tenant, at one resolution chosen for the query.
 *
 * <p>{@link #select} and {@link #selectEach} read raw samples at every resolution. At a rollup resolution,
 * {@link #summarizeEach} answers the range functions whose value depends only on a
 * {@link SampleSummary} of the window (rate, increase, delta, the *_over_time functions but avg, quantile,
 * stddev and stdvar, changes, resets) from the stored windows, which carry exactly those fields: per step, the
 * windows that lie whole inside {@code [ref - range, ref]} are composed with the raw samples of the parts
 * of the range they do not cover, so the answer equals the raw one. The raw parts are:
 * <ul>
 *   <li>a window cut by the range's edge: nothing when its samples all lie on one side (its first and last
 *       sample times say so), the window whole when all lie inside, else its raw samples inside the range;
 *   <li>everything after the series' last stored window: the rollup stage emits a window only once the
 *       store can no longer accept a sample into it (the series' newest sample is more than the out-of-order
 *       window past its end), so the stored windows are final, and what comes after them is read raw;
 *   <li>everything before the series' first stored window (rollups started later than the raw data), and
 *       the whole series when a window in the range is a legacy one (written before windows carried their
 *       first and last samples).
 * </ul>
 * A missing window between the first and last stored ones held no sample. Ranges shorter than two windows
 * read raw.
 */
public final class StoreQueryable implements Queryable {
  /** A range shorter than this many windows reads raw: few windows would lie whole inside it. */
  static final int MIN_WINDOWS_PER_RANGE = 2;

  private final Store store;
  private final String tenant;
  private final Resolution resolution;
  /** Over all summarized selections of this query: samples read from final windows, and raw after them. */
  private final LongAdder windowSamples = new LongAdder();
  private final LongAdder uncoveredSamples = new LongAdder();

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

  /**
   * A warning for the response when most of what this query's range functions read at a rollup resolution
   * came from raw samples outside the series' final windows (the rollup stage lags behind or has not seen
   * these series, or the range is mostly newer than the out-of-order window): the answer is still exact,
   * but read at raw speed. Null otherwise.
   */
  public String rollupLagWarning() {
    long w = windowSamples.sum();
    long t = uncoveredSamples.sum();
    if (t > 1000 && t > w) {
      return "rollups at " + resolution.name() + " are not final for most of this range (the rollup stage lags, or the range is "
          + "within the newest minutes): " + t + " of " + (t + w) + " samples were read raw instead";
    }
    return null;
  }

  @Override
  public List<SeriesData> select(SelectHints hints, List<LabelMatcher> matchers) {
    long start = hints.startMs();
    long end = hints.endMs();
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

  @Override
  public <R> List<R> selectEach(SelectHints hints, List<LabelMatcher> matchers,
      Supplier<? extends SeriesFunction<? extends R>> functions) {
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

  @Override
  public <R> List<R> summarizeEach(SelectHints hints, List<LabelMatcher> matchers, long[] refs, long rangeMs,
      Supplier<? extends SummaryFunction<? extends R>> functions) {
    long res = resolution.millis();
    if (resolution.isRaw() || refs.length == 0 || rangeMs < MIN_WINDOWS_PER_RANGE * res) {
      return null;
    }
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    for (long r : refs) {
      lo = Math.min(lo, r - rangeMs);
      hi = Math.max(hi, r);
    }
    long from = lo;
    long to = hi;
    // ranges and steps on the resolution's grid cut no window: no raw sample inside final windows is read
    boolean aligned = rangeMs % res == 0;
    for (long r : refs) {
      aligned &= Math.floorMod(r, res) == 0;
    }
    List<StoredSeries[]> pairs = PairedSelect.of(store, tenant, resolution, from, to, matchers, aligned);
    return SeriesReads.inTasks(pairs, () -> {
      SummaryFunction<? extends R> f = functions.get();
      WindowSummaries w = new WindowSummaries(hints.function(), res, refs, rangeMs, from, to);
      return p -> {
        R r = w.load(p[0], p[1]) ? f.apply(w) : null;
        windowSamples.add(w.windowSamples);
        uncoveredSamples.add(w.uncoveredSamples);
        w.windowSamples = 0;
        w.uncoveredSamples = 0;
        return r;
      };
    });
  }
}
