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
    double[] value = new double[groupCount];
    double[] mean = new double[groupCount];
    long[] count = new long[groupCount];
    int[] seenAt = new int[groupCount];
    java.util.Arrays.fill(seenAt, -1);
    int[] pos = new int[size];
    long[] load = in.load.clone();
    for (int k = 0; k < steps; k++) {
      if ((k & 63) == 0) {
        ev.checkTimeout();
      }
      for (int i = 0; i < size; i++) {
        StepSeries s = inputs.get(i);
        int p = pos[i];
        if (p >= s.n || s.steps[p] != k) {
          continue;
        }
        pos[i] = p + 1;
        double v = s.values[p];
        int g = groupOf[i];
        if (seenAt[g] != k) {
          seenAt[g] = k;
          value[g] = op == AggregateOp.STDDEV || op == AggregateOp.STDVAR ? 0 : v;
          mean[g] = v;
          count[g] = 1;
          continue;
        }
        switch (op) {
          case SUM -> value[g] += v;
          case AVG -> {
            count[g]++;
            double m = mean[g];
            if (Double.isInfinite(m)) {
              if (Double.isInfinite(v) && (m > 0) == (v > 0)) {
                break;
              }
              if (!Double.isInfinite(v) && !Double.isNaN(v)) {
                break;
              }
            }
            // dividing each side first avoids overflowing float64
            mean[g] = m + (v / count[g] - m / count[g]);
          }
          case GROUP -> { }
          case COUNT -> count[g]++;
          case MAX -> {
            if (value[g] < v || Double.isNaN(value[g])) {
              value[g] = v;
            }
          }
          case MIN -> {
            if (value[g] > v || Double.isNaN(value[g])) {
              value[g] = v;
            }
          }
          case STDDEV, STDVAR -> {
            count[g]++;
            double delta = v - mean[g];
            mean[g] += delta / count[g];
            value[g] += delta * (v - mean[g]);
          }
          default -> throw new IllegalStateException("BUG: " + op + " is not aggregated here");
        }
      }
      for (int g = 0; g < groupCount; g++) {
        if (seenAt[g] != k) {
          continue;
        }
        double r = switch (op) {
          case AVG -> mean[g];
          case COUNT -> count[g];
          case GROUP -> 1;
          case STDVAR -> value[g] / count[g];
          case STDDEV -> Math.sqrt(value[g] / count[g]);
          default -> value[g];
        };
        groups.get(g).add(k, r);
        load[k]++;
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
}
