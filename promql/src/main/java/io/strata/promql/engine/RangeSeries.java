package io.strata.promql.engine;

import io.strata.schemas.model.Labels;

/**
 * A view of one series' points in a range window: indices {@code [from, to)} of shared arrays, stale
 * markers already removed.
 */
final class RangeSeries {
  final Labels labels;
  final long[] t;
  final double[] v;
  final int from;
  final int to;
  RangeSeries(Labels labels, long[] t, double[] v, int from, int to) {
    this.labels = labels;
    this.t = t;
    this.v = v;
    this.from = from;
    this.to = to;
  }

  int count() {
    return to - from;
  }
}
