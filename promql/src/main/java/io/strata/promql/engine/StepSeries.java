package io.strata.promql.engine;

import io.strata.schemas.model.Labels;
import java.util.Arrays;

/**
 * One series of a {@link StepVector}: the steps (indices into the range query's steps, increasing) at which
 * it has a value, the values, and for selector outputs the timestamp of the sample behind each value
 * ({@code timestamp()} reads it). Sparse, so a series present at a few steps of a long range costs little.
 */
final class StepSeries {
  final Labels labels;
  int[] steps;
  double[] values;
  /** Sample timestamps, only for series straight out of a selector; else null. */
  long[] sampleTimes;
  int n;

  StepSeries(Labels labels, int capacity, boolean withSampleTimes) {
    this.labels = labels;
    int c = Math.max(capacity, 1);
    steps = new int[c];
    values = new double[c];
    sampleTimes = withSampleTimes ? new long[c] : null;
  }

  void add(int step, double v) {
    if (n == steps.length) {
      grow();
    }
    steps[n] = step;
    values[n] = v;
    n++;
  }

  void add(int step, double v, long sampleTime) {
    if (n == steps.length) {
      grow();
    }
    steps[n] = step;
    values[n] = v;
    sampleTimes[n] = sampleTime;
    n++;
  }

  private void grow() {
    int c = steps.length * 2;
    steps = Arrays.copyOf(steps, c);
    values = Arrays.copyOf(values, c);
    if (sampleTimes != null) {
      sampleTimes = Arrays.copyOf(sampleTimes, c);
    }
  }

  /** Position of {@code step} in {@link #steps}, or -1 when the series has no value there. */
  int indexOf(int step) {
    int i = Arrays.binarySearch(steps, 0, n, step);
    return i < 0 ? -1 : i;
  }
}
