package io.strata.promql.engine;

import java.util.List;

/** A range vector result; range queries return their series sorted by labels. */
public record Matrix(List<Series> series) implements Value {
  public Matrix {
    series = List.copyOf(series);
  }

  @Override
  public String resultType() {
    return "matrix";
  }
}
