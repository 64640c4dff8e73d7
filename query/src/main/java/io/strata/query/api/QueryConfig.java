package io.strata.query.api;

/**
 * Settings of the query server.
 *
 * @param host address to bind
 * @param port port (0 picks a free one)
 * @param lookbackMs how far back an instant selector looks for a sample (Prometheus's --query.lookback-delta)
 * @param defaultTenant tenant of requests without X-Scope-OrgID
 * @param maxPointsPerSeries Prometheus's 11,000-point limit on range queries
 */
public record QueryConfig(String host, int port, long lookbackMs, String defaultTenant, int maxPointsPerSeries) {
  public static final int DEFAULT_PORT = 9090;

  public QueryConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("query.port must be 0..65535, got " + port);
    }
    if (lookbackMs <= 0) {
      throw new IllegalArgumentException("query.lookback_delta must be > 0, got " + lookbackMs + " ms");
    }
    if (maxPointsPerSeries <= 0) {
      throw new IllegalArgumentException("query.max_points_per_series must be > 0, got " + maxPointsPerSeries);
    }
  }

  public static QueryConfig defaults(String host, int port) {
    return new QueryConfig(host, port, 5 * 60_000L, "default", 11_000);
  }
}
