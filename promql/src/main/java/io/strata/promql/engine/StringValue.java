package io.strata.promql.engine;

/** A string result at evaluation time {@code timestampMs}. */
public record StringValue(long timestampMs, String value) implements Value {
  @Override
  public String resultType() {
    return "string";
  }
}
