package io.strata.promql.engine;

import io.strata.promql.ast.Call;
import io.strata.promql.ast.Expr;
import io.strata.promql.ast.MatrixSelector;
import io.strata.promql.ast.ParenExpr;
import io.strata.promql.ast.ValueType;
import io.strata.promql.ast.VectorSelector;
import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Function calls: dispatch, instant-vector functions, and the per-series loop of range functions. */
final class Functions {
  private Functions() {}

  /**
   * The order in which a call's arguments are evaluated (the indices; an argument not listed is not
   * evaluated): a range function's other arguments before its range vector, histogram_fraction only its
   * vector, every other call left to right.
   */
  static int[] evalOrder(Call c) {
    String name = c.function().name();
    int n = c.args().size();
    if (name.equals("histogram_fraction")) {
      return new int[] {2};
    }
    int m = matrixArg(c);
    int[] order = new int[n];
    int j = 0;
    for (int i = 0; i < n; i++) {
      if (i != m) {
        order[j++] = i;
      }
    }
    if (m >= 0) {
      order[j] = m;
    }
    return order;
  }

  /** The index of the range-vector argument, or -1. */
  static int matrixArg(Call c) {
    List<ValueType> types = c.function().argTypes();
    int m = -1;
    for (int i = 0; i < types.size() && i < c.args().size(); i++) {
      if (types.get(i) == ValueType.MATRIX) {
        m = i;
      }
    }
    return m;
  }

  /**
   * The call at evaluation time {@code t}, over its arguments evaluated in {@link #evalOrder} ({@link Double},
   * {@link String}, {@link InstantVector} or {@link RangeMatrix}; null where not evaluated): a {@link Double}
   * for {@code time}, {@code pi} and {@code scalar}, else an {@link InstantVector}.
   */
  static Object apply(Call c, Object[] args, long t) {
    String name = c.function().name();
    switch (name) {
      case "time":
        return t / 1000.0;
      case "pi":
        return Math.PI;
      case "vector": {
        InstantVector out = new InstantVector(1);
        out.add(Labels.EMPTY, (Double) args[0], t);
        return out;
      }
      case "scalar": {
        InstantVector in = (InstantVector) args[0];
        return in.size == 1 ? in.values[0] : Double.NaN;
      }
      default:
        break;
    }
    int matrixArg = matrixArg(c);
    InstantVector out;
    if (matrixArg >= 0) {
      out = rangeFunction(c, args, matrixArg, t);
    } else {
      out = instantFunction(c, args, t);
    }
    if (!name.equals("sort") && !name.equals("sort_desc")) {
      LabelSets.checkUnique(out);
    }
    return out;
  }

  /** Whether the evaluator counts the result of {@link #apply} into the samples a step holds. */
  static boolean counted(Call c) {
    return switch (c.function().name()) {
      case "time", "pi", "vector", "scalar" -> false;
      default -> true;
    };
  }

  static Expr unwrap(Expr e) {
    while (e instanceof ParenExpr p) {
      e = p.expr();
    }
    return e;
  }

  // ---- range-vector functions -------------------------------------------------------------------------

  /** holt_winters' smoothing and trend factors, checked. */
  static void checkHoltWinters(double sf, double tf) {
    if (sf <= 0 || sf >= 1) {
      throw new QueryExecutionException("invalid smoothing factor. Expected: 0 < sf < 1, got: " + String.format("%f", sf));
    }
    if (tf <= 0 || tf >= 1) {
      throw new QueryExecutionException("invalid trend factor. Expected: 0 < tf < 1, got: " + String.format("%f", tf));
    }
  }

