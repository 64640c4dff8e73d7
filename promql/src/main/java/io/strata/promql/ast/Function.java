package io.strata.promql.ast;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A PromQL function signature. {@code variadic} follows Prometheus: 0 = exactly the listed arguments;
 * n &gt; 0 = the last listed argument is optional and may repeat up to n times; -1 = unlimited repeats.
 */
public record Function(String name, List<ValueType> argTypes, int variadic, ValueType returnType) {
  public Function {
    argTypes = List.copyOf(argTypes);
  }

  private static final Map<String, Function> ALL = new LinkedHashMap<>();

  private static void def(String name, ValueType ret, int variadic, ValueType... args) {
    ALL.put(name, new Function(name, List.of(args), variadic, ret));
  }

  static {
    ValueType s = ValueType.SCALAR;
    ValueType v = ValueType.VECTOR;
    ValueType m = ValueType.MATRIX;
    ValueType str = ValueType.STRING;
    for (String f : List.of("abs", "ceil", "floor", "exp", "sqrt", "ln", "log2", "log10", "sgn", "deg", "rad",
        "acos", "acosh", "asin", "asinh", "atan", "atanh", "cos", "cosh", "sin", "sinh", "tan", "tanh",
        "absent", "sort", "sort_desc", "timestamp", "histogram_count", "histogram_sum")) {
      def(f, v, 0, v);
    }
    for (String f : List.of("avg_over_time", "count_over_time", "max_over_time", "min_over_time", "sum_over_time",
        "stddev_over_time", "stdvar_over_time", "last_over_time", "present_over_time", "absent_over_time", "changes",
        "resets", "delta", "deriv", "idelta", "increase", "irate", "rate")) {
      def(f, v, 0, m);
    }
    for (String f : List.of("day_of_month", "day_of_week", "day_of_year", "days_in_month", "hour", "minute", "month",
        "year")) {
      def(f, v, 1, v);
    }
    def("clamp", v, 0, v, s, s);
    def("clamp_max", v, 0, v, s);
    def("clamp_min", v, 0, v, s);
    def("round", v, 1, v, s);
    def("holt_winters", v, 0, m, s, s);
    def("predict_linear", v, 0, m, s);
    def("quantile_over_time", v, 0, s, m);
    def("histogram_quantile", v, 0, s, v);
    def("histogram_fraction", v, 0, s, s, v);
    def("label_replace", v, 0, v, str, str, str, str);
    def("label_join", v, -1, v, str, str, str);
    def("scalar", s, 0, v);
    def("vector", v, 0, s);
    def("time", s, 0);
    def("pi", s, 0);
  }

  /** The function of that name in Prometheus 2.x, or null. Names are case-sensitive. */
  public static Function byName(String name) {
    return ALL.get(name);
  }

  public static Map<String, Function> all() {
    return Collections.unmodifiableMap(ALL);
  }
}
