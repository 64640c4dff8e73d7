package io.strata.promql.ast;

import java.util.Objects;

/** Unary {@code -expr} or {@code +expr} on a scalar or instant vector. */
public record UnaryExpr(boolean negate, Expr expr) implements Expr {
  public UnaryExpr {
    Objects.requireNonNull(expr, "expr");
  }

  @Override
  public ValueType type() {
    return expr.type();
  }

  @Override
  public String toString() {
    return (negate ? "-" : "+") + expr;
  }
}
