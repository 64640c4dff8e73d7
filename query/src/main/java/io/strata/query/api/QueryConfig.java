package io.strata.query.api;

import io.strata.tsdb.Resolution;
import java.util.List;

/**
 * Settings of the query server.
 *
 * @param host address to bind
 * @param port port (0 picks a free one)
 * @param lookbackMs how far back an instant selector looks for a sample (Prometheus's --query.lookback-delta)
 * @param defaultTenant tenant of requests without X-Scope-OrgID
 * @param maxPointsPerSeries Prometheus's 11,000-point limit on range queries
 * @param rollupResolutions the rollup resolutions the store holds, which {@code max_source_resolution} may pick
 * @param autoDownsampling range queries without {@code max_source_resolution} read as with {@code auto}
 *     (step / 5; Thanos's {@code --query.auto-downsampling}); instant queries always default to raw
 * @param replicaLabels labels that tell HA replicas apart (Thanos's {@code --query.replica-label}): series that
 *     differ only in them are deduplicated unless a request says {@code dedup=false}; empty = no deduplication
 */
public record QueryConfig(String host, int port, long lookbackMs, String defaultTenant, int maxPointsPerSeries,
    List<Resolution> rollupResolutions, boolean autoDownsampling, List<String> replicaLabels) {
  public static final int DEFAULT_PORT = 9090;
  /** The resolutions the streams rollup topology writes by default (DESIGN.md: metrics.rollup.1m/5m/1h). */
  public static final List<Resolution> DEFAULT_ROLLUP_RESOLUTIONS = List.of(Resolution.parse("1m"), Resolution.parse("5m"), Resolution.parse("1h"));

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
    if (rollupResolutions == null) {
      throw new IllegalArgumentException("query.rollup_resolutions is required (may be empty)");
    }
    for (Resolution r : rollupResolutions) {
      if (r.isRaw()) {
        throw new IllegalArgumentException("query.rollup_resolutions lists rollups only, got raw in " + rollupResolutions);
      }
    }
    rollupResolutions = List.copyOf(rollupResolutions);
    replicaLabels = replicaLabels == null ? List.of() : List.copyOf(replicaLabels);
    for (String l : replicaLabels) {
      if (!io.strata.schemas.model.Labels.isValidName(l) || l.equals("__name__")) {
        throw new IllegalArgumentException("query.replica_labels: \"" + l + "\" is not a label name that can tell replicas apart");
      }
    }
  }

  /** The 5-parameter form of earlier releases: default rollup resolutions, auto-downsampling on. */
  public QueryConfig(String host, int port, long lookbackMs, String defaultTenant, int maxPointsPerSeries) {
    this(host, port, lookbackMs, defaultTenant, maxPointsPerSeries, DEFAULT_ROLLUP_RESOLUTIONS, true, List.of());
  }

  public static QueryConfig defaults(String host, int port) {
    return new QueryConfig(host, port, 5 * 60_000L, "default", 11_000);
  }

  public QueryConfig withRollupResolutions(List<Resolution> resolutions) {
    return new QueryConfig(host, port, lookbackMs, defaultTenant, maxPointsPerSeries, resolutions, autoDownsampling, replicaLabels);
  }

  public QueryConfig withAutoDownsampling(boolean auto) {
    return new QueryConfig(host, port, lookbackMs, defaultTenant, maxPointsPerSeries, rollupResolutions, auto, replicaLabels);
  }

  public QueryConfig withReplicaLabels(List<String> labels) {
    return new QueryConfig(host, port, lookbackMs, defaultTenant, maxPointsPerSeries, rollupResolutions, autoDownsampling, labels);
  }
}
