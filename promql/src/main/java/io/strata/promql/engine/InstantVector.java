package io.strata.promql.engine;

import io.strata.schemas.model.Labels;
import java.util.Arrays;

/**
 * An instant vector during evaluation: parallel arrays of labels, values and sample timestamps (the
 * latter only meaningful straight out of a selector, for {@code timestamp()}).
 */
final class InstantVector {
  Labels[] labels;
  double[] values;
  long[] times;
  int size;

  InstantVector(int capacity) {
    int c = Math.max(capacity, 1);
    labels = new Labels[c];
    values = new double[c];
    times = new long[c];
  }

  void add(Labels l, double v, long t) {
    if (size == labels.length) {
      int c = size * 2;
      labels = Arrays.copyOf(labels, c);
      values = Arrays.copyOf(values, c);
      times = Arrays.copyOf(times, c);
    }
    labels[size] = l;
    values[size] = v;
    times[size] = t;
    size++;
  }
}
