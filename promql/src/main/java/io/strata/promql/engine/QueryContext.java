package io.strata.promql.engine;

import io.strata.promql.ast.AggregateExpr;
import io.strata.promql.ast.BinaryExpr;
import io.strata.promql.ast.Call;
import io.strata.promql.ast.Expr;
import io.strata.promql.ast.MatrixSelector;
import io.strata.promql.ast.ParenExpr;
import io.strata.promql.ast.SubqueryExpr;
import io.strata.promql.ast.UnaryExpr;
import io.strata.promql.ast.VectorSelector;
import io.strata.promql.storage.Queryable;
import io.strata.promql.storage.SelectHints;
import io.strata.promql.storage.SeriesData;
import io.strata.promql.storage.SeriesFunction;
import io.strata.promql.storage.SummaryFunction;
import io.strata.schemas.model.MatchDeadline;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One query's selection and limits: every selector's time range, its series selected once for the whole
 * query (like Prometheus's populateSeries) or streamed, the deadline, 2.42's {@code @} bookkeeping
 * ({@link AtOffsets}), and the windows a range selector or subquery covers at a given evaluation time.
 */
final class QueryContext {
  final EngineOptions opts;
  final long queryStart;
  final long queryEnd;
  private final long queryStep;
  private final Queryable storage;
  private final long deadlineNanos;
  private final Map<VectorSelector, long[]> ranges = new IdentityHashMap<>();
  private final Map<VectorSelector, String[]> hintsFor = new IdentityHashMap<>();
  private final Map<VectorSelector, LoadedSeries[]> data = new IdentityHashMap<>();
  /** How many times the tree reads each selector. */
  private final Map<VectorSelector, Integer> uses = new IdentityHashMap<>();
  /** Selectors not selected by {@link #prepare}: the range evaluator streams them ({@link #selectEach}). */
  private final Map<VectorSelector, Boolean> streamed = new IdentityHashMap<>();
  /** 2.42's shifted reads of {@code @} nodes inside subqueries ({@link AtOffsets}), or null (the usual case). */
  private AtOffsets atOffsets;

  QueryContext(Queryable storage, EngineOptions opts, long start, long end, long step, long deadlineNanos) {
    this.storage = storage;
    this.opts = opts;
    this.queryStart = start;
    this.queryEnd = end;
    this.queryStep = step;
    this.deadlineNanos = deadlineNanos;
  }

  /** The selected series of a selector (after {@link #prepare}), sorted by labels. */
  LoadedSeries[] loaded(VectorSelector vs) {
    LoadedSeries[] d = data.get(vs);
    if (d == null && streamed.containsKey(vs)) {
      throw new IllegalStateException("BUG: selector " + vs + " is streamed, its samples were never selected");
    }
    return d;
  }

  /**
   * For an {@code @} range selector whose window 2.42 moves with the step ({@link AtOffsets#movingSelectors}):
   * {offset, first selected time, last selected time}: at step time t the window ends at {@code t - offset}
   * and holds only the selected samples. Null for every other selector.
   */
  long[] movingWindow(VectorSelector vs) {
    if (atOffsets == null) {
      return null;
    }
    Long offset = atOffsets.movingSelectors.get(vs);
    if (offset == null) {
      return null;
    }
    long[] r = ranges.get(vs);
    return new long[] {offset, r[0], r[1]};
  }

  /**
   * For an {@code @} selector that 2.42 reads at another time than its own ({@link AtOffsets#selectorRefs}):
   * that reference time; else null.
   */
  Long shiftedRef(VectorSelector vs) {
    return atOffsets == null ? null : atOffsets.selectorRefs.get(vs);
  }

  /**
   * In a query with 2.42's {@code @} quirks ({@link AtOffsets}), reads are clipped to the selected range,
   * as 2.42's storage trims them to the selection: {first, last} selected time; else null (no clipping).
   */
  long[] clip(VectorSelector vs) {
    return atOffsets == null ? null : ranges.get(vs);
  }

  /** Whether {@code vs} was left out of {@link #prepare} for the range evaluator to stream it. */
  boolean streamed(VectorSelector vs) {
    return streamed.containsKey(vs);
  }

  // ---- selection ------------------------------------------------------------------------------------

  /** Finds every selector's time range, then selects each once. */
  void prepare(Expr root) {
    prepare(root, false);
  }

  /**
   * Finds every selector's time range, then selects each once, except, when {@code streaming} (a range
   * query), the selectors read only by one sliding range function ({@link RangeEvaluator#streamable}): the
   * range evaluator streams those through the function ({@link #selectEach}), so their samples are never all
   * in memory at once.
   */
  void prepare(Expr root, boolean streaming) {
    walk(root, queryStart, queryEnd, "");
    atOffsets = AtOffsets.of(root, queryStart, queryEnd, opts.defaultSubqueryStepMs());
    if (streaming) {
      Map<VectorSelector, Integer> candidates = new IdentityHashMap<>();
      for (VectorSelector vs : RangeEvaluator.streamable(root)) {
        candidates.merge(vs, 1, Integer::sum);
      }
      for (Map.Entry<VectorSelector, Integer> c : candidates.entrySet()) {
        if (c.getValue() == 1 && uses.get(c.getKey()) == 1 && shiftedRef(c.getKey()) == null) {
          streamed.put(c.getKey(), Boolean.TRUE);
        }
      }
    }
    for (VectorSelector vs : ranges.keySet()) {
      if (streamed.containsKey(vs)) {
        continue;
      }
      List<SeriesData> got = withDeadline(() -> storage.select(hints(vs), vs.matchers()));
      LoadedSeries[] loaded = new LoadedSeries[got.size()];
      long total = 0;
      for (int i = 0; i < loaded.length; i++) {
        loaded[i] = new LoadedSeries(got.get(i));
        total += loaded[i].rawN;
      }
      Arrays.sort(loaded, (a, b) -> a.labels.compareTo(b.labels));
      data.put(vs, loaded);
      checkTimeout();
      if (total > opts.maxSamples() * 4L) {
        // a rough guard against selecting far more than the query could ever hold
        throw tooManySamples();
      }
    }
  }

  private SelectHints hints(VectorSelector vs) {
    long[] r = ranges.get(vs);
    String[] h = hintsFor.get(vs);
    return new SelectHints(r[0], r[1], queryStep, h[0], Long.parseLong(h[1]));
  }

  /**
   * Streams a selector left out of {@link #prepare} through {@link Queryable#selectEach}: {@code functions}
   * gives one function per store task; results in any order. The same limits as {@link #prepare}: the
   * deadline (checked before each series) and the rough guard on the samples selected.
   */
  <R> List<R> selectEach(VectorSelector vs, Supplier<? extends SeriesFunction<? extends R>> functions) {
    if (!streamed.containsKey(vs)) {
      throw new IllegalStateException("BUG: selector " + vs + " is not streamed");
    }
    long guard = opts.maxSamples() * 4L;
    AtomicLong total = new AtomicLong();
    List<R> out = withDeadline(() -> storage.selectEach(hints(vs), vs.matchers(), () -> {
      SeriesFunction<? extends R> f = functions.get();
      return s -> {
        checkTimeout();
        if (total.addAndGet(s.size()) > guard) {
          // the same rough guard as prepare's, as soon as it is crossed
          throw tooManySamples();
        }
        return f.apply(s);
      };
    }));
    checkTimeout();
    return out;
  }

  /**
   * {@link Queryable#summarizeEach} for a streamed selector: null when the store answers it with samples only
   * (the caller then uses {@link #selectEach}). The deadline is checked before each series.
   */
  <R> List<R> summarizeEach(VectorSelector vs, long[] refs, long rangeMs, Supplier<? extends SummaryFunction<? extends R>> functions) {
    if (!streamed.containsKey(vs)) {
      throw new IllegalStateException("BUG: selector " + vs + " is not streamed");
    }
    List<R> out = withDeadline(() -> storage.summarizeEach(hints(vs), vs.matchers(), refs, rangeMs, () -> {
      SummaryFunction<? extends R> f = functions.get();
      return s -> {
        checkTimeout();
        return f.apply(s);
      };
    }));
    checkTimeout();
    return out;
  }

  private void need(VectorSelector vs, long from, long to, String func, long range) {
    uses.merge(vs, 1, Integer::sum);
    long[] r = ranges.get(vs);
    if (r == null) {
      ranges.put(vs, new long[] {from, to});
      hintsFor.put(vs, new String[] {func, Long.toString(range)});
    } else {
      r[0] = Math.min(r[0], from);
      r[1] = Math.max(r[1], to);
    }
  }

  private void walk(Expr e, long mint, long maxt, String func) {
    if (e instanceof VectorSelector vs) {
      long s = vs.at() != null ? vs.at().resolve(queryStart, queryEnd) : mint;
      long en = vs.at() != null ? s : maxt;
      need(vs, s - vs.offsetMs() - opts.lookbackDeltaMs(), en - vs.offsetMs(), func, 0);
    } else if (e instanceof MatrixSelector m) {
      VectorSelector vs = m.selector();
      long s = vs.at() != null ? vs.at().resolve(queryStart, queryEnd) : mint;
      long en = vs.at() != null ? s : maxt;
      need(vs, s - vs.offsetMs() - m.rangeMs(), en - vs.offsetMs(), func, m.rangeMs());
    } else if (e instanceof SubqueryExpr sq) {
      long s = sq.at() != null ? sq.at().resolve(queryStart, queryEnd) : mint;
      long en = sq.at() != null ? s : maxt;
      walk(sq.expr(), s - sq.offsetMs() - sq.rangeMs(), en - sq.offsetMs(), "");
    } else if (e instanceof ParenExpr p) {
      walk(p.expr(), mint, maxt, func);
    } else if (e instanceof UnaryExpr u) {
      walk(u.expr(), mint, maxt, "");
    } else if (e instanceof BinaryExpr b) {
      walk(b.lhs(), mint, maxt, "");
      walk(b.rhs(), mint, maxt, "");
    } else if (e instanceof AggregateExpr a) {
      if (a.param() != null) {
        walk(a.param(), mint, maxt, "");
      }
      walk(a.expr(), mint, maxt, "");
    } else if (e instanceof Call c) {
      for (Expr arg : c.args()) {
        walk(arg, mint, maxt, c.function().name());
      }
    }
  }

  // ---- windows ----------------------------------------------------------------------------------------

  /** The samples in {@code [ref - range, ref]} of each series at evaluation time {@code t} (stale markers skipped). */
  RangeMatrix selectRange(MatrixSelector m, long t) {
    VectorSelector vs = m.selector();
    long ref = (vs.at() != null ? vs.at().resolve(queryStart, queryEnd) : t) - vs.offsetMs();
    long min = ref - m.rangeMs();
    long from0 = min;
    long to0 = ref;
    if (atOffsets != null) {
      Long shifted = atOffsets.selectorRefs.get(vs);
      Long moving = atOffsets.movingSelectors.get(vs);
      if (moving != null) {
        ref = t - moving;
        min = ref - m.rangeMs();
      } else if (shifted != null) {
        ref = shifted;
        min = ref - m.rangeMs();
      }
      // only the selected samples, as 2.42's storage trims them to the selection
      long[] r = ranges.get(vs);
      from0 = Math.max(min, r[0]);
      to0 = Math.min(ref, r[1]);
    }
    LoadedSeries[] series = loaded(vs);
    List<RangeSeries> out = new ArrayList<>(series.length);
    for (LoadedSeries s : series) {
      int from = LoadedSeries.lowerBound(s.t, s.n, from0);
      int to = LoadedSeries.lowerBound(s.t, s.n, to0 + 1);
      if (from < to) {
        out.add(new RangeSeries(s.labels, s.t, s.v, from, to));
      }
    }
    return new RangeMatrix(out, min, ref, m.rangeMs());
  }

  /**
   * The first multiple of {@code step} at or after {@code t} (2.42 rounds toward zero and adds a step when
   * that is below {@code t}, which is the same for negative times).
   */
  static long firstStep(long t, long step) {
    long first = step * (t / step);
    return first < t ? first + step : first;
  }

  /**
   * A subquery at evaluation time {@code t}: {first step, last step, window start, window end, step}. It
   * evaluates its expression at the multiples of its step in {@code [first, last]}; the function over it
   * sees those in {@code [window start, window end]} (closed at both ends: a step on the lower boundary
   * counts), with 2.42's {@code @} quirks ({@link AtOffsets}).
   */
  long[] subqueryWindow(SubqueryExpr sq, long t) {
    long ref = (sq.at() != null ? sq.at().resolve(queryStart, queryEnd) : t) - sq.offsetMs();
    long interval = sq.stepMs() > 0 ? sq.stepMs() : opts.defaultSubqueryStepMs();
    long min = ref - sq.rangeMs();
    long last = ref;
    long first;
    long[] moving = atOffsets == null ? null : atOffsets.movingSubqueries.get(sq);
    if (moving != null) {
      // 2.42 evaluates the call at every step with the first step's offset: the window moves with t
      ref = t - moving[0];
      min = ref - sq.rangeMs();
      last = ref;
      first = Math.max(moving[1], firstStep(min, interval));
    } else if (atOffsets != null && atOffsets.subqueryEnds.containsKey(sq)) {
      last = atOffsets.subqueryEnds.get(sq);
      first = firstStep(last - sq.rangeMs(), interval);
      // 2.42 evaluated other steps than the window's: keep those inside it
      first = Math.max(first, firstStep(min, interval));
      last = Math.min(last, ref);
    } else {
      first = firstStep(min, interval);
    }
    return new long[] {first, last, min, ref, interval};
  }

  // ---- limits ---------------------------------------------------------------------------------------

  /**
   * A call into the store under the query's deadline ({@link MatchDeadline}): the store's label matching
   * (many or long values against a regex) stops when it passes, as the engine's own loops do.
   */
  private <T> T withDeadline(Supplier<T> call) {
    try (MatchDeadline.Scope scope = MatchDeadline.until(deadlineNanos)) {
      return call.get();
    } catch (MatchDeadline.Exceeded e) {
      throw timedOut();
    }
  }

  private QueryTimeoutException timedOut() {
    return new QueryTimeoutException("query timed out in query execution");
  }

  void checkTimeout() {
    if (System.nanoTime() - deadlineNanos > 0) {
      throw timedOut();
    }
  }

  QueryExecutionException tooManySamples() {
    return new QueryExecutionException("query processing would load too many samples into memory in query execution");
  }
}
