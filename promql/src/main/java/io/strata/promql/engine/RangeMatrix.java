package io.strata.promql.engine;

import java.util.List;

/**
 * A range vector during evaluation: the series windows plus the window bounds {@code [start, end]}
 * (inclusive, Prometheus 2.x) and the written range, which rate() and friends need for extrapolation.
 */
final class RangeMatrix {
  final List<RangeSeries> series;
  final long start;
  final long end;
  final long rangeMs;

  RangeMatrix(List<RangeSeries> series, long start, long end, long rangeMs) {
    this.series = series;
    this.start = start;
    this.end = end;
    this.rangeMs = rangeMs;
  }
}
