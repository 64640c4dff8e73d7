package io.strata.query.differential;

import static io.strata.query.differential.DifferentialDataSet.END;
import static io.strata.query.differential.DifferentialDataSet.T0;

import java.util.ArrayList;
import java.util.List;

/**
 * The expressions and API calls of the differential test, by family. Each query expression runs as
 * instant queries at a few times (near the start where late series are missing, mid-way, at the last
 * scrape, after the end inside the lookback) and as range queries (aligned and unaligned steps).
 */
final class DifferentialQueries {
  private DifferentialQueries() {}

  static final String[] SELECTORS = {
      "up", "build_info", "http_requests_total", "http_requests_total{method=\"GET\"}", "http_requests_total{code!=\"200\"}",
      "http_requests_total{instance=~\"api-[0-2].*\"}", "http_requests_total{instance!~\"api-[0-2].*\",method=\"POST\"}",
      "{__name__=~\"node_.*\",instance=\"node-1:9100\"}", "{job=\"batch\"}", "temperature_celsius", "queue_depth",
      "queue_depth offset 10m", "queue_depth offset -10m", "node_load1 @ 1767230000", "up @ start()", "up @ end()",
      "nonexistent_metric", "http_requests_total{job=\"api\"} offset 1h", "node_memory_MemAvailable_bytes / 1024 / 1024",
      "up @ 1767230000 offset 5m", "-{__name__=\"up\"}", "{__name__=~\"up|node_load1\",job!=\"api\"}", "node_load1{instance=\"\"}",
      "up{nonexistent=\"\"}", "up{job=~\"a.*|n.*\"}", "http_request_duration_seconds_bucket{le=\"+Inf\"}",
  };

  static final String[] RANGE_SELECTORS = {
      "http_requests_total{instance=\"api-0:8080\"}[2m]", "temperature_celsius{sensor=\"3\"}[5m]", "queue_depth{queue=\"q1\"}[10m] offset 5m",
      "node_load1[1m] @ 1767230000", "http_requests_total{instance=\"api-0:8080\"}[5m]",
  };

  static final String[] RATES = {
      "rate(http_requests_total[5m])", "rate(http_requests_total[1m])", "rate(http_requests_total[30s])", "irate(http_requests_total[5m])",
      "increase(http_requests_total[10m])", "increase(batch_items_processed_total[15m])", "rate(batch_items_processed_total[5m])",
      "delta(node_memory_MemAvailable_bytes[10m])", "idelta(queue_depth[5m])", "deriv(node_memory_MemAvailable_bytes[15m])",
      "predict_linear(node_memory_MemAvailable_bytes[30m], 3600)", "holt_winters(node_load1[10m], 0.5, 0.3)",
      "resets(http_requests_total[1h])", "changes(up[30m])", "changes(temperature_celsius[10m])",
      "rate(node_cpu_seconds_total{mode!=\"idle\"}[5m])", "sum by (instance) (rate(node_cpu_seconds_total{mode!=\"idle\"}[5m]))",
      "1 - avg by (instance) (rate(node_cpu_seconds_total{mode=\"idle\"}[5m]))", "delta(temperature_celsius[10m])",
      "rate(temperature_celsius[5m])", "deriv(temperature_celsius[10m])", "irate(batch_items_processed_total[2m])",
      "increase(http_requests_total[1h] offset 30m)", "rate(http_requests_total[5m] @ 1767230000)", "resets(batch_items_processed_total[30m])",
      "predict_linear(node_load1[10m], -600)", "idelta(temperature_celsius[1m])", "deriv(up[5m])",
  };

