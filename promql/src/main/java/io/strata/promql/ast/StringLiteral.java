package io.strata.promql.ast;

import java.util.Objects;

/** A string literal (the unquoted value). */
public record StringLiteral(String value) implements Expr {
  public StringLiteral {
    Objects.requireNonNull(value, "value");
  }

  @Override
  public ValueType type() {
    return ValueType.STRING;
  }

  @Override
  public String toString() {
    return GoFormat.quote(value);
  }
}
