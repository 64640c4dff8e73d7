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
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where Prometheus 2.42 reads an {@code @} selector or subquery that sits inside a subquery, when that is
 * not the {@code @} time itself.
 *
 * <p>2.42 turns every {@code @} into an offset relative to an evaluation time: once for the query (at its
 * start, subtracting the offsets of the enclosing subqueries), and again for the inside of each subquery it
 * evaluates, relative to that subquery's first step, <em>unless that first step equals the start of the
 * evaluation around it</em> (its range plus offset is shorter than one step and the start is a multiple of
 * the step). In that case the inside keeps the offsets computed for the enclosing evaluation, and since an
 * {@code @} expression is evaluated once at the start of its evaluation, it reads at a time shifted by the
 * difference (e.g. {@code avg_over_time((x @ T)[1m:] offset -1m)} at a multiple of 1m reads {@code x} at
 * {@code T - 1m}). For an {@code @} subquery the shifted offset moves the steps it evaluates while the
 * function over it still looks at the window ending at its {@code @} time. This class replays that
 * bookkeeping once per query and lists only the nodes where the result differs from the plain
 * {@code @ time - offset}; everything else, and every query without such nesting, is untouched.
 *
 * <p>A shifted read may fall outside the samples 2.42 selected for the selector (its selection uses the
 * plain times); {@link QueryContext} then clips reads to the selected range, as 2.42's storage trims them.
 */
final class AtOffsets {
  /** {@code @} selectors (alone or in a range selector) read at this reference time (offset applied). */
  final Map<VectorSelector, Long> selectorRefs = new IdentityHashMap<>();
  /** {@code @} subqueries whose steps end at this time instead of at their window's end. */
  final Map<SubqueryExpr, Long> subqueryEnds = new IdentityHashMap<>();
  /**
   * {@code @} range selectors read by a function call that is not step-invariant (2.42's unsafe functions
   * such as {@code predict_linear}, or another argument that changes per step): 2.42 evaluates the call at
   * every step with the offset computed for the first, so the window moves with the step; at step time
   * {@code t} it ends at {@code t - offset}.
   */
  final Map<VectorSelector, Long> movingSelectors = new IdentityHashMap<>();
  /**
   * The same for {@code @} subqueries: {offset, first step}: at step time {@code t} the function sees the
   * window ending at {@code t - offset}, over the subquery's steps from {@code first} on.
   */
  final Map<SubqueryExpr, long[]> movingSubqueries = new IdentityHashMap<>();

  /** Functions 2.42 never evaluates once for all steps (its {@code AtModifierUnsafeFunctions}). */
  private static final java.util.Set<String> UNSAFE = java.util.Set.of("days_in_month", "day_of_month", "day_of_week",
      "day_of_year", "hour", "minute", "month", "year", "predict_linear", "time", "timestamp");

  private final long queryStart;
  private final long queryEnd;
  private final long defaultStep;
  /** The offset 2.42 currently holds for each {@code @} node (it rewrites them in place as it evaluates). */
  private final Map<Expr, Long> offsets = new IdentityHashMap<>();

  private AtOffsets(long queryStart, long queryEnd, long defaultStep) {
    this.queryStart = queryStart;
    this.queryEnd = queryEnd;
    this.defaultStep = defaultStep;
  }

  /** The shifted nodes of {@code root} for a query starting at {@code queryStart}, or null when there are none. */
  static AtOffsets of(Expr root, long queryStart, long queryEnd, long defaultStep) {
    if (!hasAt(root)) {
      return null;
    }
    AtOffsets a = new AtOffsets(queryStart, queryEnd, defaultStep);
    a.assign(root, queryStart, new ArrayList<>());
    a.evaluate(root, queryStart);
    return a.selectorRefs.isEmpty() && a.subqueryEnds.isEmpty() && a.movingSelectors.isEmpty() && a.movingSubqueries.isEmpty()
        ? null : a;
  }

  private static boolean hasAt(Expr e) {
    if (e instanceof VectorSelector vs) {
      return vs.at() != null;
    }
    if (e instanceof SubqueryExpr sq && sq.at() != null) {
      return true;
    }
    for (Expr c : children(e)) {
      if (hasAt(c)) {
        return true;
      }
    }
    return false;
  }