  private static InstantVector rangeFunction(Call c, Object[] args, int matrixArg, long t) {
    String name = c.function().name();
    double[] scalars = new double[args.length];
    for (int i = 0; i < args.length; i++) {
      if (i != matrixArg) {
        scalars[i] = (Double) args[i];
      }
    }
    RangeMatrix m = (RangeMatrix) args[matrixArg];
    if (name.equals("absent_over_time")) {
      InstantVector out = new InstantVector(1);
      if (m.series.isEmpty()) {
        out.add(absentLabels(unwrap(c.args().get(0))), 1, t);
      }
      return out;
    }
    if (name.equals("holt_winters")) {
      checkHoltWinters(scalars[1], scalars[2]);
    }
    int minPoints = RangeFunctions.minPoints(name);
    boolean keepName = name.equals("last_over_time");
    InstantVector out = new InstantVector(m.series.size());
    double[] scratch = null;
    for (RangeSeries s : m.series) {
      if (s.count() < minPoints) {
        continue;
      }
      double v = switch (name) {
        case "rate" -> RangeFunctions.extrapolatedRate(s.t, s.v, s.from, s.to, m.start, m.end, m.rangeMs, true, true);
        case "increase" -> RangeFunctions.extrapolatedRate(s.t, s.v, s.from, s.to, m.start, m.end, m.rangeMs, true, false);
        case "delta" -> RangeFunctions.extrapolatedRate(s.t, s.v, s.from, s.to, m.start, m.end, m.rangeMs, false, false);
        case "irate" -> RangeFunctions.instantValue(s.t, s.v, s.from, s.to, true);
        case "idelta" -> RangeFunctions.instantValue(s.t, s.v, s.from, s.to, false);
        case "avg_over_time" -> RangeFunctions.avg(s.v, s.from, s.to);
        case "sum_over_time" -> RangeFunctions.kahanSum(s.v, s.from, s.to);
        case "count_over_time" -> s.count();
        case "min_over_time" -> RangeFunctions.min(s.v, s.from, s.to);
        case "max_over_time" -> RangeFunctions.max(s.v, s.from, s.to);
        case "stdvar_over_time" -> RangeFunctions.variance(s.v, s.from, s.to);
        case "stddev_over_time" -> Math.sqrt(RangeFunctions.variance(s.v, s.from, s.to));
        case "last_over_time" -> s.v[s.to - 1];
        case "present_over_time" -> 1;
        case "quantile_over_time" -> {
          if (scratch == null || scratch.length < s.count()) {
            scratch = new double[s.count()];
          }
          System.arraycopy(s.v, s.from, scratch, 0, s.count());
          yield Quantiles.quantile(scalars[0], scratch, s.count());
        }
        case "changes" -> RangeFunctions.changes(s.v, s.from, s.to);
        case "resets" -> RangeFunctions.resets(s.v, s.from, s.to);
        case "deriv" -> RangeFunctions.linearRegression(s.t, s.v, s.from, s.to, s.t[s.from])[0];
        case "predict_linear" -> {
          double[] r = RangeFunctions.linearRegression(s.t, s.v, s.from, s.to, t);
          yield r[0] * scalars[1] + r[1];
        }
        case "holt_winters" -> RangeFunctions.holtWinters(s.v, s.from, s.to, scalars[1], scalars[2]);
        default -> throw new IllegalStateException("BUG: no range function " + name);
      };
      out.add(keepName ? s.labels : LabelSets.dropName(s.labels), v, t);
    }
    return out;
  }

  /** Labels of absent()'s result: the equality matchers that occur once, except the metric name. */
  static Labels absentLabels(Expr arg) {
    List<LabelMatcher> matchers;
    if (arg instanceof VectorSelector vs) {
      matchers = vs.matchers();
    } else if (arg instanceof MatrixSelector ms) {
      matchers = ms.selector().matchers();
    } else {
      return Labels.EMPTY;
    }
    Map<String, String> m = new TreeMap<>();
    List<String> drop = new ArrayList<>();
    for (LabelMatcher lm : matchers) {
      if (lm.name().equals(Labels.METRIC_NAME)) {
        continue;
      }
      if (lm.type() == LabelMatcher.Type.EQ && !m.containsKey(lm.name())) {
        m.put(lm.name(), lm.value());
      } else {
        drop.add(lm.name());
      }
    }
    for (String d : drop) {
      m.remove(d);
    }
    return Labels.fromMap(m);
  }

  // ---- instant-vector functions -----------------------------------------------------------------------

