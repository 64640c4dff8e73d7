package io.strata.promql.ast;

import java.util.Objects;

/**
 * A binary operation. {@code matching} is null unless both sides are instant vectors; {@code returnBool}
 * is the {@code bool} modifier of comparisons.
 */
public record BinaryExpr(BinaryOp op, Expr lhs, Expr rhs, VectorMatching matching, boolean returnBool) implements Expr {
  public BinaryExpr {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(lhs, "lhs");
    Objects.requireNonNull(rhs, "rhs");
  }

  @Override
  public ValueType type() {
    // the right side first: a chain a+b+c nests to the left, so this is O(1) unless every term is a scalar
    return rhs.type() == ValueType.SCALAR && lhs.type() == ValueType.SCALAR ? ValueType.SCALAR : ValueType.VECTOR;
  }

  @Override
  public String toString() {
    return lhs + " " + op + (returnBool ? " bool" : "") + (matching == null ? "" : matching.printed()) + " " + rhs;
  }
}
