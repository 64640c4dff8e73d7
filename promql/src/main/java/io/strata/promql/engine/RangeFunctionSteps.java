package io.strata.promql.engine;

import io.strata.promql.ast.Call;
import io.strata.promql.ast.Expr;
import io.strata.promql.ast.MatrixSelector;
import io.strata.promql.ast.VectorSelector;
import io.strata.promql.storage.Queryable;
import io.strata.promql.storage.SummarizedSeries;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.SampleSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A range function over a range selector at every step of a range query: per series, the window
 * {@code [ref - range, ref]} slides over the samples with two indices that only move forward (the
 * step-by-step evaluator binary-searched both ends at every step), and each window's value comes from the
 * same {@link RangeFunctions} arithmetic. rate and increase also walk the series' counter resets once
 * instead of re-scanning every window for them.
 */
final class RangeFunctionSteps {
  private RangeFunctionSteps() {}

  /** The function, resolved once per query instead of a string switch per window. */
  private enum Fn {
    RATE, INCREASE, DELTA, IRATE, IDELTA, AVG_OVER_TIME, SUM_OVER_TIME, COUNT_OVER_TIME, MIN_OVER_TIME,
    MAX_OVER_TIME, STDVAR_OVER_TIME, STDDEV_OVER_TIME, LAST_OVER_TIME, PRESENT_OVER_TIME, QUANTILE_OVER_TIME,
    CHANGES, RESETS, DERIV, PREDICT_LINEAR, HOLT_WINTERS;

    /** Whether the value depends only on the window's {@link SampleSummary} ({@link Queryable#SUMMARIZABLE}). */
    final boolean summarizable = Queryable.SUMMARIZABLE.contains(name().toLowerCase(java.util.Locale.ROOT));

    static Fn of(String name) {
      return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }
  }

  static StepVector eval(RangeEvaluator re, Call c, int matrixArg) {
    QueryContext ev = re.ev;
    String name = c.function().name();
    List<Expr> args = c.args();
    int steps = re.steps;
    double[][] scalars = new double[args.size()][];
    for (int i = 0; i < args.size(); i++) {
      if (i != matrixArg) {
        scalars[i] = re.evalScalar(args.get(i));
      }
    }
    if (name.equals("holt_winters")) {
      for (int k = 0; k < steps; k++) {
        double sf = scalars[1][k];
        double tf = scalars[2][k];
        if (sf <= 0 || sf >= 1) {
          throw new QueryExecutionException("invalid smoothing factor. Expected: 0 < sf < 1, got: " + String.format("%f", sf));
        }
        if (tf <= 0 || tf >= 1) {
          throw new QueryExecutionException("invalid trend factor. Expected: 0 < tf < 1, got: " + String.format("%f", tf));
        }
      }
    }
    MatrixSelector m = (MatrixSelector) Functions.unwrap(args.get(matrixArg));
    VectorSelector vs = m.selector();
    // an @ window that 2.42 moves with the step (a call it does not evaluate once), over the selected samples
    long[] moving = ev.movingWindow(vs);
    boolean fixedAt = vs.at() != null && moving == null;
    long at = fixedAt ? vs.at().resolve(ev.queryStart, ev.queryEnd) : 0;
    long offset = moving != null ? moving[0] : vs.offsetMs();
    long clipLo = moving != null ? moving[1] : Long.MIN_VALUE;
    long clipHi = moving != null ? moving[2] : Long.MAX_VALUE;
    long range = m.rangeMs();
    Fn fn = Fn.of(name);
    int minPoints = RangeFunctions.minPoints(name);
    boolean keepName = name.equals("last_over_time");
    List<StepSeries> out;
    long[] load;
    // true when no two series of out can share a label set, so StepVector.unique has nothing to do
    boolean distinct;
    if (ev.streamed(vs)) {
      // each series is read, run through the function and dropped on the store's threads, one pass per task;
      // each pass keeps its results in the order it computed them
      List<Pass> passes = new ArrayList<>();
      Supplier<Pass> newPass = () -> {
        Pass p = new Pass(re, fn, scalars, fixedAt, at, offset, range, minPoints, keepName, clipLo, clipHi);
        synchronized (passes) {
          passes.add(p);
        }
        return p;
      };
      List<Streamed> summarized = null;
      if (fn.summarizable && moving == null) {
        // a store with rollups answers from window summaries (raw samples only where a window edge cuts one)
        long[] refs = new long[steps];
        for (int k = 0; k < steps; k++) {
          refs[k] = (fixedAt ? at : re.time(k)) - offset;
        }
        summarized = ev.summarizeEach(vs, refs, range, () -> {
          Pass p = newPass.get();
          return p::summarized;
        });
      }
      if (summarized == null) {
        passes.clear();
        ev.selectEach(vs, () -> {
          Pass p = newPass.get();
          return d -> p.streamed(new LoadedSeries(d));
        });
      }
      // the order prepare's selection has (sorted by the series' labels), whichever thread read what
      out = inSelectionOrder(passes);
      distinct = out != null && Pass.oneName(passes);
      if (out == null) {
        List<Streamed> got = new ArrayList<>();
        for (Pass p : passes) {
          got.addAll(p.results);
        }
        got.sort((a, b) -> a.labels.compareTo(b.labels));
        out = new ArrayList<>(got.size());
        for (Streamed s : got) {
          out.add(s.out);
        }
      }
      load = new long[steps];
      for (Pass p : passes) {
        for (int k = 0; k < steps; k++) {
          load[k] += p.load[k];
        }
      }
    } else {
      LoadedSeries[] data = ev.loaded(vs);
      Pass p = new Pass(re, fn, scalars, fixedAt, at, offset, range, minPoints, keepName, clipLo, clipHi);
      out = new ArrayList<>(data.length);
      for (LoadedSeries s : data) {
        ev.checkTimeout();
        StepSeries o = p.series(s);
        if (o != null) {
          p.note(s.labels);
          out.add(o);
        }
      }
      distinct = p.ascending && Pass.oneName(List.of(p));
      load = p.load;
    }
    // the passes counted each output value into load already (what addCountsTo would add)
    return new StepVector(distinct ? out : StepVector.unique(out), load);
  }

