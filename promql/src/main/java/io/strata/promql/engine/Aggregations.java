package io.strata.promql.engine;

import io.strata.promql.ast.AggregateExpr;
import io.strata.promql.ast.AggregateOp;
import io.strata.promql.ast.GoFormat;
import io.strata.schemas.model.Labels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Aggregation operators, with Prometheus 2.x's arithmetic (incremental mean and variance). */
final class Aggregations {
  private Aggregations() {}

  /** Running state of one output group. */
  private static final class Group {
    final Labels labels;
    double value;
    double mean;
    long count;
    /** Indices into the input vector, for topk/bottomk/quantile. */
    int[] members = new int[4];
    int memberCount;

    Group(Labels labels) {
      this.labels = labels;
    }

    void addMember(int i) {
      if (memberCount == members.length) {
        members = Arrays.copyOf(members, memberCount * 2);
      }
      members[memberCount++] = i;
    }
  }

  /** count_values' label name (its parameter), checked. */
  static String valueLabel(String param) {
    if (!Labels.isValidName(param)) {
      throw new QueryExecutionException("invalid label name " + GoFormat.quote(param));
    }
    return param;
  }

  /** topk/bottomk's k from the parameter, checked; below 1 the result is empty (the input is not evaluated). */
  static long k(double paramValue) {
    if (Double.isNaN(paramValue) || paramValue >= 9.223372036854776E18 || paramValue <= -9.223372036854776E18) {
      throw new QueryExecutionException("Scalar value " + GoFormat.number(paramValue) + " overflows int64");
    }
    return (long) paramValue;
  }

  /**
   * The aggregation of {@code in} at one evaluation time: {@code paramValue} is the scalar parameter (NaN
   * without one), {@code valueLabel} count_values' label (else null), {@code k} topk/bottomk's (checked by
   * {@link #k}, at least 1).
   */
  static InstantVector apply(AggregateExpr a, double paramValue, String valueLabel, long k, InstantVector in, long t) {
    AggregateOp op = a.op();
    List<String> grouping = a.grouping();
    if (valueLabel != null && !a.without()) {
      grouping = new ArrayList<>(grouping);
      grouping.add(valueLabel);
    }
    Labels[] sampleLabels = in.labels;
    if (valueLabel != null) {
      sampleLabels = new Labels[in.size];
      for (int i = 0; i < in.size; i++) {
        sampleLabels[i] = in.labels[i].with(valueLabel, GoFormat.plain(in.values[i]));
      }
    }
    Map<Labels, Group> groups = new LinkedHashMap<>();
    for (int i = 0; i < in.size; i++) {
      Labels gl = a.without()
          ? LabelSets.remove(sampleLabels[i], grouping, true)
          : LabelSets.keep(sampleLabels[i], grouping);
      double v = in.values[i];
      Group g = groups.get(gl);
      if (g == null) {
        g = new Group(gl);
        groups.put(gl, g);
        g.value = v;
        g.mean = v;
        g.count = 1;
        if (op == AggregateOp.STDDEV || op == AggregateOp.STDVAR) {
          g.value = 0;
        }
        g.addMember(i);
        continue;
      }
      switch (op) {
        case SUM -> g.value += v;
        case AVG -> {
          g.count++;
          if (Double.isInfinite(g.mean)) {
            if (Double.isInfinite(v) && (g.mean > 0) == (v > 0)) {
              break;
            }
            if (!Double.isInfinite(v) && !Double.isNaN(v)) {
              break;
            }
          }
          // dividing each side first avoids overflowing float64
          g.mean += v / g.count - g.mean / g.count;
        }
        case GROUP -> { }
        case COUNT, COUNT_VALUES -> g.count++;
        case MAX -> {
          if (g.value < v || Double.isNaN(g.value)) {
            g.value = v;
          }
        }
        case MIN -> {
          if (g.value > v || Double.isNaN(g.value)) {
            g.value = v;
          }
        }
        case STDDEV, STDVAR -> {
          g.count++;
          double delta = v - g.mean;
          g.mean += delta / g.count;
          g.value += delta * (v - g.mean);
        }
        case TOPK, BOTTOMK, QUANTILE -> g.addMember(i);
      }
    }
    InstantVector out = new InstantVector(groups.size());
    for (Group g : groups.values()) {
      switch (op) {
        case AVG -> out.add(g.labels, g.mean, t);
        case COUNT, COUNT_VALUES -> out.add(g.labels, g.count, t);
        case GROUP -> out.add(g.labels, 1, t);
        case STDVAR -> out.add(g.labels, g.value / g.count, t);
        case STDDEV -> out.add(g.labels, Math.sqrt(g.value / g.count), t);
        case QUANTILE -> {
          double[] vals = new double[g.memberCount];
          for (int j = 0; j < g.memberCount; j++) {
            vals[j] = in.values[g.members[j]];
          }
          out.add(g.labels, Quantiles.quantile(paramValue, vals, vals.length), t);
        }
        case TOPK, BOTTOMK -> selectK(in, g, k, op == AggregateOp.TOPK, out, t);
        default -> out.add(g.labels, g.value, t);
      }
    }
    return out;
  }

  /** The k largest (topk) or smallest (bottomk) members, in that order, NaN last; original labels. */
  private static void selectK(InstantVector in, Group g, long k, boolean top, InstantVector out, long t) {
    Integer[] idx = new Integer[g.memberCount];
    for (int j = 0; j < g.memberCount; j++) {
      idx[j] = g.members[j];
    }
    Arrays.sort(idx, (x, y) -> {
      double a = in.values[x];
      double b = in.values[y];
      boolean an = Double.isNaN(a);
      boolean bn = Double.isNaN(b);
      if (an || bn) {
        return Boolean.compare(an, bn);
      }
      return top ? Double.compare(b, a) : Double.compare(a, b);
    });
    long n = Math.min(k, idx.length);
    for (int j = 0; j < n; j++) {
      out.add(in.labels[idx[j]], in.values[idx[j]], t);
    }
  }
}
