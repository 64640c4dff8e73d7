package io.strata.promql.engine;

import io.strata.schemas.model.Labels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An instant-vector expression evaluated at every step of a range query at once (see {@link RangeEvaluator}):
 * one {@link StepSeries} per distinct label set, in the order the step-by-step evaluator would list them
 * (first appearance), plus per step the samples the step-by-step evaluator would have counted for the whole
 * subtree, so {@code maxSamples} fails the same queries.
 */
final class StepVector {
  final List<StepSeries> series;
  /** Per step: samples held by this subtree's values while that step was evaluated (children included). */
  final long[] load;
  /**
   * Per step, the indices of the series with a value there in the order the step-by-step evaluation lists
   * them, when that is not {@link #series}' order at some step (a function over subquery windows, whose
   * series come in order of their first point in each window); else null. The order decides the order of
   * an aggregation's sums, so it is kept.
   */
  int[][] stepOrder;

  StepVector(List<StepSeries> series, long[] load) {
    this.series = series;
    this.load = load;
  }

  /**
   * Gives {@code out} (a result with at most one series per series of this vector, in any order) this vector's
   * per-step order, if it has one: {@code outLabels[i]} is the labels of the result of series {@code i}, null
   * when it has none.
   */
  void orderInto(StepVector out, Labels[] outLabels) {
    if (stepOrder == null) {
      return;
    }
    Map<Labels, Integer> position = new HashMap<>(out.series.size() * 2);
    for (int j = 0; j < out.series.size(); j++) {
      position.put(out.series.get(j).labels, j);
    }
    int[][] order = new int[stepOrder.length][];
    for (int k = 0; k < stepOrder.length; k++) {
      int[] o = new int[stepOrder[k].length];
      int n = 0;
      for (int i : stepOrder[k]) {
        Integer j = outLabels[i] == null ? null : position.get(outLabels[i]);
        if (j != null) {
          o[n++] = j;
        }
      }
      order[k] = n == o.length ? o : java.util.Arrays.copyOf(o, n);
    }
    out.stepOrder = order;
  }

  /** Values per step, counted over all series. */
  int[] countsPerStep(int steps) {
    long[] c = new long[steps];
    addCountsTo(c);
    int[] out = new int[steps];
    for (int k = 0; k < steps; k++) {
      out[k] = (int) c[k];
    }
    return out;
  }

  /**
   * Adds this vector's own values per step to {@code load} (one slot per step of the query). A series with a
   * value at every step (the usual case) is counted once and added to all steps at the end.
   */
  void addCountsTo(long[] load) {
    long dense = 0;
    for (StepSeries s : series) {
      if (s.n == load.length) {
        dense++; // steps are increasing indices below load.length: n of them is all of them
        continue;
      }
      for (int i = 0; i < s.n; i++) {
        load[s.steps[i]]++;
      }
    }
    if (dense > 0) {
      for (int k = 0; k < load.length; k++) {
        load[k] += dense;
      }
    }
  }

  /**
   * Series whose label sets are unique: series sharing a label set (e.g. two metrics once their names are
   * dropped) become one when they never have a value at the same step; when they do, that step's vector
   * would hold the label set twice, which is Prometheus's "vector cannot contain metrics with the same
   * labelset". The first series' position is kept.
   */
  static List<StepSeries> unique(List<StepSeries> in) {
    if (in.size() < 2) {
      return in;
    }
    Map<Labels, Integer> first = new HashMap<>(in.size() * 2);
    boolean dup = false;
    for (int i = 0; i < in.size(); i++) {
      if (first.putIfAbsent(in.get(i).labels, i) != null) {
        dup = true;
      }
    }
    if (!dup) {
      return in;
    }
    List<StepSeries> out = new ArrayList<>(first.size());
    Map<Labels, Integer> position = new HashMap<>(first.size() * 2);
    for (StepSeries s : in) {
      Integer at = position.get(s.labels);
      if (at == null) {
        position.put(s.labels, out.size());
        out.add(s);
      } else {
        out.set(at, merge(out.get(at), s));
      }
    }
    return out;
  }

  private static StepSeries merge(StepSeries a, StepSeries b) {
    boolean times = a.sampleTimes != null && b.sampleTimes != null;
    StepSeries out = new StepSeries(a.labels, a.n + b.n, times);
    int i = 0;
    int j = 0;
    while (i < a.n || j < b.n) {
      if (i < a.n && j < b.n && a.steps[i] == b.steps[j]) {
        throw new QueryExecutionException("vector cannot contain metrics with the same labelset");
      }
      boolean takeA = j >= b.n || (i < a.n && a.steps[i] < b.steps[j]);
      StepSeries src = takeA ? a : b;
      int k = takeA ? i++ : j++;
      if (times) {
        out.add(src.steps[k], src.values[k], src.sampleTimes[k]);
      } else {
        out.add(src.steps[k], src.values[k]);
      }
    }
    return out;
  }
}