  /**
   * The passes' results sorted by the labels they were selected with, when each pass saw its series in
   * increasing order and the passes cover disjoint ranges of labels (a store that reads its series sorted, in
   * contiguous shares, as the TSDB does): then sorting is ordering the passes, a few comparisons instead of
   * one per series on the calling thread. Null otherwise (the caller sorts everything).
   */
  private static List<StepSeries> inSelectionOrder(List<Pass> passes) {
    List<Pass> runs = new ArrayList<>(passes.size());
    int total = 0;
    for (Pass p : passes) {
      if (!p.ascending) {
        return null;
      }
      if (!p.results.isEmpty()) {
        runs.add(p);
        total += p.results.size();
      }
    }
    runs.sort((a, b) -> a.results.get(0).labels.compareTo(b.results.get(0).labels));
    List<StepSeries> out = new ArrayList<>(total);
    Labels last = null;
    for (Pass p : runs) {
      if (last != null && last.compareTo(p.results.get(0).labels) >= 0) {
        return null; // the passes' ranges overlap
      }
      for (Streamed s : p.results) {
        out.add(s.out);
      }
      last = p.results.get(p.results.size() - 1).labels;
    }
    return out;
  }

  /** A streamed series' result, with the labels it was selected with (to restore the selection's order). */
  private record Streamed(Labels labels, StepSeries out) {}

  /**
   * One range function over one selector: the settings of the pass and its per-step sample counts. Used by
   * one thread at a time; a streamed selector has one per store task, their counts summed afterwards.
   */
  private static final class Pass {
    final RangeEvaluator re;
    final Fn fn;
    final double[][] scalars;
    final boolean fixedAt;
    final long at;
    final long offset;
    final long range;
    final int minPoints;
    final boolean keepName;
    /** Samples outside [clipLo, clipHi] are not read (2.42's selection, for windows it moves off it). */
    final long clipLo;
    final long clipHi;
    final int steps;
    final long[] load;
    double[] scratch;
    /** Streamed: the non-null results, in the order this pass computed them. */
    final List<Streamed> results = new ArrayList<>();
    /** Whether the series with a result came in strictly increasing order of labels (so far). */
    boolean ascending = true;
    private Labels last;
    /** Whether every series with a result had the same {@code __name__} (or none): {@link #name} then. */
    boolean sameName = true;
    String name;

    Pass(RangeEvaluator re, Fn fn, double[][] scalars, boolean fixedAt, long at, long offset, long range, int minPoints,
        boolean keepName, long clipLo, long clipHi) {
      this.clipLo = clipLo;
      this.clipHi = clipHi;
      this.re = re;
      this.fn = fn;
      this.scalars = scalars;
      this.fixedAt = fixedAt;
      this.at = at;
      this.offset = offset;
      this.range = range;
      this.minPoints = minPoints;
      this.keepName = keepName;
      this.steps = re.steps;
      this.load = new long[steps];
    }

