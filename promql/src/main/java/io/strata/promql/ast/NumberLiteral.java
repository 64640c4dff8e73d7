package io.strata.promql.ast;

/** A number literal; negative literals come from folding unary minus, as Prometheus does. */
public record NumberLiteral(double value) implements Expr {
  @Override
  public ValueType type() {
    return ValueType.SCALAR;
  }

  @Override
  public String toString() {
    return GoFormat.number(value);
  }
}
