package io.strata.promql.ast;

import java.util.Objects;

/** A parenthesised expression, kept so that printing preserves the user's grouping. */
public record ParenExpr(Expr expr) implements Expr {
  public ParenExpr {
    Objects.requireNonNull(expr, "expr");
  }

  @Override
  public ValueType type() {
    return expr.type();
  }

  @Override
  public String toString() {
    return "(" + expr + ")";
  }
}
