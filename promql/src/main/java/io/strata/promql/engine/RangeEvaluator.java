package io.strata.promql.engine;

import io.strata.promql.ast.AggregateExpr;
import io.strata.promql.ast.AggregateOp;
import io.strata.promql.ast.BinaryExpr;
import io.strata.promql.ast.BinaryOp;
import io.strata.promql.ast.Call;
import io.strata.promql.ast.Expr;
import io.strata.promql.ast.MatrixSelector;
import io.strata.promql.ast.NumberLiteral;
import io.strata.promql.ast.ParenExpr;
import io.strata.promql.ast.StringLiteral;
import io.strata.promql.ast.SubqueryExpr;
import io.strata.promql.ast.UnaryExpr;
import io.strata.promql.ast.ValueType;
import io.strata.promql.ast.VectorSelector;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.StaleMarker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Evaluates an expression node by node over all steps at once, instead of the whole tree step by step:
 * a selector walks each series once with a cursor that only moves forward, a range function slides its
 * window over each series' samples (two indices advancing monotonically), an aggregation computes each
 * input series' group once, a function of each element alone (math, {@code label_*}, ...) relabels each
 * series once. The rest (vector/vector operators, {@code topk}, {@code quantile}, {@code count_values},
 * {@code histogram_quantile}, {@code sort}, {@code absent}, {@code scalar}, range functions over a subquery)
 * applies the same per-step code ({@link BinaryOps}, {@link Aggregations}, {@link Functions}) to its
 * children's values at each step. A subquery is its expression evaluated by a nested evaluator over the
 * subquery's own steps, sliced into each step's window. Instant queries are one-step ranges.
 *
 * <p>Results: {@code double[]} (a scalar per step), {@link String} or {@link StepVector}. The arithmetic of
 * every value is the step-by-step evaluation's (same functions, same order of operations), so results are
 * identical; the test scope keeps that evaluation as the oracle.
 */
final class RangeEvaluator {
  /** Range functions computed by {@link RangeFunctionSteps}; absent_over_time needs the selector's matchers. */
  private static final Set<String> SLIDING = Set.of("rate", "increase", "delta", "irate", "idelta", "avg_over_time",
      "sum_over_time", "count_over_time", "min_over_time", "max_over_time", "stdvar_over_time", "stddev_over_time",
      "last_over_time", "present_over_time", "quantile_over_time", "changes", "resets", "deriv", "predict_linear",
      "holt_winters");

  final QueryContext ev;
  final long start;
  final long step;
  final int steps;
  /** Inside a subquery: reads may be 2.42's shifted or clipped ones ({@link QueryContext#clip}). */
  private final boolean nested;

  RangeEvaluator(QueryContext ev, long start, long end, long step) {
    this(ev, start, end, step, false);
  }

  private RangeEvaluator(QueryContext ev, long start, long end, long step, boolean nested) {
    this.ev = ev;
    this.start = start;
    this.step = step;
    this.steps = (int) ((end - start) / step) + 1;
    this.nested = nested;
  }

  long time(int k) {
    return start + k * step;
  }

  /** The expression at every step: {@code double[]} for a scalar, a {@link String}, else a {@link StepVector}. */
  Object eval(Expr e) {
    ev.checkTimeout();
    return compute(e);
  }

  StepVector evalVector(Expr e) {
    return (StepVector) eval(e);
  }

  double[] evalScalar(Expr e) {
    return (double[]) eval(e);
  }

  private Object compute(Expr e) {
    if (e instanceof ParenExpr p) {
      return eval(p.expr());
    }
    if (e instanceof NumberLiteral n) {
      double[] out = new double[steps];
      Arrays.fill(out, n.value());
      return out;
    }
    if (e instanceof StringLiteral s) {
      return s.value();
    }
    if (e instanceof VectorSelector vs) {
      return select(vs);
    }
    if (e instanceof Call c) {
      return call(c);
    }
    if (e instanceof AggregateExpr a) {
      if (a.param() == null) {
        StepVector in = evalVector(a.expr());
        // AggregationSteps folds in series order: a per-step order goes through the per-step code
        return AggregationSteps.handles(a.op()) && in.stepOrder == null ? AggregationSteps.eval(this, a, in) : aggregate(a, in);
      }
      return aggregate(a, null);
    }
    if (e instanceof BinaryExpr b) {
      if (b.lhs().type() == ValueType.VECTOR && b.rhs().type() == ValueType.VECTOR) {
        return vectors(b);
      }
      return binary(b);
    }
    if (e instanceof UnaryExpr u) {
      return unary(u);
    }
    throw new IllegalStateException("BUG: range evaluation of " + e.type() + " " + e);
  }

