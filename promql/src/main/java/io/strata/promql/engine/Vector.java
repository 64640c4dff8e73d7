package io.strata.promql.engine;

import java.util.List;

/** An instant vector result, in evaluation order (sorted for sort/sort_desc, as Prometheus returns it). */
public record Vector(List<Sample> samples) implements Value {
  public Vector {
    samples = List.copyOf(samples);
  }

  @Override
  public String resultType() {
    return "vector";
  }
}
