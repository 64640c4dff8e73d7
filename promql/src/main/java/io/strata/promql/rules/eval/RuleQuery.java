package io.strata.promql.rules.eval;

import io.strata.promql.PromQL;
import io.strata.promql.ast.Expr;
import io.strata.promql.engine.Engine;
import io.strata.promql.engine.Sample;
import io.strata.promql.engine.Scalar;
import io.strata.promql.engine.Value;
import io.strata.promql.engine.Vector;
import io.strata.promql.storage.Queryable;
import io.strata.promql.template.QueryRunner;
import io.strata.promql.template.QueryResult;
import io.strata.schemas.model.Labels;
import java.util.ArrayList;
import java.util.List;

/**
 * Prometheus's {@code rules.EngineQueryFunc}: an instant query whose scalar result becomes a one-sample vector
 * without labels; any other non-vector result is an error. Rules, the {@code query} template function and
 * rule unit tests' {@code promql_expr_test} all query through it.
 */
public final class RuleQuery {
  private RuleQuery() {}

  /** Prometheus's text for a rule whose expression is neither a vector nor a scalar. */
  public static final String NOT_A_VECTOR = "rule result is not a vector or scalar";

  /** Runs {@code expr} at {@code timeMs}; engine and storage errors are thrown through. */
  public static List<Sample> run(Engine engine, Queryable storage, Expr expr, long timeMs) {
    Value v = engine.instantQuery(storage, expr, timeMs);
    if (v instanceof Vector vec) {
      return vec.samples();
    }
    if (v instanceof Scalar s) {
      return List.of(new Sample(Labels.EMPTY, s.timestampMs(), s.value()));
    }
    throw new RuleEvaluationException(NOT_A_VECTOR);
  }

  /** The template {@code query} function over the same engine and storage. */
  public static QueryRunner templateRunner(Engine engine, Queryable storage) {
    return (expr, timeMs) -> {
      List<QueryResult> out = new ArrayList<>();
      for (Sample s : run(engine, storage, PromQL.parse(expr), timeMs)) {
        out.add(new QueryResult(s.labels().toMap(), s.value(), s.timestampMs()));
      }
      return out;
    };
  }
}
