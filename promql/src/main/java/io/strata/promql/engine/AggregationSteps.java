package io.strata.promql.engine;

import io.strata.promql.ast.AggregateExpr;
import io.strata.promql.ast.AggregateOp;
import io.strata.schemas.model.Labels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * sum, avg, count, group, min, max, stddev and stdvar at every step of a range query. Each input series'
 * group is computed once (its labels do not change between steps); then each step folds the series present
 * at it, in input order, into per-group primitive state with {@link Aggregations}' arithmetic.
 */
final class AggregationSteps {
  private AggregationSteps() {}

  /** (group, step) cells of state per block of steps: 1 Mi cells, 24 MiB of arrays at most. */
  static final long BLOCK_CELLS = 1 << 20;

  static boolean handles(AggregateOp op) {
    return switch (op) {
      case SUM, AVG, COUNT, GROUP, MIN, MAX, STDDEV, STDVAR -> true;
      default -> false;
    };
  }

  static StepVector eval(RangeEvaluator re, AggregateExpr a) {
    Evaluator ev = re.ev;
    AggregateOp op = a.op();
    int steps = re.steps;
    StepVector in = re.evalVector(a.expr());
    List<StepSeries> inputs = in.series;
    int size = inputs.size();
    // the group of each input series, once
    int[] groupOf = new int[size];
    Map<Labels, Integer> index = new HashMap<>();
    List<StepSeries> groups = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      Labels l = inputs.get(i).labels;
      Labels gl = a.without() ? LabelSets.remove(l, a.grouping(), true) : LabelSets.keep(l, a.grouping());
      Integer g = index.get(gl);
      if (g == null) {
        g = groups.size();
        index.put(gl, g);
        groups.add(new StepSeries(gl, Math.min(steps, 64), false));
      }
      groupOf[i] = g;
    }
    int groupCount = groups.size();
    long[] load = in.load.clone();
    // Series-major over blocks of steps: each series' points are read in one pass per block (the step-major
    // order read one point of every series per step, a cache miss each), while each (group, step) cell
    // still folds its series in input order, so every value is the same as step by step.
    int block = (int) Math.max(1, Math.min(steps, BLOCK_CELLS / Math.max(1, groupCount)));
    double[] value = new double[groupCount * block];
    double[] mean = new double[groupCount * block];
    long[] count = new long[groupCount * block];
    int[] pos = new int[size];
    for (int k0 = 0; k0 < steps; k0 += block) {
      ev.checkTimeout();
      int k1 = Math.min(steps, k0 + block);
      java.util.Arrays.fill(count, 0L);
      for (int i = 0; i < size; i++) {
        StepSeries s = inputs.get(i);
        int[] sSteps = s.steps;
        double[] sValues = s.values;
        int base = groupOf[i] * block - k0;
        int p = pos[i];
        for (; p < s.n && sSteps[p] < k1; p++) {
          fold(op, value, mean, count, base + sSteps[p], sValues[p]);
        }
        pos[i] = p;
      }
      for (int g = 0; g < groupCount; g++) {
        StepSeries out = groups.get(g);
        for (int k = k0; k < k1; k++) {
          int c = g * block + k - k0;
          if (count[c] == 0) {
            continue;
          }
          double r = switch (op) {
            case AVG -> mean[c];
            case COUNT -> count[c];
            case GROUP -> 1;
            case STDVAR -> value[c] / count[c];
            case STDDEV -> Math.sqrt(value[c] / count[c]);
            default -> value[c];
          };
          out.add(k, r);
          load[k]++;
        }
      }
    }
    List<StepSeries> out = new ArrayList<>(groupCount);
    for (StepSeries g : groups) {
      if (g.n > 0) {
        out.add(g);
      }
    }
    return new StepVector(out, load);
  }

  /** Folds one value into cell {@code c}: the first value of a cell starts it, as at a new step. */
  private static void fold(AggregateOp op, double[] value, double[] mean, long[] count, int c, double v) {
    if (count[c] == 0) {
      value[c] = op == AggregateOp.STDDEV || op == AggregateOp.STDVAR ? 0 : v;
      mean[c] = v;
      count[c] = 1;
      return;
    }
    switch (op) {
      case SUM -> value[c] += v;
      case AVG -> {
        count[c]++;
        double m = mean[c];
        if (Double.isInfinite(m)) {
          if (Double.isInfinite(v) && (m > 0) == (v > 0)) {
            return;
          }
          if (!Double.isInfinite(v) && !Double.isNaN(v)) {
            return;
          }
        }
        // dividing each side first avoids overflowing float64
        mean[c] = m + (v / count[c] - m / count[c]);
      }
      case GROUP -> count[c]++;
      case COUNT -> count[c]++;
      case MAX -> {
        count[c]++;
        if (value[c] < v || Double.isNaN(value[c])) {
          value[c] = v;
        }
      }
      case MIN -> {
        count[c]++;
        if (value[c] > v || Double.isNaN(value[c])) {
          value[c] = v;
        }
      }
      case STDDEV, STDVAR -> {
        count[c]++;
        double delta = v - mean[c];
        mean[c] += delta / count[c];
        value[c] += delta * (v - mean[c]);
      }
      default -> throw new IllegalStateException("BUG: " + op + " is not aggregated here");
    }
  }
}