  /** 2.42's step invariance (its preprocessing): what it evaluates once and repeats at every step. */
  private static boolean invariant(Expr e) {
    if (e instanceof io.strata.promql.ast.NumberLiteral || e instanceof io.strata.promql.ast.StringLiteral) {
      return true;
    }
    if (e instanceof VectorSelector vs) {
      return vs.at() != null;
    }
    if (e instanceof MatrixSelector m) {
      return m.selector().at() != null;
    }
    if (e instanceof SubqueryExpr sq) {
      return sq.at() != null;
    }
    if (e instanceof ParenExpr p) {
      return invariant(p.expr());
    }
    if (e instanceof UnaryExpr u) {
      return invariant(u.expr());
    }
    if (e instanceof BinaryExpr b) {
      return invariant(b.lhs()) && invariant(b.rhs());
    }
    if (e instanceof AggregateExpr a) {
      return invariant(a.expr()); // 2.42 does not look at the parameter
    }
    if (e instanceof Call c) {
      if (UNSAFE.contains(c.function().name())) {
        return false;
      }
      for (Expr arg : c.args()) {
        if (!invariant(arg)) {
          return false;
        }
      }
      return true;
    }
    return false;
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
    if (e instanceof MatrixSelector m) {
      return List.of(m.selector());
    }
    if (e instanceof SubqueryExpr sq) {
      return List.of(sq.expr());
    }
    return List.of();
  }

  private long at(VectorSelector vs) {
    return vs.at().resolve(queryStart, queryEnd);
  }

  private long at(SubqueryExpr sq) {
    return sq.at().resolve(queryStart, queryEnd);
  }

  /**
   * 2.42's offset of every {@code @} node under {@code e} relative to {@code evalTime}: the original offset
   * plus {@code evalTime - @}, minus the offsets of the subqueries between the root and the node (from the
   * nearest {@code @} subquery down, that one counted relative to {@code evalTime} too).
   */
  private void assign(Expr e, long evalTime, List<SubqueryExpr> path) {
    if (e instanceof VectorSelector vs) {
      if (vs.at() != null) {
        offsets.put(vs, vs.offsetMs() + (evalTime - at(vs)) - enclosingOffset(path, evalTime));
      }
      return;
    }
    if (e instanceof SubqueryExpr sq) {
      if (sq.at() != null) {
        offsets.put(sq, sq.offsetMs() + (evalTime - at(sq)) - enclosingOffset(path, evalTime));
      }
      path.add(sq);
      assign(sq.expr(), evalTime, path);
      path.remove(path.size() - 1);
      return;
    }
    for (Expr c : children(e)) {
      assign(c, evalTime, path);
    }
  }

  private long enclosingOffset(List<SubqueryExpr> path, long evalTime) {
    long offset = 0;
    Long ts = null;
    for (SubqueryExpr sq : path) {
      offset += sq.offsetMs();
      if (sq.at() != null) {
        offset = sq.offsetMs();
        ts = at(sq);
      }
    }
    return ts == null ? offset : offset + (evalTime - ts);
  }

  /**
   * Walks the tree as 2.42 evaluates it, {@code start} being the first step of the evaluation {@code e} is
   * in: each subquery starts at the first multiple of its step at or after {@code start - offset - range}
   * (its current offset) and re-bases the offsets inside it unless that is {@code start} itself; an
   * {@code @} expression is evaluated once, at {@code start}.
   */
  private void evaluate(Expr e, long start) {
    if (e instanceof VectorSelector vs) {
      if (vs.at() != null) {
        long ref = start - offsets.get(vs);
        if (ref != at(vs) - vs.offsetMs()) {
          selectorRefs.put(vs, ref);
        }
      }
      return;
    }
    if (e instanceof SubqueryExpr sq) {
      long offset = sq.at() != null ? offsets.get(sq) : sq.offsetMs();
      long step = sq.stepMs() > 0 ? sq.stepMs() : defaultStep;
      long first = QueryContext.firstStep(start - offset - sq.rangeMs(), step);
      if (sq.at() != null && start - offset != at(sq) - sq.offsetMs()) {
        subqueryEnds.put(sq, start - offset);
      }
      if (first != start) {
        assign(sq.expr(), first, new ArrayList<>());
      }
      evaluate(sq.expr(), first);
      return;
    }
    if (e instanceof Call c && !invariant(c)) {
      for (Expr arg : c.args()) {
        Expr a = Functions.unwrap(arg);
        if (a instanceof MatrixSelector m && m.selector().at() != null) {
          movingSelectors.put(m.selector(), offsets.get(m.selector()));
        } else if (a instanceof SubqueryExpr sq && sq.at() != null) {
          long step = sq.stepMs() > 0 ? sq.stepMs() : defaultStep;
          movingSubqueries.put(sq, new long[] {sq.offsetMs() + (start - at(sq)),
              QueryContext.firstStep(start - offsets.get(sq) - sq.rangeMs(), step)});
        }
      }
    }
    for (Expr c : children(e)) {
      evaluate(c, start);
    }
  }
}
