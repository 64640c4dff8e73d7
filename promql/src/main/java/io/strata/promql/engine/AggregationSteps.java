package io.strata.promql.engine;

import io.strata.promql.ast.AggregateExpr;
import io.strata.promql.ast.AggregateOp;
import io.strata.schemas.model.Labels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

  /** {@code a} over its evaluated input {@code in}, which lists its series in the same order at every step. */
  static StepVector eval(RangeEvaluator re, AggregateExpr a, StepVector in) {
    QueryContext ev = re.ev;
    AggregateOp op = a.op();
    int steps = re.steps;
    List<StepSeries> inputs = in.series;
    int size = inputs.size();
    // the group of each input series, once
    int[] groupOf = new int[size];
    List<Labels> groupLabels = group(inputs, a, groupOf);
    int groupCount = groupLabels.size();
    // sized for every step when that is small (no regrowth), else grown as values come
    int capacity = (long) groupCount * steps <= BLOCK_CELLS ? steps : Math.min(steps, 64);
    List<StepSeries> groups = new ArrayList<>(groupCount);
    for (Labels gl : groupLabels) {
      groups.add(new StepSeries(gl, capacity, false));
    }
    long[] load = in.load.clone();
    // Series-major over blocks of steps: each series' points are read in one pass per block (the step-major
    // order read one point of every series per step, a cache miss each), while each (group, step) cell
    // still folds its series in input order, so every value is the same as step by step.
    int block = (int) Math.max(1, Math.min(steps, BLOCK_CELLS / Math.max(1, groupCount)));
    double[] value = new double[groupCount * block];
    // only avg, stddev and stdvar read the running mean
    double[] mean = op == AggregateOp.AVG || op == AggregateOp.STDDEV || op == AggregateOp.STDVAR
        ? new double[groupCount * block] : null;
    long[] count = new long[groupCount * block];
    // sum, min and max only need to know whether a cell has its first value: once a series with a value at
    // every step of the block has been folded, every cell of its group has one ("started") and later series
    // fold without the check; count then stays 1 (these operations read it only as "has a value")
    boolean[] started = new boolean[groupCount];
    int[] pos = new int[size];
    // the steps of a series present at every step are 0, 1, 2, ...: read this shared copy instead of each
    // series' own (one small array that stays in cache instead of one per series)
    int[] everyStep = new int[steps];
    for (int k = 0; k < steps; k++) {
      everyStep[k] = k;
    }
    for (int k0 = 0; k0 < steps; k0 += block) {
      ev.checkTimeout();
      int k1 = Math.min(steps, k0 + block);
      java.util.Arrays.fill(count, 0L);
      java.util.Arrays.fill(started, false);
      for (int i = 0; i < size; i++) {
        StepSeries s = inputs.get(i);
        int[] sSteps = s.n == steps ? everyStep : s.steps;
        int g = groupOf[i];
        int base = g * block - k0;
        int from = pos[i];
        int to = k1 == steps ? s.n : lowerBound(sSteps, from, s.n, k1);
        pos[i] = to;
        double[] sValues = s.values;
        boolean dense = to - from == k1 - k0;
        // the common operations get loops of their own (no dispatch per value); same arithmetic as fold
        switch (op) {
          case SUM -> {
            if (!started[g]) {
              sumFirst(value, count, base, sSteps, sValues, from, to);
            } else if (dense) {
              // step k0 + j is point from + j, cell g * block + j
              int d = g * block - from;
              for (int p = from; p < to; p++) {
                value[d + p] += sValues[p];
              }
            } else {
              for (int p = from; p < to; p++) {
                value[base + sSteps[p]] += sValues[p];
              }
            }
          }
          case MAX, MIN -> {
            boolean max = op == AggregateOp.MAX;
            if (!started[g]) {
              extremeFirst(max, value, count, base, sSteps, sValues, from, to);
            } else if (max) {
              for (int p = from; p < to; p++) {
                int c = base + sSteps[p];
                double v = sValues[p];
                if (value[c] < v || Double.isNaN(value[c])) {
                  value[c] = v;
                }
              }
            } else {
              for (int p = from; p < to; p++) {
                int c = base + sSteps[p];
                double v = sValues[p];
                if (value[c] > v || Double.isNaN(value[c])) {
                  value[c] = v;
                }
              }
            }
          }
          default -> {
            for (int p = from; p < to; p++) {
              fold(op, value, mean, count, base + sSteps[p], sValues[p]);
            }
          }
        }
        if (dense) {
          started[g] = true;
        }
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

  /** sum over cells that may not have their first value yet (as {@link #fold}, count kept at 1). */
  private static void sumFirst(double[] value, long[] count, int base, int[] sSteps, double[] sValues, int from, int to) {
    for (int p = from; p < to; p++) {
      int c = base + sSteps[p];
      if (count[c] == 0) {
        value[c] = sValues[p];
        count[c] = 1;
      } else {
        value[c] += sValues[p];
      }
    }
  }

  /** max or min over cells that may not have their first value yet (as {@link #fold}, count kept at 1). */
  private static void extremeFirst(boolean max, double[] value, long[] count, int base, int[] sSteps, double[] sValues,
      int from, int to) {
    for (int p = from; p < to; p++) {
      int c = base + sSteps[p];
      double v = sValues[p];
      if (count[c] == 0) {
        value[c] = v;
        count[c] = 1;
      } else if (max ? value[c] < v || Double.isNaN(value[c]) : value[c] > v || Double.isNaN(value[c])) {
        value[c] = v;
      }
    }
  }

  /** The first index in {@code a[from..to)} (increasing) whose value is >= {@code key}. */
  private static int lowerBound(int[] a, int from, int to, int key) {
    int lo = from;
    int hi = to;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] < key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * Sets each input's group in {@code groupOf} and returns the groups' labels, in order of first input.
   * Inputs are told apart by the label pairs the grouping keeps, looked up without building their label
   * set; a group's labels are built once, from its first input, as {@link LabelSets} builds them.
   */
  static List<Labels> group(List<StepSeries> inputs, AggregateExpr a, int[] groupOf) {
    boolean without = a.without();
    List<String> grouping = a.grouping();
    Set<String> names = grouping.size() > 4 ? new HashSet<>(grouping) : null;
    Map<GroupKey, Integer> index = new HashMap<>();
    List<Labels> groups = new ArrayList<>();
    String[] scratch = new String[16];
    for (int i = 0; i < inputs.size(); i++) {
      Labels l = inputs.get(i).labels;
      int m = l.size();
      if (scratch.length < 2 * m) {
        scratch = new String[2 * m];
      }
      int len = 0;
      for (int j = 0; j < m; j++) {
        String n = l.name(j);
        boolean listed = names != null ? names.contains(n) : grouping.contains(n);
        if (without ? !(listed || n.equals(Labels.METRIC_NAME)) : listed) {
          scratch[len++] = n;
          scratch[len++] = l.value(j);
        }
      }
      GroupKey key = new GroupKey(java.util.Arrays.copyOf(scratch, len));
      Integer g = index.get(key);
      if (g == null) {
        g = groups.size();
        index.put(key, g);
        groups.add(without ? LabelSets.remove(l, grouping, true) : LabelSets.keep(l, grouping));
      }
      groupOf[i] = g;
    }
    return groups;
  }

  /** The (name, value) pairs of a group's labels, in label order: equal exactly when the labels are. */
  private static final class GroupKey {
    final String[] pairs;
    final int hash;

    GroupKey(String[] pairs) {
      this.pairs = pairs;
      this.hash = java.util.Arrays.hashCode(pairs);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof GroupKey k && hash == k.hash && java.util.Arrays.equals(pairs, k.pairs);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /**
   * Folds one value into cell {@code c}: the first value of a cell starts it, as at a new step. {@code mean}
   * is null for the operations that do not read it.
   */
  private static void fold(AggregateOp op, double[] value, double[] mean, long[] count, int c, double v) {
    if (count[c] == 0) {
      value[c] = op == AggregateOp.STDDEV || op == AggregateOp.STDVAR ? 0 : v;
      if (mean != null) {
        mean[c] = v;
      }
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