  static final String[] OVER_TIME = {
      "avg_over_time(temperature_celsius[10m])", "min_over_time(temperature_celsius[10m])", "max_over_time(temperature_celsius[10m])",
      "sum_over_time(queue_depth[10m])", "count_over_time(queue_depth[10m])", "last_over_time(queue_depth[10m])",
      "present_over_time(queue_depth[10m])", "quantile_over_time(0.9, queue_depth[30m])", "quantile_over_time(0.5, temperature_celsius[30m])",
      "quantile_over_time(1.5, node_load1[10m])", "quantile_over_time(-1, node_load1[10m])", "stddev_over_time(node_load1[30m])",
      "stdvar_over_time(queue_depth[30m])", "stddev_over_time(temperature_celsius[30m])", "absent_over_time(queue_depth{queue=\"q3\"}[5m])",
      "absent_over_time(nonexistent{job=\"x\"}[5m])", "avg_over_time(node_load1[1h])", "sum_over_time(http_request_duration_seconds_count[5m])",
      "avg_over_time(node_memory_MemAvailable_bytes[15m])", "min_over_time(queue_depth[1m])", "max_over_time(batch_last_success_timestamp_seconds[1h])",
      "count_over_time({job=\"batch\"}[3m])", "last_over_time(temperature_celsius[1m])", "sum_over_time(temperature_celsius[5m])",
  };

  static final String[] MATH = {
      "abs(temperature_celsius)", "ceil(node_load1)", "floor(node_load1)", "round(node_load1)", "round(temperature_celsius, 0.5)",
      "round(node_load1, 0.1)", "exp(node_load1)", "ln(node_load1)", "log2(queue_depth)", "log10(queue_depth)", "sqrt(temperature_celsius)",
      "sgn(temperature_celsius)", "clamp(temperature_celsius, -5, 5)", "clamp_min(node_load1, 1.5)", "clamp_max(node_load1, 1.5)",
      "clamp(node_load1, 5, 1)", "sin(node_load1)", "cos(node_load1)", "tan(node_load1)", "asin(node_load1 - 1)", "acos(node_load1 - 1)",
      "atan(node_load1)", "sinh(node_load1)", "cosh(node_load1)", "tanh(node_load1)", "asinh(node_load1)", "acosh(node_load1 + 1)",
      "atanh(node_load1 / 10)", "deg(node_load1)", "rad(node_load1)", "pi()", "exp(temperature_celsius)", "ln(temperature_celsius)",
      "abs(-node_load1)", "round(queue_depth / 7)", "ceil(temperature_celsius)", "clamp_min(temperature_celsius, 0)",
  };

  static final String[] TIME_AND_LABELS = {
      "timestamp(up)", "timestamp(queue_depth)", "timestamp(rate(http_requests_total[5m]))", "time()", "vector(time())", "hour()", "minute()",
      "day_of_week()", "day_of_month()", "day_of_year()", "days_in_month()", "month()", "year()", "hour(batch_last_success_timestamp_seconds)",
      "minute(batch_last_success_timestamp_seconds)", "day_of_week(batch_last_success_timestamp_seconds)", "year(vector(1e10))",
      "month(vector(1767225600))", "days_in_month(vector(1772000000))", "scalar(up{instance=\"api-0:8080\"})", "scalar(up)", "vector(1)",
      "vector(scalar(sum(up)))", "absent(nonexistent{job=\"x\",instance=~\"y\"})", "absent(up)", "absent(nonexistent{a=\"b\",a=\"c\"})",
      "sort(node_load1)", "sort_desc(node_memory_MemAvailable_bytes)", "sort(temperature_celsius{sensor=\"1\"})",
      "label_replace(up, \"host\", \"$1\", \"instance\", \"(.*):.*\")", "label_replace(up, \"instance\", \"\", \"instance\", \".*\")",
      "label_replace(up, \"foo\", \"$2\", \"job\", \"(.*)\")", "label_join(up, \"ji\", \"/\", \"job\", \"instance\")",
      "label_replace(up, \"job\", \"x\", \"job\", \"nomatch\")", "label_join(build_info, \"all\", \",\", \"version\", \"job\", \"nonexistent\")",
      "label_replace(rate(http_requests_total[5m]), \"__name__\", \"renamed\", \"\", \"\")", "timestamp(node_load1 @ 1767230000)",
  };

