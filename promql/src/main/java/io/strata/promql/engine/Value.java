package io.strata.promql.engine;

/** A query result: {@link Scalar}, {@link StringValue}, {@link Vector} or {@link Matrix}. */
public sealed interface Value permits Scalar, StringValue, Vector, Matrix {
  /** The API's {@code resultType}: scalar, string, vector or matrix. */
  String resultType();
}
