package io.strata.promql.engine;

/** A scalar result at evaluation time {@code timestampMs}. */
public record Scalar(long timestampMs, double value) implements Value {
  @Override
  public String resultType() {
    return "scalar";
  }
}
