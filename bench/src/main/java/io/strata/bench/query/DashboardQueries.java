package io.strata.bench.query;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The dashboard-style range queries the query harnesses time on node_exporter-like data (the metric names of
 * {@link RangeQueryHarness#labels} and {@code NodeExporterLikeData}), each over a range ending at the newest
 * sample with about 250 points, as Grafana asks.
 */
public final class DashboardQueries {
  private DashboardQueries() {}

  /** One query: a name for the tables, the PromQL, and the range it covers back from the end. */
  public record Query(String name, String promql, long rangeMs) {
    /** About 250 points, rounded down to a whole minute as Grafana's interval does (24 h: 5 m), at least 15 s. */
    public long stepMs() {
      return Math.max(15_000, rangeMs / 250 / 60_000 * 60_000);
    }

    /** {@code query=...&start=...&end=...&step=...} for {@code /api/v1/query_range}, ending at {@code endMs}. */
    public String params(long endMs) {
      return "query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8) + "&start=" + (endMs - rangeMs) / 1000.0 + "&end=" + endMs / 1000.0
          + "&step=" + stepMs() / 1000.0;
    }
  }

  private static final long HOUR = 3_600_000L;

  /** The eleven queries of issue 11 (rate by instance over 1 h, 6 h and 24 h first: the names other results use). */
  public static final List<Query> ALL = List.of(
      new Query("rate by instance 1h", "sum by (instance) (rate(node_cpu_seconds_total[5m]))", HOUR),
      new Query("rate by instance 6h", "sum by (instance) (rate(node_cpu_seconds_total[5m]))", 6 * HOUR),
      new Query("rate by instance 24h", "sum by (instance) (rate(node_cpu_seconds_total[5m]))", 24 * HOUR),
      new Query("raw selector rate 6h", "rate(node_cpu_seconds_total{instance=\"node-3:9100\"}[5m])", 6 * HOUR),
      new Query("histogram_quantile 6h", "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))", 6 * HOUR),
      new Query("histogram_quantile by handler 6h",
          "histogram_quantile(0.9, sum by (le, handler) (rate(http_request_duration_seconds_bucket[5m])))", 6 * HOUR),
      new Query("avg_over_time 6h", "avg_over_time(node_hwmon_temp_celsius[10m])", 6 * HOUR),
      new Query("max by instance 6h", "max by (instance) (node_hwmon_temp_celsius)", 6 * HOUR),
      new Query("network rate by device 6h", "sum by (device) (rate(node_network_receive_bytes_total[5m]))", 6 * HOUR),
      new Query("memory avg by instance 6h", "avg by (instance) (node_memory_MemFree_bytes)", 6 * HOUR),
      new Query("raw selector 6h", "node_memory_MemFree_bytes{instance=\"node-3:9100\"}", 6 * HOUR));

  /**
   * The times of {@code n} runs of one query, one after the other on one kept-alive connection, against
   * {@code baseUrl}'s {@code /api/v1/query_range}, in ms, as {@code curl} measures them, in order (the first is the cold one).
   */
  public static double[] timesMs(String baseUrl, Query q, long endMs, String extraParams, int n) throws Exception {
    return RangeQueryHarness.timesByCurl(baseUrl + "/api/v1/query_range?" + q.params(endMs) + extraParams, n);
  }

  /** The geometric mean of positive values. */
  public static double geomean(double[] values) {
    double log = 0;
    for (double v : values) {
      log += Math.log(v);
    }
    return Math.exp(log / values.length);
  }
}
