package io.strata.promql.ast;

import io.strata.promql.Durations;
import java.util.Objects;

/** A subquery {@code expr[range:step]}; {@code stepMs} is 0 when omitted (the engine's default applies). */
public record SubqueryExpr(Expr expr, long rangeMs, long stepMs, long offsetMs, AtModifier at) implements Expr {
  public SubqueryExpr {
    Objects.requireNonNull(expr, "expr");
  }

  public SubqueryExpr withOffset(long newOffsetMs) {
    return new SubqueryExpr(expr, rangeMs, stepMs, newOffsetMs, at);
  }

  public SubqueryExpr withAt(AtModifier newAt) {
    return new SubqueryExpr(expr, rangeMs, stepMs, offsetMs, newAt);
  }

  @Override
  public ValueType type() {
    return ValueType.MATRIX;
  }

  @Override
  public String toString() {
    return expr + "[" + Durations.format(rangeMs) + ":" + (stepMs == 0 ? "" : Durations.format(stepMs)) + "]"
        + AtModifier.suffix(at, offsetMs);
  }
}
