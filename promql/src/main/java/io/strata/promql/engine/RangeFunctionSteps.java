package io.strata.promql.engine;

import io.strata.promql.ast.Call;
import io.strata.promql.ast.Expr;
import io.strata.promql.ast.MatrixSelector;
import io.strata.promql.ast.VectorSelector;
import io.strata.schemas.model.Labels;
import java.util.ArrayList;
import java.util.List;

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

    static Fn of(String name) {
      return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }
  }

  static StepVector eval(RangeEvaluator re, Call c, int matrixArg) {
    Evaluator ev = re.ev;
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
    boolean fixedAt = vs.at() != null;
    long at = fixedAt ? vs.at().resolve(ev.queryStart, ev.queryEnd) : 0;
    long offset = vs.offsetMs();
    long range = m.rangeMs();
    Fn fn = Fn.of(name);
    int minPoints = RangeFunctions.minPoints(name);
    boolean keepName = name.equals("last_over_time");
    List<StepSeries> out;
    long[] load;
    if (ev.streamed(vs)) {
      // each series is read, run through the function and dropped on the store's threads, one pass per task
      List<Pass> passes = new ArrayList<>();
      List<Streamed> got = ev.selectEach(vs, () -> {
        Pass p = new Pass(re, fn, scalars, fixedAt, at, offset, range, minPoints, keepName);
        synchronized (passes) {
          passes.add(p);
        }
        return d -> {
          StepSeries o = p.series(new LoadedSeries(d));
          return o == null ? null : new Streamed(d.labels(), o);
        };
      });
      // the order prepare's selection has (sorted by the series' labels), whichever thread read what
      got.sort((a, b) -> a.labels.compareTo(b.labels));
      out = new ArrayList<>(got.size());
      for (Streamed s : got) {
        out.add(s.out);
      }
      load = new long[steps];
      for (Pass p : passes) {
        for (int k = 0; k < steps; k++) {
          load[k] += p.load[k];
        }
      }
    } else {
      LoadedSeries[] data = ev.loaded(vs);
      Pass p = new Pass(re, fn, scalars, fixedAt, at, offset, range, minPoints, keepName);
      out = new ArrayList<>(data.length);
      for (LoadedSeries s : data) {
        ev.checkTimeout();
        StepSeries o = p.series(s);
        if (o != null) {
          out.add(o);
        }
      }
      load = p.load;
    }
    StepVector res = new StepVector(StepVector.unique(out), load);
    res.addCountsTo(load);
    return res;
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
    final int steps;
    final long[] load;
    double[] scratch;

    Pass(RangeEvaluator re, Fn fn, double[][] scalars, boolean fixedAt, long at, long offset, long range, int minPoints,
        boolean keepName) {
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

    /** The function's value at every step where the series has enough samples in the window, or null. */
    StepSeries series(LoadedSeries s) {
      long[] t = s.t;
      double[] v = s.v;
      int n = s.n;
      double[] counts = s.counts;
      int[] resets = fn == Fn.RATE || fn == Fn.INCREASE ? RangeFunctions.resetIndices(v, n) : null;
      int firstReset = 0; // first reset index > lo
      StepSeries o = null;
      int lo = 0; // first sample >= ref - range
      int hi = 0; // first sample > ref
      for (int k = 0; k < steps; k++) {
        long ref = (fixedAt ? at : re.time(k)) - offset;
        long min = ref - range;
        while (hi < n && t[hi] <= ref) {
          hi++;
        }
        while (lo < hi && t[lo] < min) {
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
          // over rollups the values are window sums and counts says how many samples each one holds
          case AVG_OVER_TIME -> value = counts == null ? RangeFunctions.avg(v, lo, hi)
              : RangeFunctions.kahanSum(v, lo, hi) / RangeFunctions.kahanSum(counts, lo, hi);
          case SUM_OVER_TIME -> value = RangeFunctions.kahanSum(v, lo, hi);
          case COUNT_OVER_TIME -> value = counts == null ? cnt : RangeFunctions.kahanSum(counts, lo, hi);
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
          o = new StepSeries(keepName ? s.labels : LabelSets.dropName(s.labels), Math.min(steps, 64), false);
        }
        o.add(k, value);
      }
      return o;
    }
  }
}