  static final String[] HISTOGRAMS = {
      "histogram_quantile(0.9, rate(http_request_duration_seconds_bucket[5m]))",
      "histogram_quantile(0.5, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))",
      "histogram_quantile(0.99, sum by (le, instance) (rate(http_request_duration_seconds_bucket[10m])))",
      "histogram_quantile(0, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))",
      "histogram_quantile(1, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))",
      "histogram_quantile(1.5, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))",
      "histogram_quantile(-0.5, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))",
      "histogram_quantile(0.9, http_request_duration_seconds_bucket)",
      "rate(http_request_duration_seconds_sum[5m]) / rate(http_request_duration_seconds_count[5m])",
      "histogram_quantile(0.9, sum without (instance) (rate(http_request_duration_seconds_bucket[5m])))",
      "histogram_quantile(0.75, sum by (le) (increase(http_request_duration_seconds_bucket[1m])))",
      "histogram_quantile(0.5, http_request_duration_seconds_bucket{le!=\"+Inf\"})",
      "histogram_quantile(0.5, http_request_duration_seconds_bucket{le!=\"0.1\"})",
  };

  static final String[] AGGREGATIONS = {
      "sum(up)", "sum by (job) (up)", "sum without (instance) (up)", "avg by (job) (up)", "count by (job) (up)",
      "min by (instance) (temperature_celsius)", "max by (instance) (temperature_celsius)", "avg by (instance) (temperature_celsius)",
      "sum by (instance) (temperature_celsius)", "group by (job) (up)", "group(up)", "stddev by (job) (rate(http_requests_total[5m]))",
      "stdvar(node_load1)", "count_values(\"value\", up)", "count_values(\"v\", queue_depth)", "count_values(\"le\", http_request_duration_seconds_bucket)",
      "topk(3, rate(http_requests_total[5m]))", "bottomk(2, node_load1)", "topk by (instance) (1, temperature_celsius)",
      "topk(scalar(vector(2)), node_load1)", "quantile(0.5, node_load1)", "quantile by (job) (0.9, up)", "quantile(0.75, temperature_celsius)",
      "sum by (instance, method) (rate(http_requests_total[5m]))", "max without (cpu, mode) (rate(node_cpu_seconds_total[5m]))",
      "count(count by (instance) (up))", "sum(rate(http_requests_total{code=\"500\"}[5m])) / sum(rate(http_requests_total[5m]))",
      "avg(node_memory_MemAvailable_bytes) by (job)", "topk(2, sum by (instance) (rate(http_requests_total[5m])))",
      "sum by (__name__) ({job=\"node\"})", "count by (le) (http_request_duration_seconds_bucket)", "stddev(temperature_celsius)",
      "min(node_load1)", "max(queue_depth)", "avg(temperature_celsius)", "bottomk by (job) (1, up)", "quantile(2, node_load1)",
      "quantile(-1, node_load1)", "topk(0, up)", "sum without () (up)", "count without (instance, job, version) (build_info)",
      "group without (cpu) (node_cpu_seconds_total)", "topk(1, queue_depth) by (instance)",
  };

