package io.strata.promql.ast;

import java.util.Objects;

/** A range vector selector {@code selector[range]}; offset and {@code @} live on the inner selector. */
public record MatrixSelector(VectorSelector selector, long rangeMs) implements Expr {
  public MatrixSelector {
    Objects.requireNonNull(selector, "selector");
  }

  public MatrixSelector withSelector(VectorSelector s) {
    return new MatrixSelector(s, rangeMs);
  }

  @Override
  public ValueType type() {
    return ValueType.MATRIX;
  }

  @Override
  public String toString() {
    return selector.selectorString() + "[" + io.strata.promql.Durations.format(rangeMs) + "]"
        + AtModifier.suffix(selector.at(), selector.offsetMs());
  }
}
