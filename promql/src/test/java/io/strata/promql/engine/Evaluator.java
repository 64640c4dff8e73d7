package io.strata.promql.engine;

import io.strata.promql.ast.AggregateExpr;
import io.strata.promql.ast.AggregateOp;
import io.strata.promql.ast.BinaryExpr;
import io.strata.promql.ast.Call;
import io.strata.promql.ast.Expr;
import io.strata.promql.ast.MatrixSelector;
import io.strata.promql.ast.NumberLiteral;
import io.strata.promql.ast.ParenExpr;
import io.strata.promql.ast.StringLiteral;
import io.strata.promql.ast.SubqueryExpr;
import io.strata.promql.ast.UnaryExpr;
import io.strata.promql.ast.VectorSelector;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.StaleMarker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Evaluates an expression at single timestamps, the whole tree once per step: the reference the node-by-node
 * {@link RangeEvaluator} is checked against. Series are selected once per selector for the whole query
 * ({@link QueryContext}) and every step then works on those arrays. Subquery steps are aligned to absolute
 * multiples of their step, so their inner results are cached across outer steps.
 *
 * <p>Values during evaluation: {@link Double} (scalar), {@link String}, {@link InstantVector},
 * {@link RangeMatrix}.
 */
final class Evaluator {
  final QueryContext q;
  private final Map<SubqueryExpr, TreeMap<Long, InstantVector>> subqueryCache = new IdentityHashMap<>();
  /** Samples held by the values of the step being evaluated. */
  long stepSamples;
  /** Points already added to the query's result. */
  long resultSamples;

  Evaluator(QueryContext q) {
    this.q = q;
  }

  void account(long samples) {
    stepSamples += samples;
    if (stepSamples + resultSamples > q.opts.maxSamples()) {
      throw q.tooManySamples();
    }
  }

  Object eval(Expr e, long t) {
    if (e instanceof NumberLiteral n) {
      return n.value();
    }
    if (e instanceof StringLiteral s) {
      return s.value();
    }
    if (e instanceof ParenExpr p) {
      return eval(p.expr(), t);
    }
    if (e instanceof VectorSelector vs) {
      return selectInstant(vs, t);
    }
    if (e instanceof MatrixSelector m) {
      RangeMatrix out = q.selectRange(m, t);
      account(points(out));
      return out;
    }
    if (e instanceof SubqueryExpr sq) {
      return subquery(sq, t);
    }
    if (e instanceof UnaryExpr u) {
      Object v = eval(u.expr(), t);
      if (!u.negate()) {
        return v;
      }
      if (v instanceof Double d) {
        return -d;
      }
      InstantVector in = (InstantVector) v;
      InstantVector out = new InstantVector(in.size);
      for (int i = 0; i < in.size; i++) {
        out.add(LabelSets.dropName(in.labels[i]), -in.values[i], t);
      }
      LabelSets.checkUnique(out);
      return out;
    }
    if (e instanceof BinaryExpr b) {
      Object l = eval(b.lhs(), t);
      Object r = eval(b.rhs(), t);
      Object out = BinaryOps.apply(b, l, r, t);
      if (out instanceof InstantVector iv) {
        account(iv.size);
      }
      return out;
    }
    if (e instanceof AggregateExpr a) {
      return aggregate(a, t);
    }
    if (e instanceof Call c) {
      Object[] args = new Object[c.args().size()];
      for (int i : Functions.evalOrder(c)) {
        args[i] = eval(c.args().get(i), t);
      }
      Object out = Functions.apply(c, args, t);
      if (Functions.counted(c)) {
        account(((InstantVector) out).size);
      }
      return out;
    }
    throw new IllegalStateException("BUG: unknown node " + e.getClass());
  }