  private static InstantVector instantFunction(Call c, Object[] args, long t) {
    String name = c.function().name();
    switch (name) {
      case "absent": {
        InstantVector in = (InstantVector) args[0];
        InstantVector out = new InstantVector(1);
        if (in.size == 0) {
          out.add(absentLabels(unwrap(c.args().get(0))), 1, t);
        }
        return out;
      }
      case "label_replace":
        return LabelFunctions.relabel((InstantVector) args[0], LabelFunctions.replacer(args), t);
      case "label_join":
        return LabelFunctions.relabel((InstantVector) args[0], LabelFunctions.joiner(args), t);
      case "sort", "sort_desc":
        return sort((InstantVector) args[0], name.equals("sort_desc"));
      case "histogram_quantile":
        return histogramQuantile((Double) args[0], (InstantVector) args[1], t);
      case "histogram_count", "histogram_sum", "histogram_fraction":
        // native histograms only: float samples produce nothing
        return new InstantVector(0);
      default: {
        if (args.length == 0) {
          // the date functions without argument: of vector(time())
          InstantVector out = new InstantVector(1);
          out.add(Labels.EMPTY, datePart(name, Math.floorDiv(t, 1000)), t);
          return out;
        }
        InstantVector in = (InstantVector) args[0];
        ElementWise f = elementWise(c, args);
        InstantVector out = new InstantVector(in.size);
        if (f == null) {
          return out;
        }
        for (int i = 0; i < in.size; i++) {
          out.add(LabelSets.dropName(in.labels[i]), f.apply(in.values[i], in.times[i], t), t);
        }
        return out;
      }
    }
  }

  /** An instant function applied to each element on its own: value, sample time, evaluation time to value. */
  interface ElementWise {
    double apply(double x, long sampleTime, long t);
  }

  /**
   * The element-wise functions (math, date parts of a vector, timestamp, clamp*, round) with their scalar
   * arguments at one evaluation time; null when the result is empty (clamp with max below min); drop the
   * metric name. Not for the other instant functions.
   */
  static ElementWise elementWise(Call c, Object[] args) {
    String name = c.function().name();
    switch (name) {
      case "day_of_month", "day_of_week", "day_of_year", "days_in_month", "hour", "minute", "month", "year":
        return (x, st, t) -> datePart(name, (long) x);
      case "timestamp": {
        boolean fromSelector = unwrap(c.args().get(0)) instanceof VectorSelector;
        return (x, st, t) -> (fromSelector ? st : t) / 1000.0;
      }
      case "clamp": {
        double min = (Double) args[1];
        double max = (Double) args[2];
        if (max < min) {
          return null;
        }
        return (x, st, t) -> Math.max(min, Math.min(max, x));
      }
      case "clamp_min": {
        double bound = (Double) args[1];
        return (x, st, t) -> Math.max(x, bound);
      }
      case "clamp_max": {
        double bound = (Double) args[1];
        return (x, st, t) -> Math.min(x, bound);
      }
      case "round": {
        double toNearest = args.length > 1 ? (Double) args[1] : 1;
        double inverse = 1.0 / toNearest;
        return (x, st, t) -> Math.floor(x * inverse + 0.5) / inverse;
      }
      default:
        return (x, st, t) -> math(name, x);
    }
  }

  /** Whether {@link #elementWise} computes {@code c} (with a vector argument). */
  static boolean isElementWise(Call c) {
    return switch (c.function().name()) {
      case "day_of_month", "day_of_week", "day_of_year", "days_in_month", "hour", "minute", "month", "year" -> !c.args().isEmpty();
      case "timestamp", "clamp", "clamp_min", "clamp_max", "round", "abs", "ceil", "floor", "exp", "sqrt", "ln", "log2",
          "log10", "sgn", "deg", "rad", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh",
          "acosh", "atanh" -> true;
      default -> false;
    };
  }

