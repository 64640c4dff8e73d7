package io.strata.promql.engine;

import io.strata.promql.ast.AggregateExpr;
import io.strata.promql.ast.BinaryExpr;
import io.strata.promql.ast.BinaryOp;
import io.strata.promql.ast.Call;
import io.strata.promql.ast.Expr;
import io.strata.promql.ast.MatrixSelector;
import io.strata.promql.ast.NumberLiteral;
import io.strata.promql.ast.ParenExpr;
import io.strata.promql.ast.UnaryExpr;
import io.strata.promql.ast.ValueType;
import io.strata.promql.ast.VectorSelector;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.StaleMarker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates a range query node by node over all steps at once, instead of the whole tree step by step:
 * a selector walks each series once with a cursor that only moves forward, a range function slides its
 * window over each series' samples (two indices advancing monotonically), an aggregation computes each
 * input series' group once. Per-step work is then arithmetic on primitive arrays.
 *
 * <p>Node kinds handled this way: number literals, {@code time()}, {@code pi()}, {@code vector()},
 * selectors, range functions over a range selector (all but {@code absent_over_time}), the aggregations
 * without a parameter, scalar/scalar and vector/scalar binary operators. Anything else (vector/vector
 * operators, subqueries, {@code label_*}, {@code histogram_quantile}, {@code topk}, ...) runs through the
 * step-by-step {@link Evaluator}, which reads this class's results for its children one step at a time
 * ({@link Evaluator#eval}), so a fast child stays fast under a slow parent.
 *
 * <p>Results: {@code double[]} (a scalar per step) or {@link StepVector}. The arithmetic of every value is
 * the step-by-step evaluator's (same functions, same order of operations), so results are identical.
 */
final class RangeEvaluator {
  /** Range functions computed by {@link RangeFunctionSteps}; absent_over_time needs the selector's matchers. */
  private static final Set<String> SLIDING = Set.of("rate", "increase", "delta", "irate", "idelta", "avg_over_time",
      "sum_over_time", "count_over_time", "min_over_time", "max_over_time", "stdvar_over_time", "stddev_over_time",
      "last_over_time", "present_over_time", "quantile_over_time", "changes", "resets", "deriv", "predict_linear",
      "holt_winters");

  final Evaluator ev;
  final long start;
  final long step;
  final int steps;
  private final Map<Expr, Object> done = new IdentityHashMap<>();

  RangeEvaluator(Evaluator ev, long start, long end, long step) {
    this.ev = ev;
    this.start = start;
    this.step = step;
    this.steps = (int) ((end - start) / step) + 1;
  }

  long time(int k) {
    return start + k * step;
  }

  /**
   * The expression at every step: {@code double[]} for a scalar, else a {@link StepVector}. Each node has one
   * parent, which calls this once, so the result is not kept (the parent's result replaces it).
   */
  Object eval(Expr e) {
    return compute(e);
  }

  /**
   * The same, for the step-by-step evaluator, which asks at every step: computed on the first call and kept
   * for the rest of the query.
   */
  Object evalKept(Expr e) {
    Object v = done.get(e);
    if (v == null) {
      v = compute(e);
      done.put(e, v);
    }
    return v;
  }

  StepVector evalVector(Expr e) {
    return (StepVector) eval(e);
  }

  double[] evalScalar(Expr e) {
    return (double[]) eval(e);
  }

  private Object compute(Expr e) {
    ev.checkTimeout();
    if (e instanceof ParenExpr p) {
      return eval(p.expr());
    }
    if (e instanceof NumberLiteral n) {
      double[] out = new double[steps];
      Arrays.fill(out, n.value());
      return out;
    }
    if (e instanceof VectorSelector vs) {
      return select(vs);
    }
    if (e instanceof Call c) {
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
        default:
          if (SLIDING.contains(name)) {
            int m = matrixArg(c);
            if (Functions.unwrap(c.args().get(m)) instanceof MatrixSelector) {
              return RangeFunctionSteps.eval(this, c, m);
            }
          }
          return fallback(e);
      }
    }
    if (e instanceof AggregateExpr a && a.param() == null && AggregationSteps.handles(a.op())) {
      return AggregationSteps.eval(this, a);
    }
    if (e instanceof BinaryExpr b && !(b.lhs().type() == ValueType.VECTOR && b.rhs().type() == ValueType.VECTOR)) {
      return binary(b);
    }
    return fallback(e);
  }

  static int matrixArg(Call c) {
    List<ValueType> types = c.function().argTypes();
    int m = -1;
    for (int i = 0; i < types.size() && i < c.args().size(); i++) {
      if (types.get(i) == ValueType.MATRIX) {
        m = i;
      }
    }
    return m;
  }

  // ---- selectors ------------------------------------------------------------------------------------

  /** Each series' latest sample at or before each step's reference time, within the lookback delta. */
  private StepVector select(VectorSelector vs) {
    long at = vs.at() != null ? vs.at().resolve(ev.queryStart, ev.queryEnd) : Long.MIN_VALUE;
    long lookback = ev.opts.lookbackDeltaMs();
    LoadedSeries[] data = ev.loaded(vs);
    long[] load = new long[steps];
    List<StepSeries> out = new ArrayList<>(data.length);
    for (LoadedSeries s : data) {
      ev.checkTimeout();
      StepSeries o = null;
      long[] ts = s.rawT;
      double[] vs2 = s.rawV;
      int next = 0; // first sample after the current reference time
      for (int k = 0; k < steps; k++) {
        long ref = (at != Long.MIN_VALUE ? at : time(k)) - vs.offsetMs();
        while (next < s.rawN && ts[next] <= ref) {
          next++;
        }
        int idx = next - 1;
        if (idx < 0 || ts[idx] < ref - lookback || StaleMarker.isStale(vs2[idx])) {
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
    for (StepSeries s : vec.series) {
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
      }
    }
    StepVector res = new StepVector(StepVector.unique(out), vec.load.clone());
    res.addCountsTo(res.load);
    return res;
  }

  // ---- everything else: step by step --------------------------------------------------------------------

  /**
   * Runs the step-by-step evaluator at each step; its children that this class can evaluate are evaluated
   * here (lazily, on their first use) and read back one step at a time.
   */
  private Object fallback(Expr e) {
    markChildren(e);
    if (e.type() == ValueType.SCALAR) {
      double[] out = new double[steps];
      for (int k = 0; k < steps; k++) {
        ev.checkTimeout();
        ev.stepSamples = 0;
        out[k] = (Double) ev.evalHere(e, time(k));
      }
      return out;
    }
    if (e.type() != ValueType.VECTOR) {
      throw new IllegalStateException("BUG: range evaluation of " + e.type() + " " + e);
    }
    Map<Labels, StepSeries> byLabels = new LinkedHashMap<>();
    long[] load = new long[steps];
    for (int k = 0; k < steps; k++) {
      ev.checkTimeout();
      ev.stepSamples = 0;
      InstantVector iv = (InstantVector) ev.evalHere(e, time(k));
      for (int i = 0; i < iv.size; i++) {
        StepSeries s = byLabels.get(iv.labels[i]);
        if (s == null) {
          s = new StepSeries(iv.labels[i], Math.min(steps, 64), false);
          byLabels.put(iv.labels[i], s);
        }
        s.add(k, iv.values[i]);
      }
      load[k] = ev.stepSamples;
    }
    return new StepVector(new ArrayList<>(byLabels.values()), load);
  }

  /** Lets the step-by-step evaluator read {@code e}'s instant-vector and scalar children from here. */
  private void markChildren(Expr e) {
    for (Expr child : deferredChildren(e)) {
      ev.deferToRange(child);
    }
  }

  /** The children of a node evaluated step by step ({@link #fallback}) that it reads from here. */
  private static List<Expr> deferredChildren(Expr e) {
    List<Expr> out = new ArrayList<>(2);
    if (e instanceof BinaryExpr b) {
      out.add(b.lhs());
      out.add(b.rhs());
    } else if (e instanceof AggregateExpr a) {
      if (a.param() != null && a.param().type() == ValueType.SCALAR) {
        out.add(a.param());
      }
      out.add(a.expr());
    } else if (e instanceof Call c) {
      for (Expr arg : c.args()) {
        if (arg.type() == ValueType.VECTOR || arg.type() == ValueType.SCALAR) {
          out.add(arg);
        }
      }
    } else if (e instanceof UnaryExpr u) {
      out.add(u.expr());
    }
    return out;
  }

  // ---- streamed selectors -----------------------------------------------------------------------------

  /**
   * The range selectors that {@link #eval} of {@code root} reads through {@link RangeFunctionSteps} (a
   * sliding range function reached through nodes evaluated here, or through the children a step-by-step
   * node reads from here), so the step-by-step evaluator never needs their samples. It follows
   * {@link #compute}'s dispatch; a selector listed twice is read twice.
   */
  static List<VectorSelector> streamable(Expr root) {
    List<VectorSelector> out = new ArrayList<>();
    collectStreamable(root, out);
    return out;
  }

  private static void collectStreamable(Expr e, List<VectorSelector> out) {
    if (e instanceof ParenExpr p) {
      collectStreamable(p.expr(), out);
      return;
    }
    if (e instanceof NumberLiteral || e instanceof VectorSelector) {
      return;
    }
    if (e instanceof Call c) {
      String name = c.function().name();
      switch (name) {
        case "time", "pi":
          return;
        case "vector":
          collectStreamable(c.args().get(0), out);
          return;
        default:
          if (SLIDING.contains(name)) {
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
      }
    } else if (e instanceof AggregateExpr a && a.param() == null && AggregationSteps.handles(a.op())) {
      collectStreamable(a.expr(), out);
      return;
    } else if (e instanceof BinaryExpr b && !(b.lhs().type() == ValueType.VECTOR && b.rhs().type() == ValueType.VECTOR)) {
      collectStreamable(b.lhs(), out);
      collectStreamable(b.rhs(), out);
      return;
    }
    // evaluated step by step: only the children it reads from here are evaluated here
    for (Expr child : deferredChildren(e)) {
      collectStreamable(child, out);
    }
  }

  /** The value of a range-evaluated expression at step {@code k}, as the step-by-step evaluator holds it. */
  Object slice(Object v, int k, long t) {
    if (v instanceof double[] d) {
      return d[k];
    }
    StepVector sv = (StepVector) v;
    InstantVector out = new InstantVector(sv.series.size());
    for (StepSeries s : sv.series) {
      int i = s.indexOf(k);
      if (i >= 0) {
        out.add(s.labels, s.values[i], s.sampleTimes != null ? s.sampleTimes[i] : t);
      }
    }
    ev.account(sv.load[k]);
    return out;
  }

  /** The step index of {@code t}, or -1 when {@code t} is not one of the query's steps. */
  int stepOf(long t) {
    long d = t - start;
    if (d < 0 || d % step != 0 || d / step >= steps) {
      return -1;
    }
    return (int) (d / step);
  }
}