  static final String[] BINARY = {
      "up + 1", "2 * up", "up - up", "node_load1 / 0", "-node_load1", "node_load1 ^ 2", "2 ^ 3 ^ 2", "-2 ^ 2", "node_load1 % 0.7",
      "temperature_celsius % 3", "up == 1", "up != 1", "up == bool 1", "node_load1 > 1.5", "node_load1 > bool 1.5", "1 < node_load1",
      "temperature_celsius <= 0", "http_requests_total / ignoring(code) group_left sum without (code) (http_requests_total)",
      "rate(http_requests_total[5m]) / on(instance, method) group_left sum by (instance, method) (rate(http_requests_total[5m]))",
      "up * on(instance) group_left(version) build_info", "up * on(instance, job) group_right node_cpu_seconds_total",
      "up and on(instance) (node_load1 > 1.5)", "up or node_load1", "up unless on(job) node_load1", "up unless up{job=\"api\"}",
      "queue_depth and queue_depth > 20", "sum(up) + sum(node_load1)", "scalar(sum(up)) * 2", "time() - batch_last_success_timestamp_seconds",
      "1 + 2 * 3", "5 % 3", "2 ^ -1", "1 > bool 2", "NaN", "Inf", "-Inf", "0x1f", "1e3", "node_load1 atan2 1", "node_load1 == node_load1",
      "temperature_celsius > -Inf", "temperature_celsius != temperature_celsius", "\"a string\"", "node_load1 >= bool node_load1",
      "http_requests_total{code=\"200\"} - ignoring(code) http_requests_total{code=\"500\"}", "up > bool on(instance) node_load1",
      "node_load1 + on(instance) group_left node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"}", "up or vector(0)",
      "sum by (job) (up) > 2", "(up + 1) * 3 - 2 / 4", "1 - -1", "node_load1 < 1 or node_load1 > 2", "up{job=\"api\"} + ignoring(job) up{job=\"node\"}",
  };

  static final String[] SUBQUERIES = {
      "max_over_time(rate(http_requests_total[5m])[30m:1m])", "rate(http_requests_total[5m])[10m:]", "avg_over_time(node_load1[1h:5m])",
      "min_over_time(sum by (instance) (rate(node_cpu_seconds_total[1m]))[15m:30s])", "sum_over_time(up[10m:1m] offset 5m)",
      "max_over_time(node_load1[10m:1m] @ 1767230000)", "quantile_over_time(0.9, sum(queue_depth)[30m:2m])",
      "deriv(avg(node_memory_MemAvailable_bytes)[20m:1m])", "rate(sum(http_requests_total)[10m:30s])", "last_over_time(temperature_celsius[20m:17s])",
      "count_over_time(queue_depth[10m:])", "max_over_time(max_over_time(node_load1[5m:1m])[20m:5m])",
  };

  /**
   * Issue 16 (8a): which inner steps a subquery evaluates (multiples of its step, the default one the global
   * evaluation interval, 1 m) and whether the outer function sees the one on the range's lower boundary
   * (2.42: closed at both ends), with offsets, {@code @} and nesting; {@code step_counter} has a sample on
   * every minute and {@code vector(time())} shows the inner steps themselves.
   */
  static final String[] SUBQUERY_BOUNDARIES = {
      "count_over_time(step_counter[5m:])", "sum_over_time(step_counter[5m:])", "min_over_time(step_counter[5m:])",
      "max_over_time(step_counter[5m:])", "count_over_time(step_counter[5m:1m])", "min_over_time(step_counter[4m30s:])",
      "count_over_time(step_counter[5m:30s])", "min_over_time(step_counter[7m:2m])", "sum_over_time(step_counter[10m:3m])",
      "min_over_time(step_counter[5m:] offset 1m)", "count_over_time(step_counter[5m:] offset 30s)",
      "min_over_time(step_counter[5m:] offset -2m)", "sum_over_time(step_counter[5m:] @ 1767229200)",
      "min_over_time(step_counter[5m:] @ 1767229230)", "count_over_time(step_counter[5m:] @ 1767229217.5)",
      "min_over_time(step_counter[5m:] @ start())", "sum_over_time(step_counter[5m:] @ end())",
      "min_over_time(step_counter[5m:] @ 1767229230 offset 1m)", "min_over_time((step_counter offset 1m)[5m:])",
      "sum_over_time((step_counter @ 1767229200)[5m:])", "count_over_time((step_counter offset 30s)[3m:])",
      "max_over_time(count_over_time(step_counter[3m:])[10m:])", "min_over_time(min_over_time(step_counter[2m:])[5m:2m])",
      "sum_over_time(sum_over_time(flag[2m:30s])[5m:])", "min_over_time(count_over_time(step_counter[3m])[5m:])",
      "rate(step_counter[5m:])", "increase(step_counter[5m:])", "delta(step_counter[4m:])", "changes(step_counter[5m:])",
      "last_over_time(step_counter[5m:])", "avg_over_time(step_counter[5m:])", "quantile_over_time(0, step_counter[5m:])",
      "count_over_time(flag[5m:])", "min_over_time(flag[10m:])", "sum_over_time(flag[3m:])", "count_over_time(step_counter[5m])",
      "min_over_time(vector(time())[5m:])", "max_over_time(vector(time())[5m:])", "count_over_time(vector(time())[5m:])",
      "min_over_time(vector(time())[4m30s:1m] offset 30s)", "min_over_time(vector(time())[5m:7s])",
      "min_over_time(vector(time())[5m:] @ 1767229230)", "min_over_time(vector(time())[5m:] offset 1m30s)",
      "min_over_time(timestamp(step_counter)[5m:])", "max_over_time(timestamp(flag)[10m:])",
      "sum by (job) (count_over_time(step_counter[5m:]))", "count_over_time(step_counter[5m:]) - count_over_time(step_counter[5m])",
      "predict_linear(step_counter[5m] @ 1767229200, 60)", "quantile_over_time(scalar(flag{instance=\"f3\"}), step_counter[5m] @ 1767229200)",
      "quantile_over_time(scalar(flag{instance=\"f3\"}), step_counter[5m:] @ 1767229200)", "predict_linear(step_counter[5m:] @ 1767229230, 60)",
      "holt_winters(step_counter[5m] @ 1767229200, scalar(flag{instance=\"f3\"}) * 0 + 0.5, 0.5)",
      "avg_over_time((step_counter @ 1767229200)[1m:] offset -1m)", "sum_over_time((step_counter @ 1767229200 >= 1)[2m:2m] @ 1767229230 offset 30s)",
      "min_over_time((step_counter @ 1767229200)[30s:1m])", "count_over_time((count_over_time((flag != bool 0)[1m:] @ 1767229200 offset 1m))[2m:15s] @ 1767229230 offset 30s)",
      // offsets and @ that are not whole minutes put the default-resolution (1 m) range's lower end exactly on a
      // minute, so on a subquery step and on a step_counter sample, at the unaligned instant and range times
      "count_over_time(step_counter[90s:] offset 30s)", "min_over_time(step_counter[90s:] offset 30s)",
      "sum_over_time(step_counter[2m30s:] offset 30s)", "min_over_time(step_counter[4m30s:] offset 1m30s)",
      "count_over_time(vector(time())[90s:] offset 30s)", "min_over_time(vector(time())[2m30s:] @ 1767229230)",
      "count_over_time(step_counter[1m30s:] @ 1767229290)", "min_over_time(step_counter[59s:] offset 1s)",
      "count_over_time(step_counter[1m:] offset 59s)", "min_over_time((step_counter offset 30s)[2m:] offset 30s)",
      "last_over_time(step_counter[90s:] offset -30s)", "changes(step_counter[3m30s:] offset 30s)",
      "max_over_time(min_over_time(step_counter[90s:])[3m:] offset 30s)", "present_over_time(step_counter[30s:] offset 30s)",
  };

  /**
   * Issue 16 (8b): range functions over 0/1 series with gaps filtered by a comparison (in the subquery, or
   * on the function's result), with and without {@code bool}.
   */
  static final String[] FILTERED_FLAGS = {
      "max_over_time((flag == 1)[5m:1m])", "count_over_time((flag > 0)[10m:])", "count_over_time((up > 0)[10m:])",
      "count_over_time((up == 0)[10m:])", "max_over_time((up == 1)[5m:1m])", "count_over_time((flag == bool 1)[10m:])",
      "sum_over_time((flag == bool 0)[10m:30s])", "sum_over_time((flag == 0)[10m:30s])", "min_over_time(flag[10m:]) < 1",
      "max_over_time(flag[5m]) == 1", "count_over_time(flag[5m]) > 3", "max_over_time(flag[5m]) == bool 1",
      "avg_over_time((flag == 1)[5m:]) > 0.5", "last_over_time((flag != 0)[5m:])", "present_over_time((flag == 1)[5m:])",
      "(max_over_time(flag[5m]) == 1) * 2", "sum by (job) (count_over_time((flag == 1)[10m:]))",
      "count_over_time((flag == 1)[10m:]) > 2", "max_over_time((flag == 1)[5m:1m]) == 1", "flag == 1", "flag > bool 0",
      "count_over_time((flag == 1)[5m:15s])", "max_over_time((flag == 1)[7m:2m] offset 1m)",
      "count_over_time((max_over_time(flag[2m]) == 0)[10m:])", "max_over_time((flag == 1)[5m:] @ 1767229200)",
      "changes((flag == 1)[10m:])", "resets((flag > bool 0)[10m:])", "count_over_time((flag unless flag == 0)[10m:])",
      "count_over_time((flag and flag == 1)[10m:])", "sum(max_over_time((flag == 1)[5m:1m]))",
      "count_over_time(((flag == 1) or (flag * 0 + 2))[5m:])", "avg_over_time((up{job=\"node\"} == 0)[30m:])",
      "1 - max_over_time((flag == 0)[5m:])", "min_over_time((flag == 1)[5m:]) * on(instance) group_left flag",
      "timestamp(max_over_time((flag == 1)[5m:1m]))", "count_over_time((1 == flag)[5m:])",
      "avg_over_time((flag)[7m:15s] offset 30s) == 0.5", "avg_over_time(flag[10m]) == 0.5", "avg_over_time(flag[7m:15s]) > bool 0.5",
  };

  /**
   * Subquery steps around and before the Unix epoch: Go's integer division truncates toward zero, the steps
   * are still the multiples of the step at or after {@code t - range - offset}.
   */
  static final String[] NEGATIVE_TIMES = {
      "min_over_time(vector(time())[5m:])", "max_over_time(vector(time())[5m:])", "count_over_time(vector(time())[5m:])",
      "min_over_time(vector(time())[4m30s:1m] offset 30s)", "min_over_time(vector(time())[5m:7s])",
      "min_over_time(vector(time())[5m:] offset -1m)", "sum_over_time(vector(time())[2m:45s])",
      "min_over_time(max_over_time(vector(time())[3m:])[5m:2m])",
  };

  static final long[] FIDELITY_INSTANT_TIMES = {T0 + 30 * 60_000, T0 + 30 * 60_000 + 30_000, T0 + 61 * 60_000 + 15_000,
      T0 + 90 * 60_000 + 500, T0 + 4 * 60_000, T0 + 100 * 60_000 + 59_999, END, END + 4 * 60_000};

  static final long[][] FIDELITY_RANGES = {
      {T0, END + 5 * 60_000, 60_000},
      {T0 + 3_600_000, T0 + 3_600_000 + 20 * 60_000, 15_000},
      {T0 + 7 * 60_000 + 500, T0 + 2 * 3_600_000, 37_000},
      {T0 + 10 * 60_000 + 10_000, T0 + 70 * 60_000, 30_000},
      {T0 + 5 * 60_000, END, 90_000},
      {T0 + 20 * 60_000 + 1, T0 + 2 * 3_600_000, 300_000},
      {T0 + 30 * 60_000 + 3_000, T0 + 50 * 60_000, 7_000},
  };

  static final long[] NEGATIVE_INSTANT_TIMES = {-90_500, -60_000, -1, 0, 59_999, -3_600_000 - 30_000};

  static final long[][] NEGATIVE_RANGES = {{-600_000, 120_000, 37_000}, {-3_600_000, 0, 60_000}, {-301_000, 299_000, 15_000}};

  static final String[] INVALID = {
      "rate(up)", "sum(", "up{", "foo bar", "sum by (le) (1)", "topk(up, up)", "quantile_over_time(\"a\", up[5m])", "histogram_quantile(0.9)",
      "label_replace(up, \"x\", \"y\", \"job\")", "1 + \"a\"", "{}", "{job=~\".*\"}", "up offset 5x", "unknown_func(up)", "up @ \"x\"",
      "up and 1", "1 == 1", "time() + up[5m]", "count_values(1, up)", "count_values(\"invalid-label\", up)",
      "holt_winters(node_load1[10m], 2, 0.5)", "label_join(up, \"\", \"-\", \"job\")", "vector(1)[5m]", "label_replace(up, \"bad-name\", \"x\", \"job\", \".*\")",
      "label_replace(up, \"x\", \"y\", \"job\", \"(\")", "http_requests_total + on(job) group_left http_requests_total",
      "http_requests_total + on(job) up", "up + on(instance) group_left sum by (instance) (node_cpu_seconds_total)",
      "sum(up) by (job) without (instance)", "up[5m:1m:1m]", "rate(http_requests_total[5m])[1h]", ")", "up == on(job) bool up",
      "up{job=\"api\"} or on() up{job=\"api\"} / 0 + on(instance) build_info{job=\"x\"}", "abs()", "label_replace(up, \"a\", \"b\", \"c\", \"d\", \"e\")",
      "node_load1 @ start() @ end()", "up offset 5m offset 5m", "sort(up[5m])", "\"unterminated", "up[-5m]",
  };

  /** Every query expression with its family, for the instant and range cases. */
  static List<String> allExpressions() {
    List<String> all = new ArrayList<>();
    for (String[] group : new String[][] {SELECTORS, RANGE_SELECTORS, RATES, OVER_TIME, MATH, TIME_AND_LABELS, HISTOGRAMS, AGGREGATIONS,
        BINARY, SUBQUERIES, INVALID}) {
      all.addAll(List.of(group));
    }
    return all;
  }

  static String sec(long ms) {
    return DifferentialDataSet.seconds(ms);
  }

  /** Instant times: early (late starters absent), two mid-way, the last scrape, inside the lookback after the end. */
  static final long[] INSTANT_TIMES = {T0 + 5 * 60_000 + 7_000, T0 + 90 * 60_000, T0 + 2 * 3_600_000 + 123, END, END + 4 * 60_000};

  /** Range queries: [start, end, step] in ms. */
  static final long[][] RANGES = {
      {T0, END + 5 * 60_000, 60_000},
      {T0 + 3_600_000, T0 + 3_600_000 + 20 * 60_000, 15_000},
      {T0 + 7 * 60_000 + 500, T0 + 2 * 3_600_000, 37_000},
  };

  static List<ApiCall> queryCalls() {
    List<ApiCall> out = new ArrayList<>();
    for (String e : allExpressions()) {
      calls(e, INSTANT_TIMES, RANGES, out);
    }
    for (String[] group : new String[][] {SUBQUERY_BOUNDARIES, FILTERED_FLAGS}) {
      for (String e : group) {
        calls(e, FIDELITY_INSTANT_TIMES, FIDELITY_RANGES, out);
      }
    }
    for (String e : NEGATIVE_TIMES) {
      calls(e, NEGATIVE_INSTANT_TIMES, NEGATIVE_RANGES, out);
    }
    return out;
  }

  private static void calls(String e, long[] instantTimes, long[][] ranges, List<ApiCall> out) {
    {
      boolean ordered = e.startsWith("sort");
      for (long t : instantTimes) {
        ApiCall c = ApiCall.get("query " + e, "/api/v1/query", "query", e, "time", sec(t));
        out.add(ordered ? c.orderedResult() : c);
      }
      for (int i = 0; i < ranges.length; i++) {
        long[] r = ranges[i];
        // Grafana POSTs range queries as a form; half of them go that way
        out.add(i % 2 == 0
            ? ApiCall.get("query_range " + e, "/api/v1/query_range", "query", e, "start", sec(r[0]), "end", sec(r[1]), "step", Double.toString(r[2] / 1000.0))
            : ApiCall.post("query_range " + e, "/api/v1/query_range", "query", e, "start", sec(r[0]), "end", sec(r[1]), "step", (r[2] / 1000) + "s"));
      }
    }
  }

  /** Parameters as Grafana and other clients send them, good and bad. */
  static List<ApiCall> parameterCalls() {
    String s = sec(T0);
    String e = sec(END);
    return List.of(
        ApiCall.get("query_range step=0", "/api/v1/query_range", "query", "up", "start", s, "end", e, "step", "0"),
        ApiCall.get("query_range end<start", "/api/v1/query_range", "query", "up", "start", e, "end", s, "step", "60"),
        ApiCall.get("query_range too many points", "/api/v1/query_range", "query", "up", "start", s, "end", e, "step", "0.5"),
        ApiCall.get("query_range bad start", "/api/v1/query_range", "query", "up", "start", "yesterday", "end", e, "step", "60"),
        ApiCall.get("query_range missing step", "/api/v1/query_range", "query", "up", "start", s, "end", e),
        ApiCall.get("query_range rfc3339", "/api/v1/query_range", "query", "up", "start", "2026-01-01T01:00:00Z", "end", "2026-01-01T01:10:00.5Z", "step", "1m"),
        ApiCall.get("query_range fractional step", "/api/v1/query_range", "query", "node_load1", "start", sec(T0 + 1000), "end", sec(T0 + 600_000), "step", "7.5"),
        ApiCall.get("query bad time", "/api/v1/query", "query", "up", "time", "not-a-time"),
        ApiCall.get("query rfc3339 time", "/api/v1/query", "query", "up", "time", "2026-01-01T02:00:00+01:00"),
        ApiCall.get("query fractional time", "/api/v1/query", "query", "node_load1", "time", sec(T0 + 3_600_000) + "789"),
        ApiCall.get("query missing query", "/api/v1/query", "time", s),
        ApiCall.post("query POST form", "/api/v1/query", "query", "sum by (job) (up)", "time", sec(T0 + 3_600_000)),
        ApiCall.get("query empty query", "/api/v1/query", "query", "", "time", s));
  }

  /** Metadata endpoints as Grafana's query editor calls them. */
  static List<ApiCall> metadataCalls() {
    String s = sec(T0);
    String e = sec(END);
    String late = sec(END + 30 * 60_000);
    return List.of(
        ApiCall.get("series up", "/api/v1/series", "match[]", "up", "start", s, "end", e),
        ApiCall.get("series two matchers", "/api/v1/series", "match[]", "up", "match[]", "node_load1", "start", s, "end", e),
        ApiCall.post("series POST batch", "/api/v1/series", "match[]", "{job=\"batch\"}", "start", s, "end", e),
        ApiCall.get("series regex", "/api/v1/series", "match[]", "{__name__=~\"http_request_duration.*\",instance=\"api-1:8080\"}", "start", s, "end", e),
        ApiCall.get("series no time range", "/api/v1/series", "match[]", "node_memory_MemAvailable_bytes"),
        ApiCall.get("series window with nothing", "/api/v1/series", "match[]", "up", "start", late, "end", late),
        ApiCall.get("series early window", "/api/v1/series", "match[]", "queue_depth", "start", s, "end", sec(T0 + 60_000)),
        ApiCall.get("series missing match", "/api/v1/series", "start", s, "end", e),
        ApiCall.get("series not a selector", "/api/v1/series", "match[]", "rate(up[5m])"),
        ApiCall.get("series bad matcher", "/api/v1/series", "match[]", "up{"),
        ApiCall.get("labels", "/api/v1/labels"),
        ApiCall.get("labels with range", "/api/v1/labels", "start", s, "end", e),
        ApiCall.post("labels POST match", "/api/v1/labels", "match[]", "up", "start", s, "end", e),
        ApiCall.get("labels two matches", "/api/v1/labels", "match[]", "node_load1", "match[]", "queue_depth"),
        ApiCall.get("labels window with nothing", "/api/v1/labels", "start", late, "end", late),
        ApiCall.get("label values job", "/api/v1/label/job/values"),
        ApiCall.get("label values __name__", "/api/v1/label/__name__/values", "start", s, "end", e),
        ApiCall.get("label values match", "/api/v1/label/instance/values", "match[]", "{job=\"node\"}"),
        ApiCall.get("label values two matches", "/api/v1/label/instance/values", "match[]", "up", "match[]", "queue_depth"),
        ApiCall.get("label values unknown label", "/api/v1/label/nonexistent/values"),
        ApiCall.get("label values le", "/api/v1/label/le/values", "match[]", "http_request_duration_seconds_bucket"),
        ApiCall.get("label values window with nothing", "/api/v1/label/job/values", "start", late, "end", late),
        ApiCall.get("label values bad match", "/api/v1/label/job/values", "match[]", "sum(up)"),
        ApiCall.get("format_query", "/api/v1/format_query", "query", "sum(rate(foo[5m])) by (job)"),
        // Grafana asks for exemplars when a panel shows them; neither side has any
        ApiCall.get("query_exemplars", "/api/v1/query_exemplars", "query", "http_request_duration_seconds_bucket", "start", s, "end", e),
        ApiCall.post("query_exemplars POST", "/api/v1/query_exemplars", "query", "rate(up[5m])", "start", s, "end", e),
        ApiCall.get("query_exemplars no range", "/api/v1/query_exemplars", "query", "up"),
        ApiCall.get("query_exemplars missing query", "/api/v1/query_exemplars", "start", s, "end", e),
        ApiCall.get("query_exemplars bad query", "/api/v1/query_exemplars", "query", "up(", "start", s, "end", e),
        ApiCall.get("query_exemplars end<start", "/api/v1/query_exemplars", "query", "up", "start", e, "end", s),
        ApiCall.get("query_exemplars bad start", "/api/v1/query_exemplars", "query", "up", "start", "abc"),
        ApiCall.get("unknown endpoint", "/api/v1/nonexistent"));
  }
}