  static double math(String name, double x) {
    return switch (name) {
      case "abs" -> Math.abs(x);
      case "ceil" -> Math.ceil(x);
      case "floor" -> Math.floor(x);
      case "exp" -> Math.exp(x);
      case "sqrt" -> Math.sqrt(x);
      case "ln" -> Math.log(x);
      case "log2" -> GoMath.log2(x);
      case "log10" -> Math.log10(x);
      case "sgn" -> x < 0 ? -1 : x > 0 ? 1 : x;
      case "deg" -> x * 180 / Math.PI;
      case "rad" -> x * Math.PI / 180;
      case "sin" -> Math.sin(x);
      case "cos" -> Math.cos(x);
      case "tan" -> Math.tan(x);
      case "asin" -> Math.asin(x);
      case "acos" -> Math.acos(x);
      case "atan" -> Math.atan(x);
      case "sinh" -> Math.sinh(x);
      case "cosh" -> Math.cosh(x);
      case "tanh" -> Math.tanh(x);
      case "asinh" -> Double.isInfinite(x) ? x : (x == 0 ? x : Math.copySign(Math.log(Math.abs(x) + Math.sqrt(x * x + 1)), x));
      case "acosh" -> x < 1 ? Double.NaN : x == 1 ? 0 : Math.log(x + Math.sqrt(x * x - 1));
      case "atanh" -> x < -1 || x > 1 ? Double.NaN : x == 1 ? Double.POSITIVE_INFINITY : x == -1
          ? Double.NEGATIVE_INFINITY : x == 0 ? x : 0.5 * Math.log((1 + x) / (1 - x));
      default -> throw new IllegalStateException("BUG: no math function " + name);
    };
  }

  private static double datePart(String name, long epochSeconds) {
    ZonedDateTime d = Instant.ofEpochSecond(epochSeconds).atZone(ZoneOffset.UTC);
    return switch (name) {
      case "day_of_month" -> d.getDayOfMonth();
      case "day_of_week" -> d.getDayOfWeek().getValue() % 7;
      case "day_of_year" -> d.getDayOfYear();
      case "days_in_month" -> d.toLocalDate().lengthOfMonth();
      case "hour" -> d.getHour();
      case "minute" -> d.getMinute();
      case "month" -> d.getMonthValue();
      case "year" -> d.getYear();
      default -> throw new IllegalStateException("BUG: no date function " + name);
    };
  }

  /** sort (ascending) and sort_desc; NaN goes last in both, as in Prometheus. */
  private static InstantVector sort(InstantVector in, boolean desc) {
    Integer[] idx = new Integer[in.size];
    for (int i = 0; i < in.size; i++) {
      idx[i] = i;
    }
    Comparator<Integer> cmp = (x, y) -> {
      double a = in.values[x];
      double b = in.values[y];
      boolean an = Double.isNaN(a);
      boolean bn = Double.isNaN(b);
      if (an || bn) {
        return Boolean.compare(an, bn);
      }
      return desc ? Double.compare(b, a) : Double.compare(a, b);
    };
    Arrays.sort(idx, cmp);
    InstantVector out = new InstantVector(in.size);
    for (int i : idx) {
      out.add(in.labels[i], in.values[i], in.times[i]);
    }
    return out;
  }

  private static InstantVector histogramQuantile(double q, InstantVector in, long t) {
    Map<Labels, double[][]> groups = new LinkedHashMap<>();
    Map<Labels, int[]> sizes = new LinkedHashMap<>();
    for (int i = 0; i < in.size; i++) {
      Double upper = GoMath.parseFloat(in.labels[i].get("le"));
      if (upper == null) {
        continue;
      }
      Labels key = in.labels[i].without("le");
      double[][] g = groups.get(key);
      int[] n = sizes.get(key);
      if (g == null) {
        g = new double[][] {new double[4], new double[4]};
        n = new int[1];
        groups.put(key, g);
        sizes.put(key, n);
      }
      if (n[0] == g[0].length) {
        g[0] = Arrays.copyOf(g[0], n[0] * 2);
        g[1] = Arrays.copyOf(g[1], n[0] * 2);
      }
      g[0][n[0]] = upper;
      g[1][n[0]] = in.values[i];
      n[0]++;
    }
    InstantVector out = new InstantVector(groups.size());
    for (Map.Entry<Labels, double[][]> e : groups.entrySet()) {
      double[][] g = e.getValue();
      int n = sizes.get(e.getKey())[0];
      out.add(LabelSets.dropName(e.getKey()), Quantiles.bucketQuantile(q, g[0], g[1], n), t);
    }
    return out;
  }
}