  static int matrixArg(Call c) {
    return Functions.matrixArg(c);
  }

  // ---- selectors ------------------------------------------------------------------------------------

  /** Each series' latest sample at or before each step's reference time, within the lookback delta. */
  private StepVector select(VectorSelector vs) {
    long at = vs.at() != null ? vs.at().resolve(ev.queryStart, ev.queryEnd) : Long.MIN_VALUE;
    long lookback = ev.opts.lookbackDeltaMs();
    // inside a subquery, 2.42 may read an @ selector elsewhere, and reads only what it selected
    long[] clip = nested ? ev.clip(vs) : null;
    Long shifted = clip != null ? ev.shiftedRef(vs) : null;
    LoadedSeries[] data = ev.loaded(vs);
    long[] load = new long[steps];
    List<StepSeries> out = new ArrayList<>(data.length);
    for (LoadedSeries s : data) {
      ev.checkTimeout();
      StepSeries o = null;
      long[] ts = s.rawT;
      double[] vs2 = s.rawV;
      int next = -1; // first sample after the current reference time (references only increase)
      for (int k = 0; k < steps; k++) {
        long ref = (at != Long.MIN_VALUE ? at : time(k)) - vs.offsetMs();
        long min = ref - lookback;
        if (clip != null) {
          if (shifted != null) {
            ref = shifted;
            min = ref - lookback;
          }
          min = Math.max(min, clip[0]);
          ref = Math.min(ref, clip[1]);
        }
        if (next < 0) {
          next = LoadedSeries.lowerBound(ts, s.rawN, ref + 1); // a subquery's run may start late in the series
        }
        while (next < s.rawN && ts[next] <= ref) {
          next++;
        }
        int idx = next - 1;
        if (idx < 0 || ts[idx] < min || StaleMarker.isStale(vs2[idx])) {
          continue;
        }
        if (o == null) {
          o = new StepSeries(s.labels, Math.min(steps, 64), true);
          out.add(o);
        }
        o.add(k, vs2[idx], ts[idx]);
        load[k]++;
      }
    }
    return new StepVector(out, load);
  }

  // ---- range vectors: a window per step ------------------------------------------------------------------

  /** A range selector or subquery at each step. */
  interface Windows {
    RangeMatrix at(int k);

    /** The points of {@link #at}, which the step-by-step evaluation counts as held. */
    long load(int k);
  }

  /** The windows of a range-vector expression (a range selector or subquery, maybe in parentheses). */
  Windows windows(Expr e) {
    Expr u = Functions.unwrap(e);
    if (u instanceof MatrixSelector m) {
      return new Windows() {
        @Override
        public RangeMatrix at(int k) {
          return ev.selectRange(m, time(k));
        }

        @Override
        public long load(int k) {
          return points(at(k));
        }
      };
    }
    if (u instanceof SubqueryExpr sq) {
      return subquery(sq);
    }
    throw new IllegalStateException("BUG: not a range vector: " + e);
  }

  private static long points(RangeMatrix m) {
    long total = 0;
    for (RangeSeries s : m.series) {
      total += s.count();
    }
    return total;
  }

