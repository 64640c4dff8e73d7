package io.strata.promql.storage;

import java.util.Objects;

/**
 * What the engine is about to read with one selector, so a store can prune and choose a resolution.
 *
 * @param startMs first timestamp the engine needs (inclusive; lookback, range and offset already applied)
 * @param endMs last timestamp the engine needs (inclusive)
 * @param stepMs the query's resolution step; 0 for instant queries
 * @param function the enclosing function name (e.g. {@code rate}, {@code max_over_time}), "" when none
 * @param rangeMs the range of a range selector ({@code [5m]}), 0 for an instant selector
 */
public record SelectHints(long startMs, long endMs, long stepMs, String function, long rangeMs) {
  public SelectHints {
    Objects.requireNonNull(function, "function");
    if (endMs < startMs) {
      throw new IllegalArgumentException("select hints: endMs " + endMs + " is before startMs " + startMs);
    }
    if (stepMs < 0 || rangeMs < 0) {
      throw new IllegalArgumentException("select hints: stepMs and rangeMs must be >= 0, got " + stepMs + " and " + rangeMs);
    }
  }
}