    /**
     * Room for the values from step {@code k} on: up to the last step whose window still holds the series'
     * last sample (a dense series gets its exact size, no regrowth; a series that ends early, no more).
     */
    private int capacity(int k, long[] t, int n) {
      if (fixedAt) {
        return steps - k;
      }
      // a step has a value only if ref - range <= t[n - 1], i.e. time(step) <= t[n - 1] + range + offset
      long lastRef = t[n - 1] + range + offset;
      long lastStep = lastRef < re.start ? 0 : (lastRef - re.start) / re.step;
      return (int) Math.max(1, Math.min(steps - 1L, lastStep) - k + 1);
    }

    /** The summary of the current step's window (reused). */
    private SampleSummary summary;

    /**
     * {@link #series} from the store's summaries of each step's window: the same values (up to the order of
     * floating-point additions), as every summarizable function reads only what a summary holds. Kept in
     * {@link #results} when not null.
     */
    Streamed summarized(SummarizedSeries s) {
      if (summary == null) {
        summary = new SampleSummary();
      }
      SampleSummary w = summary;
      StepSeries o = null;
      for (int k = 0; k < steps; k++) {
        if (!s.summarize(k, w.clear()) || w.count == 0) {
          continue;
        }
        long cnt = w.count;
        load[k] += cnt;
        if (cnt < minPoints) {
          continue;
        }
        long ref = (fixedAt ? at : re.time(k)) - offset;
        double value = switch (fn) {
          case RATE, INCREASE -> RangeFunctions.extrapolate(w.firstMs, w.first, w.lastMs, cnt, ref - range, ref, range, true,
              fn == Fn.RATE, w.last - w.first + w.correction);
          case DELTA -> RangeFunctions.extrapolate(w.firstMs, w.first, w.lastMs, cnt, ref - range, ref, range, false, false,
              w.last - w.first);
          case SUM_OVER_TIME -> w.sum;
          case COUNT_OVER_TIME -> cnt;
          case MIN_OVER_TIME -> w.min;
          case MAX_OVER_TIME -> w.max;
          case LAST_OVER_TIME -> w.last;
          case PRESENT_OVER_TIME -> 1;
          case CHANGES -> w.changes;
          case RESETS -> w.resets;
          default -> throw new IllegalStateException("BUG: " + fn + " is not summarizable");
        };
        if (o == null) {
          o = new StepSeries(keepName ? s.labels() : LabelSets.dropName(s.labels()), steps - k, false);
        }
        o.add(k, value);
        load[k]++; // the value itself, as StepVector.addCountsTo counts it
      }
      if (o == null) {
        return null;
      }
      note(s.labels());
      Streamed r = new Streamed(s.labels(), o);
      results.add(r);
      return r;
    }

    /** {@link #series} of a streamed series, kept in {@link #results} when not null. */
    Streamed streamed(LoadedSeries s) {
      StepSeries o = series(s);
      if (o == null) {
        return null;
      }
      note(s.labels);
      Streamed r = new Streamed(s.labels, o);
      results.add(r);
      return r;
    }

    /** Notes the selected labels of the next series with a result. */
    void note(Labels l) {
      if (ascending && last != null && last.compareTo(l) >= 0) {
        ascending = false;
      }
      String n = l.get(Labels.METRIC_NAME);
      if (last == null) {
        name = n;
      } else if (sameName && !java.util.Objects.equals(name, n)) {
        sameName = false;
      }
      last = l;
    }

    /**
     * True when the results of all passes keep distinct label sets: the selected ones are distinct (the
     * callers check they are strictly increasing), and dropping {@code __name__} keeps them distinct when it
     * is the same for all (or the function keeps it).
     */
    static boolean oneName(List<Pass> passes) {
      boolean any = false;
      String n = null;
      for (Pass p : passes) {
        if (p.last == null) {
          continue;
        }
        if (p.keepName) {
          return true;
        }
        if (!p.sameName || (any && !java.util.Objects.equals(n, p.name))) {
          return false;
        }
        any = true;
        n = p.name;
      }
      return true;
    }