  /**
   * A subquery: its expression evaluated over its own steps by a nested evaluator, once per run of steps
   * whose windows overlap or touch (so each inner step is evaluated once, as the step-by-step evaluation's
   * cache does), then sliced into each outer step's window. Within a window the series come in the order of
   * their first point in it, as the step-by-step evaluation lists them.
   */
  private Windows subquery(SubqueryExpr sq) {
    long[][] w = new long[steps][];
    int[] segmentOf = new int[steps];
    List<long[]> segments = new ArrayList<>(); // {first, last}
    for (int k = 0; k < steps; k++) {
      w[k] = ev.subqueryWindow(sq, time(k));
      long first = w[k][0];
      long last = w[k][1];
      long interval = w[k][4];
      if (first > last) {
        segmentOf[k] = -1;
        continue;
      }
      long[] cur = segments.isEmpty() ? null : segments.get(segments.size() - 1);
      if (cur != null && first >= cur[0] && first <= cur[1] + interval && (first - cur[0]) % interval == 0) {
        cur[1] = Math.max(cur[1], last);
      } else {
        segments.add(new long[] {first, last});
      }
      segmentOf[k] = segments.size() - 1;
    }
    List<long[][]> times = new ArrayList<>(segments.size());
    List<StepVector> values = new ArrayList<>(segments.size());
    for (long[] seg : segments) {
      long interval = w[0][4];
      RangeEvaluator inner = new RangeEvaluator(ev, seg[0], seg[1], interval, true);
      StepVector sv = inner.evalVector(sq.expr());
      long[][] ts = new long[sv.series.size()][];
      for (int i = 0; i < ts.length; i++) {
        StepSeries s = sv.series.get(i);
        ts[i] = new long[s.n];
        for (int j = 0; j < s.n; j++) {
          ts[i][j] = inner.time(s.steps[j]);
        }
      }
      times.add(ts);
      values.add(sv);
    }
    return new Windows() {
      @Override
      public RangeMatrix at(int k) {
        long[] wk = w[k];
        if (segmentOf[k] < 0) {
          return new RangeMatrix(List.of(), wk[2], wk[3], sq.rangeMs());
        }
        long[][] ts = times.get(segmentOf[k]);
        StepVector sv = values.get(segmentOf[k]);
        List<RangeSeries> out = new ArrayList<>();
        List<Long> firsts = new ArrayList<>();
        boolean ordered = true;
        for (int i = 0; i < ts.length; i++) {
          StepSeries s = sv.series.get(i);
          int from = LoadedSeries.lowerBound(ts[i], s.n, wk[0]);
          int to = LoadedSeries.lowerBound(ts[i], s.n, wk[1] + 1);
          if (from < to) {
            if (!firsts.isEmpty() && ts[i][from] < firsts.get(firsts.size() - 1)) {
              ordered = false;
            }
            out.add(new RangeSeries(s.labels, ts[i], s.values, from, to));
            firsts.add(ts[i][from]);
          }
        }
        if (!ordered) {
          // stable: series first seen at the same inner step keep their order
          Integer[] idx = new Integer[out.size()];
          for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
          }
          Arrays.sort(idx, (x, y) -> Long.compare(firsts.get(x), firsts.get(y)));
          List<RangeSeries> sorted = new ArrayList<>(out.size());
          for (int i : idx) {
            sorted.add(out.get(i));
          }
          out = sorted;
        }
        return new RangeMatrix(out, wk[2], wk[3], sq.rangeMs());
      }

      @Override
      public long load(int k) {
        return points(at(k));
      }
    };
  }

  // ---- function calls ---------------------------------------------------------------------------------

  private Object call(Call c) {
    String name = c.function().name();
    switch (name) {
      case "time": {
        double[] out = new double[steps];
        for (int k = 0; k < steps; k++) {
          out[k] = time(k) / 1000.0;
        }
        return out;
      }
      case "pi": {
        double[] out = new double[steps];
        Arrays.fill(out, Math.PI);
        return out;
      }
      case "vector": {
        double[] in = evalScalar(c.args().get(0));
        StepSeries s = new StepSeries(Labels.EMPTY, steps, false);
        for (int k = 0; k < steps; k++) {
          s.add(k, in[k]);
        }
        return new StepVector(List.of(s), new long[steps]);
      }
      case "label_replace", "label_join":
        return relabel(c);
      default:
        break;
    }
    if (SLIDING.contains(name)) {
      int m = matrixArg(c);
      if (Functions.unwrap(c.args().get(m)) instanceof MatrixSelector ms && (!nested || ev.clip(ms.selector()) == null)) {
        return RangeFunctionSteps.eval(this, c, m);
      }
    }
    if (Functions.isElementWise(c)) {
      return elementWise(c);
    }
    return perStep(c);
  }

  /** The evaluated arguments in {@link Functions#evalOrder}: double[], String, StepVector or {@link Windows}. */
  private Object[] args(Call c) {
    Object[] all = new Object[c.args().size()];
    for (int i : Functions.evalOrder(c)) {
      Expr arg = c.args().get(i);
      all[i] = arg.type() == ValueType.MATRIX ? windows(arg) : eval(arg);
    }
    return all;
  }

  /** The arguments at step {@code k}, as the step-by-step evaluation holds them; adds their samples to {@code load}. */
  private Object[] argsAt(Object[] all, int k, long[] load) {
    Object[] out = new Object[all.length];
    for (int i = 0; i < all.length; i++) {
      out[i] = at(all[i], k, load);
    }
    return out;
  }

  private Object at(Object all, int k, long[] load) {
    if (all instanceof double[] d) {
      return d[k];
    }
    if (all instanceof StepVector sv) {
      if (load != null) {
        load[k] += sv.load[k];
      }
      return slice(sv, k);
    }
    if (all instanceof Windows w) {
      RangeMatrix m = w.at(k);
      if (load != null) {
        load[k] += points(m);
      }
      return m;
    }
    return all; // a String, or null (not evaluated)
  }

  /** A function applied at each step to its arguments' values at that step ({@link Functions#apply}). */
  private Object perStep(Call c) {
    Object[] all = args(c);
    long[] load = new long[steps];
    if (c.type() == ValueType.SCALAR) {
      double[] out = new double[steps];
      for (int k = 0; k < steps; k++) {
        ev.checkTimeout();
        out[k] = (Double) Functions.apply(c, argsAt(all, k, load), time(k));
      }
      return out;
    }
    Collector out = new Collector();
    boolean counted = Functions.counted(c);
    for (int k = 0; k < steps; k++) {
      ev.checkTimeout();
      InstantVector iv = (InstantVector) Functions.apply(c, argsAt(all, k, load), time(k));
      out.add(k, iv);
      if (counted) {
        load[k] += iv.size;
      }
    }
    return out.result(load);
  }

  /** Functions of each element alone (math, date parts, timestamp, clamp*, round): per series, with per-step arguments. */
  private StepVector elementWise(Call c) {
    Object[] all = args(c);
    StepVector in = (StepVector) all[0];
    Functions.ElementWise[] fs = new Functions.ElementWise[steps];
    Functions.ElementWise shared = null;
    boolean perStepArgs = all.length > 1;
    if (!perStepArgs) {
      shared = Functions.elementWise(c, new Object[] {null});
    }
    Object[] scalars = all.clone();
    scalars[0] = null; // the vector itself is read per series below
    for (int k = 0; k < steps; k++) {
      fs[k] = perStepArgs ? Functions.elementWise(c, argsAt(scalars, k, null)) : shared;
    }
    List<StepSeries> out = new ArrayList<>(in.series.size());
    Labels[] outLabels = new Labels[in.series.size()];
    for (int j = 0; j < in.series.size(); j++) {
      StepSeries s = in.series.get(j);
      ev.checkTimeout();
      StepSeries o = new StepSeries(LabelSets.dropName(s.labels), s.n, false);
      for (int i = 0; i < s.n; i++) {
        int k = s.steps[i];
        Functions.ElementWise f = fs[k];
        if (f != null) {
          o.add(k, f.apply(s.values[i], s.sampleTimes != null ? s.sampleTimes[i] : time(k), time(k)));
        }
      }
      if (o.n > 0) {
        out.add(o);
        outLabels[j] = o.labels;
      }
    }
    StepVector res = new StepVector(StepVector.unique(out), in.load.clone());
    res.addCountsTo(res.load);
    in.orderInto(res, outLabels);
    return res;
  }

  /** label_replace and label_join: each series relabeled once (their string arguments do not change). */
  private StepVector relabel(Call c) {
    Object[] all = args(c);
    StepVector in = (StepVector) all[0];
    UnaryOperator<Labels> f = c.function().name().equals("label_replace")
        ? LabelFunctions.replacer(all) : LabelFunctions.joiner(all);
    List<StepSeries> out = new ArrayList<>(in.series.size());
    Labels[] outLabels = new Labels[in.series.size()];
    for (int j = 0; j < in.series.size(); j++) {
      StepSeries s = in.series.get(j);
      StepSeries o = new StepSeries(f.apply(s.labels), s.n, false);
      o.steps = s.steps;
      o.values = s.values;
      o.n = s.n;
      out.add(o);
      outLabels[j] = o.labels;
    }
    StepVector res = new StepVector(StepVector.unique(out), in.load.clone());
    res.addCountsTo(res.load);
    in.orderInto(res, outLabels);
    return res;
  }

  // ---- aggregations with a parameter ------------------------------------------------------------------

  /**
   * topk, bottomk, quantile, count_values (and any aggregation over a vector with a per-step order):
   * {@link Aggregations#apply} at each step. {@code evaluated} is the input when already evaluated.
   */
  private StepVector aggregate(AggregateExpr a, StepVector evaluated) {
    AggregateOp op = a.op();
    Object param = a.param() == null ? null : eval(a.param());
    String valueLabel = op == AggregateOp.COUNT_VALUES ? Aggregations.valueLabel((String) param) : null;
    long[] ks = new long[steps];
    boolean any = true;
    if (op == AggregateOp.TOPK || op == AggregateOp.BOTTOMK) {
      any = false;
      for (int k = 0; k < steps; k++) {
        ks[k] = Aggregations.k(((double[]) param)[k]);
        any |= ks[k] >= 1;
      }
    }
    long[] load = new long[steps];
    Collector out = new Collector();
    if (!any) {
      return out.result(load);
    }
    StepVector in = evaluated != null ? evaluated : evalVector(a.expr());
    boolean limited = op == AggregateOp.TOPK || op == AggregateOp.BOTTOMK;
    for (int k = 0; k < steps; k++) {
      ev.checkTimeout();
      if (limited && ks[k] < 1) {
        continue; // the step-by-step evaluation does not evaluate the input at this step
      }
      double p = param instanceof double[] d ? d[k] : Double.NaN;
      load[k] += in.load[k];
      InstantVector iv = Aggregations.apply(a, p, valueLabel, ks[k], slice(in, k), time(k));
      load[k] += iv.size;
      out.add(k, iv);
    }
    return out.result(load);
  }

  // ---- operators ------------------------------------------------------------------------------------

  private Object unary(UnaryExpr u) {
    Object v = eval(u.expr());
    if (!u.negate()) {
      return v;
    }
    if (v instanceof double[] d) {
      double[] out = new double[steps];
      for (int k = 0; k < steps; k++) {
        out[k] = -d[k];
      }
      return out;
    }
    StepVector in = (StepVector) v;
    List<StepSeries> out = new ArrayList<>(in.series.size());
    Labels[] outLabels = new Labels[in.series.size()];
    for (int j = 0; j < in.series.size(); j++) {
      StepSeries s = in.series.get(j);
      StepSeries o = new StepSeries(LabelSets.dropName(s.labels), s.n, false);
      for (int i = 0; i < s.n; i++) {
        o.add(s.steps[i], -s.values[i]);
      }
      out.add(o);
      outLabels[j] = o.labels;
    }
    // the step-by-step evaluation does not count a negation's result
    StepVector res = new StepVector(StepVector.unique(out), in.load.clone());
    in.orderInto(res, outLabels);
    return res;
  }

  /** Vector/vector operators: {@link BinaryOps#vectors} at each step. */
  private StepVector vectors(BinaryExpr b) {
    StepVector l = evalVector(b.lhs());
    StepVector r = evalVector(b.rhs());
    long[] load = new long[steps];
    Collector out = new Collector();
    for (int k = 0; k < steps; k++) {
      ev.checkTimeout();
      InstantVector iv = BinaryOps.vectors(b, slice(l, k), slice(r, k), time(k));
      load[k] = l.load[k] + r.load[k] + iv.size;
      out.add(k, iv);
    }
    return out.result(load);
  }
  // ---- binary operators with a scalar side -------------------------------------------------------------

  private Object binary(BinaryExpr b) {
    Object l = eval(b.lhs());
    Object r = eval(b.rhs());
    BinaryOp op = b.op();
    if (l instanceof double[] lv && r instanceof double[] rv) {
      double[] out = new double[steps];
      for (int k = 0; k < steps; k++) {
        double v = BinaryOps.scalarOp(op, lv[k], rv[k]);
        // comparisons between scalars need bool
        out[k] = op.isComparison() ? (v != 0 ? 1.0 : 0.0) : v;
      }
      return out;
    }
    boolean scalarOnLeft = l instanceof double[];
    StepVector vec = (StepVector) (scalarOnLeft ? r : l);
    double[] sc = (double[]) (scalarOnLeft ? l : r);
    boolean dropName = BinaryOps.dropsName(op) || b.returnBool();
    List<StepSeries> out = new ArrayList<>(vec.series.size());
    Labels[] outLabels = new Labels[vec.series.size()];
    for (int j = 0; j < vec.series.size(); j++) {
      StepSeries s = vec.series.get(j);
      StepSeries o = new StepSeries(dropName ? LabelSets.dropName(s.labels) : s.labels, s.n, false);
      for (int i = 0; i < s.n; i++) {
        int k = s.steps[i];
        double x = s.values[i];
        double value = scalarOnLeft ? BinaryOps.scalarOp(op, sc[k], x) : BinaryOps.scalarOp(op, x, sc[k]);
        boolean keep = true;
        if (op.isComparison()) {
          keep = value != 0;
          // a comparison filters: the vector's own value is kept, whichever side it is on
          value = x;
        }
        if (b.returnBool()) {
          value = keep ? 1 : 0;
          keep = true;
        }
        if (keep) {
          o.add(k, value);
        }
      }
      if (o.n > 0) {
        out.add(o);
        outLabels[j] = o.labels;
      }
    }
    StepVector res = new StepVector(StepVector.unique(out), vec.load.clone());
    res.addCountsTo(res.load);
    vec.orderInto(res, outLabels);
    return res;
  }

  // ---- streamed selectors -----------------------------------------------------------------------------

  /**
   * The range selectors that {@link #eval} of {@code root} reads through {@link RangeFunctionSteps} (the
   * argument of a sliding range function, not inside a subquery), so no one needs their samples selected up
   * front. It follows {@link #call}'s dispatch; a selector listed twice is read twice.
   */
  static List<VectorSelector> streamable(Expr root) {
    List<VectorSelector> out = new ArrayList<>();
    collectStreamable(root, out);
    return out;
  }

  private static void collectStreamable(Expr e, List<VectorSelector> out) {
    if (e instanceof SubqueryExpr || e instanceof MatrixSelector) {
      // a subquery's inside is evaluated by nested evaluators over its own steps; a bare range selector is read per step
      return;
    }
    if (e instanceof Call c && SLIDING.contains(c.function().name())) {
      int m = matrixArg(c);
      if (Functions.unwrap(c.args().get(m)) instanceof MatrixSelector ms) {
        out.add(ms.selector());
        for (int i = 0; i < c.args().size(); i++) {
          if (i != m) {
            collectStreamable(c.args().get(i), out);
          }
        }
        return;
      }
    }
    for (Expr child : children(e)) {
      collectStreamable(child, out);
    }
  }

  private static List<Expr> children(Expr e) {
    if (e instanceof ParenExpr p) {
      return List.of(p.expr());
    }
    if (e instanceof UnaryExpr u) {
      return List.of(u.expr());
    }
    if (e instanceof BinaryExpr b) {
      return List.of(b.lhs(), b.rhs());
    }
    if (e instanceof AggregateExpr a) {
      return a.param() == null ? List.of(a.expr()) : List.of(a.param(), a.expr());
    }
    if (e instanceof Call c) {
      return c.args();
    }
    return List.of();
  }

  /** A vector's value at step {@code k}, as the step-by-step evaluation holds it (sample times from selectors). */
  InstantVector slice(StepVector sv, int k) {
    long t = time(k);
    InstantVector out = new InstantVector(sv.series.size());
    if (sv.stepOrder != null) {
      for (int j : sv.stepOrder[k]) {
        StepSeries s = sv.series.get(j);
        int i = s.indexOf(k);
        if (i >= 0) {
          out.add(s.labels, s.values[i], s.sampleTimes != null ? s.sampleTimes[i] : t);
        }
      }
      return out;
    }
    for (StepSeries s : sv.series) {
      int i = s.indexOf(k);
      if (i >= 0) {
        out.add(s.labels, s.values[i], s.sampleTimes != null ? s.sampleTimes[i] : t);
      }
    }
    return out;
  }

  /** Per-step results gathered into one series per label set, in order of first appearance. */
  private final class Collector {
    private final Map<Labels, Integer> byLabels = new HashMap<>();
    private final List<StepSeries> series = new ArrayList<>();
    /** Per step, the series in the order the step listed them. */
    private final int[][] order = new int[steps][];
    /** Whether some step lists its series in another order than {@link #series}. */
    private boolean reordered;

    void add(int k, InstantVector iv) {
      int[] o = new int[iv.size];
      int n = 0;
      for (int i = 0; i < iv.size; i++) {
        Integer j = byLabels.get(iv.labels[i]);
        if (j == null) {
          j = series.size();
          series.add(new StepSeries(iv.labels[i], Math.min(steps, 64), false));
          byLabels.put(iv.labels[i], j);
        }
        StepSeries s = series.get(j);
        if (s.n > 0 && s.steps[s.n - 1] == k) {
          continue; // the same labels twice in one step (sort does not check): the first one
        }
        s.add(k, iv.values[i]);
        if (n > 0 && o[n - 1] > j) {
          reordered = true;
        }
        o[n++] = j;
      }
      order[k] = n == o.length ? o : Arrays.copyOf(o, n);
    }

    StepVector result(long[] load) {
      StepVector out = new StepVector(series, load);
      if (reordered) {
        for (int k = 0; k < steps; k++) {
          if (order[k] == null) {
            order[k] = new int[0];
          }
        }
        out.stepOrder = order;
      }
      return out;
    }
  }
}
