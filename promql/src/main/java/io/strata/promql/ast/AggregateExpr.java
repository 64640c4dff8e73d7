package io.strata.promql.ast;

import java.util.List;
import java.util.Objects;

/** An aggregation; {@code param} is non-null for topk, bottomk, quantile and count_values. */
public record AggregateExpr(AggregateOp op, Expr expr, Expr param, List<String> grouping, boolean without) implements Expr {
  public AggregateExpr {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(expr, "expr");
    grouping = List.copyOf(grouping);
  }

  @Override
  public ValueType type() {
    return ValueType.VECTOR;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(op.keyword());
    if (without) {
      sb.append(" without (").append(String.join(", ", grouping)).append(") ");
    } else if (!grouping.isEmpty()) {
      sb.append(" by (").append(String.join(", ", grouping)).append(") ");
    }
    sb.append('(');
    if (param != null) {
      sb.append(param).append(", ");
    }
    return sb.append(expr).append(')').toString();
  }
}