  private InstantVector aggregate(AggregateExpr a, long t) {
    AggregateOp op = a.op();
    double paramValue = Double.NaN;
    String valueLabel = null;
    if (op == AggregateOp.COUNT_VALUES) {
      valueLabel = Aggregations.valueLabel((String) eval(a.param(), t));
    } else if (a.param() != null) {
      paramValue = (Double) eval(a.param(), t);
    }
    long k = 0;
    if (op == AggregateOp.TOPK || op == AggregateOp.BOTTOMK) {
      k = Aggregations.k(paramValue);
      if (k < 1) {
        return new InstantVector(0);
      }
    }
    InstantVector in = (InstantVector) eval(a.expr(), t);
    InstantVector out = Aggregations.apply(a, paramValue, valueLabel, k, in, t);
    account(out.size);
    return out;
  }

  static long points(RangeMatrix m) {
    long total = 0;
    for (RangeSeries s : m.series) {
      total += s.count();
    }
    return total;
  }

  /** The latest sample at or before {@code ref} within the lookback delta, unless it is a stale marker. */
  private InstantVector selectInstant(VectorSelector vs, long t) {
    long ref = (vs.at() != null ? vs.at().resolve(q.queryStart, q.queryEnd) : t) - vs.offsetMs();
    long min = ref - q.opts.lookbackDeltaMs();
    LoadedSeries[] series = q.loaded(vs);
    long[] clip = q.clip(vs);
    if (clip != null) {
      Long shifted = q.shiftedRef(vs);
      if (shifted != null) {
        ref = shifted;
        min = ref - q.opts.lookbackDeltaMs();
      }
      // only the selected samples, as 2.42's storage trims them to the selection
      min = Math.max(min, clip[0]);
      ref = Math.min(ref, clip[1]);
    }
    InstantVector out = new InstantVector(series.length);
    for (LoadedSeries s : series) {
      int idx = LoadedSeries.lowerBound(s.rawT, s.rawN, ref + 1) - 1;
      if (idx < 0 || s.rawT[idx] < min) {
        continue;
      }
      double v = s.rawV[idx];
      if (StaleMarker.isStale(v)) {
        continue;
      }
      out.add(s.labels, v, s.rawT[idx]);
    }
    account(out.size);
    return out;
  }

  private static final class Growable {
    long[] t = new long[16];
    double[] v = new double[16];
    int n;

    void add(long ts, double val) {
      if (n == t.length) {
        t = Arrays.copyOf(t, n * 2);
        v = Arrays.copyOf(v, n * 2);
      }
      t[n] = ts;
      v[n] = val;
      n++;
    }
  }

  /** Evaluates the inner expression at each aligned step of the subquery's window ({@link QueryContext#subqueryWindow}). */
  private RangeMatrix subquery(SubqueryExpr sq, long t) {
    long[] w = q.subqueryWindow(sq, t);
    long first = w[0];
    long last = w[1];
    long interval = w[4];
    TreeMap<Long, InstantVector> cache = subqueryCache.computeIfAbsent(sq, k -> new TreeMap<>());
    cache.headMap(first).clear();
    Map<Labels, Growable> acc = new LinkedHashMap<>();
    long saved = stepSamples;
    long total = 0;
    for (long ts = first; ts <= last; ts += interval) {
      q.checkTimeout();
      InstantVector v = cache.get(ts);
      if (v == null) {
        v = (InstantVector) eval(sq.expr(), ts);
        cache.put(ts, v);
      }
      stepSamples = saved;
      for (int i = 0; i < v.size; i++) {
        acc.computeIfAbsent(v.labels[i], k -> new Growable()).add(ts, v.values[i]);
      }
      total += v.size;
    }
    stepSamples = saved;
    account(total);
    List<RangeSeries> out = new ArrayList<>(acc.size());
    for (Map.Entry<Labels, Growable> e : acc.entrySet()) {
      Growable g = e.getValue();
      out.add(new RangeSeries(e.getKey(), g.t, g.v, 0, g.n));
    }
    return new RangeMatrix(out, w[2], w[3], sq.rangeMs());
  }
}
