package io.strata.query.differential;

import static io.strata.query.differential.DifferentialDataSet.T0;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random (seeded) expressions of the classes issue 16 found disagreeing with Prometheus 2.42: range
 * functions over subqueries with and without a step, offsets, {@code @} and nesting, over data with samples
 * on the minute boundaries, and 0/1 series with gaps filtered by comparisons inside the subquery or on the
 * function's result. Each runs as instant queries at minute-aligned and unaligned times and as range
 * queries with aligned and unaligned starts and steps.
 */
final class GeneratedSubqueries {
  private static final String[] LEAVES = {
      "step_counter", "flag", "flag{instance=\"f3\"}", "flag{interval=\"15\"}", "up{job=\"node\"}", "vector(time())",
      "step_counter offset 1m", "flag offset 30s", "step_counter @ 1767229200", "flag @ 1767229230",
      "timestamp(flag)", "step_counter % 5",
  };
  private static final String[] COMPARISONS = {"==", "!=", ">", "<", ">=", "== bool", "> bool", "!= bool"};
  private static final String[] NUMBERS = {"0", "1", "0.5", "3"};
  private static final String[] RANGES = {"1m", "2m", "3m", "4m30s", "5m", "7m", "10m", "90s", "6m"};
  private static final String[] STEPS = {"", "", "", "30s", "1m", "2m", "45s", "7s", "15s", "5m"};
  private static final String[] OFFSETS = {"", "", "", " offset 30s", " offset 1m", " offset -1m", " offset 1m30s", " offset 5m"};
  private static final String[] ATS = {"", "", "", "", " @ 1767229200", " @ 1767229230", " @ 1767229217.5", " @ start()", " @ end()"};
  private static final String[] FUNCTIONS = {
      "count_over_time", "sum_over_time", "min_over_time", "max_over_time", "avg_over_time", "last_over_time",
      "present_over_time", "count_over_time", "max_over_time", "changes", "resets", "rate", "increase", "delta",
      "stddev_over_time", "quantile_over_time",
  };
  private static final long[] RANGE_STEPS = {15_000, 30_000, 60_000, 37_000, 90_000, 120_000, 7_000, 10_000};
  private static final long[] START_SHIFTS = {0, 0, 30_000, 10_000, 15_000, -1};

  private GeneratedSubqueries() {}

  static List<String> expressions(long seed, int n) {
    SplittableRandom r = new SplittableRandom(seed);
    List<String> out = new ArrayList<>(n);
    while (out.size() < n) {
      out.add(top(r));
    }
    return out;
  }

  private static String pick(SplittableRandom r, String[] a) {
    return a[r.nextInt(a.length)];
  }

  private static String top(SplittableRandom r) {
    String e = rangeFunction(r, r.nextInt(4) == 0 ? 1 : 0);
    switch (r.nextInt(6)) {
      case 0:
      case 1:
        return e + " " + pick(r, COMPARISONS) + " " + pick(r, NUMBERS);
      case 2:
        return "sum by (job) (" + e + ")";
      default:
        return e;
    }
  }

  private static String inner(SplittableRandom r, int depth) {
    if (depth > 0) {
      return rangeFunction(r, depth - 1);
    }
    String leaf = pick(r, LEAVES);
    if (r.nextInt(3) != 0) {
      return leaf + " " + pick(r, COMPARISONS) + " " + pick(r, NUMBERS);
    }
    return leaf;
  }

  private static String rangeFunction(SplittableRandom r, int depth) {
    String sub = "(" + inner(r, depth) + ")[" + pick(r, RANGES) + ":" + pick(r, STEPS) + "]" + pick(r, ATS) + pick(r, OFFSETS);
    String f = pick(r, FUNCTIONS);
    return f.equals("quantile_over_time") ? f + "(0.5, " + sub + ")" : f + "(" + sub + ")";
  }

  /** Two instant and two range calls per expression, at times drawn from the same seed. */
  static List<ApiCall> calls(long seed, int n) {
    SplittableRandom r = new SplittableRandom(seed ^ 0x5deece66dL);
    List<ApiCall> out = new ArrayList<>();
    for (String e : expressions(seed, n)) {
      for (int i = 0; i < 2; i++) {
        long t = T0 + (5 + r.nextInt(170)) * 60_000L + shift(r);
        out.add(ApiCall.get("generated query " + e, "/api/v1/query", "query", e, "time", DifferentialQueries.sec(t)));
      }
      for (int i = 0; i < 2; i++) {
        long start = T0 + r.nextInt(150) * 60_000L + shift(r);
        long step = RANGE_STEPS[r.nextInt(RANGE_STEPS.length)];
        long end = start + (10 + r.nextInt(30)) * 60_000L;
        out.add(ApiCall.get("generated query_range " + e, "/api/v1/query_range", "query", e, "start", DifferentialQueries.sec(start),
            "end", DifferentialQueries.sec(end), "step", Double.toString(step / 1000.0)));
      }
    }
    return out;
  }

  private static long shift(SplittableRandom r) {
    long s = START_SHIFTS[r.nextInt(START_SHIFTS.length)];
    return s >= 0 ? s : r.nextInt(60_000);
  }
}