    /** The function's value at every step where the series has enough samples in the window, or null. */
    StepSeries series(LoadedSeries s) {
      long[] t = s.t;
      double[] v = s.v;
      int n = s.n;
      // the samples any window can reach: a subquery's nested evaluation reads a short run of steps of a long
      // series, so start at the first window by binary search (windows only move forward)
      long firstRef = (fixedAt ? at : re.time(0)) - offset;
      long lastRef = (fixedAt ? at : re.time(steps - 1)) - offset;
      int lo = LoadedSeries.lowerBound(t, n, Math.max(firstRef - range, clipLo)); // first sample >= ref - range
      int hi = lo; // first sample > ref
      int end = LoadedSeries.lowerBound(t, n, Math.min(lastRef, clipHi) + 1);
      int[] resets = fn == Fn.RATE || fn == Fn.INCREASE ? RangeFunctions.resetIndices(v, lo, Math.max(lo, end)) : null;
      int firstReset = 0; // first reset index > lo
      StepSeries o = null;
      for (int k = 0; k < steps; k++) {
        long ref = (fixedAt ? at : re.time(k)) - offset;
        long min = ref - range;
        long readTo = ref < clipHi ? ref : clipHi;
        long readFrom = min > clipLo ? min : clipLo;
        while (hi < n && t[hi] <= readTo) {
          hi++;
        }
        while (lo < hi && t[lo] < readFrom) {
          lo++;
        }
        int cnt = hi - lo;
        if (cnt == 0) {
          continue;
        }
        load[k] += cnt;
        if (cnt < minPoints) {
          continue;
        }
        double value;
        switch (fn) {
          case RATE, INCREASE -> {
            double result = v[hi - 1] - v[lo];
            while (firstReset < resets.length && resets[firstReset] <= lo) {
              firstReset++;
            }
            for (int r = firstReset; r < resets.length && resets[r] < hi; r++) {
              result += v[resets[r] - 1];
            }
            value = RangeFunctions.extrapolate(t, v, lo, hi, min, ref, range, true, fn == Fn.RATE, result);
          }
          case DELTA -> value = RangeFunctions.extrapolatedRate(t, v, lo, hi, min, ref, range, false, false);
          case IRATE -> value = RangeFunctions.instantValue(t, v, lo, hi, true);
          case IDELTA -> value = RangeFunctions.instantValue(t, v, lo, hi, false);
          case AVG_OVER_TIME -> value = RangeFunctions.avg(v, lo, hi);
          case SUM_OVER_TIME -> value = RangeFunctions.kahanSum(v, lo, hi);
          case COUNT_OVER_TIME -> value = cnt;
          // a scan: a monotonic deque was measured slower (RangeQueryBench max_over_time24h, 26 vs 21 ms) on
          // noisy gauges, where each new sample pops an unpredictable number of candidates
          case MIN_OVER_TIME -> value = RangeFunctions.min(v, lo, hi);
          case MAX_OVER_TIME -> value = RangeFunctions.max(v, lo, hi);
          case STDVAR_OVER_TIME -> value = RangeFunctions.variance(v, lo, hi);
          case STDDEV_OVER_TIME -> value = Math.sqrt(RangeFunctions.variance(v, lo, hi));
          case LAST_OVER_TIME -> value = v[hi - 1];
          case PRESENT_OVER_TIME -> value = 1;
          case QUANTILE_OVER_TIME -> {
            if (scratch == null || scratch.length < cnt) {
              scratch = new double[cnt];
            }
            System.arraycopy(v, lo, scratch, 0, cnt);
            value = Quantiles.quantile(scalars[0][k], scratch, cnt);
          }
          case CHANGES -> value = RangeFunctions.changes(v, lo, hi);
          case RESETS -> value = RangeFunctions.resets(v, lo, hi);
          case DERIV -> value = RangeFunctions.linearRegression(t, v, lo, hi, t[lo])[0];
          case PREDICT_LINEAR -> {
            double[] r = RangeFunctions.linearRegression(t, v, lo, hi, re.time(k));
            value = r[0] * scalars[1][k] + r[1];
          }
          case HOLT_WINTERS -> value = RangeFunctions.holtWinters(v, lo, hi, scalars[1][k], scalars[2][k]);
          default -> throw new IllegalStateException("BUG: no range function " + fn);
        }
        if (o == null) {
          o = new StepSeries(keepName ? s.labels : LabelSets.dropName(s.labels), capacity(k, t, n), false);
        }
        o.add(k, value);
        load[k]++; // the value itself, as StepVector.addCountsTo counts it
      }
      return o;
    }
  }
}
