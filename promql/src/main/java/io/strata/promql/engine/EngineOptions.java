package io.strata.promql.engine;

/**
 * Engine settings.
 *
 * @param lookbackDeltaMs how far back an instant selector looks for a sample (Prometheus
 *     {@code --query.lookback-delta}, default 5m)
 * @param maxSamples samples a query may hold in memory at once ({@code --query.max-samples}, default 50M)
 * @param timeoutMs wall-clock limit per query ({@code --query.timeout}, default 2m)
 * @param defaultSubqueryStepMs step of a subquery written without one (Prometheus uses the global
 *     evaluation interval, default 1m)
 * @param maxPointsPerSeries points a range query may return per series (Prometheus's API limit, 11,000)
 */
public record EngineOptions(long lookbackDeltaMs, long maxSamples, long timeoutMs, long defaultSubqueryStepMs,
    int maxPointsPerSeries) {
  public static final EngineOptions DEFAULTS = new EngineOptions(300_000, 50_000_000, 120_000, 60_000, 11_000);

  public EngineOptions {
    if (lookbackDeltaMs <= 0) {
      throw new IllegalArgumentException("lookbackDeltaMs must be > 0, got " + lookbackDeltaMs);
    }
    if (maxSamples <= 0) {
      throw new IllegalArgumentException("maxSamples must be > 0, got " + maxSamples);
    }
    if (timeoutMs <= 0) {
      throw new IllegalArgumentException("timeoutMs must be > 0, got " + timeoutMs);
    }
    if (defaultSubqueryStepMs <= 0) {
      throw new IllegalArgumentException("defaultSubqueryStepMs must be > 0, got " + defaultSubqueryStepMs);
    }
    if (maxPointsPerSeries <= 0) {
      throw new IllegalArgumentException("maxPointsPerSeries must be > 0, got " + maxPointsPerSeries);
    }
  }

  public EngineOptions withLookbackDeltaMs(long v) {
    return new EngineOptions(v, maxSamples, timeoutMs, defaultSubqueryStepMs, maxPointsPerSeries);
  }

  public EngineOptions withMaxSamples(long v) {
    return new EngineOptions(lookbackDeltaMs, v, timeoutMs, defaultSubqueryStepMs, maxPointsPerSeries);
  }

  public EngineOptions withTimeoutMs(long v) {
    return new EngineOptions(lookbackDeltaMs, maxSamples, v, defaultSubqueryStepMs, maxPointsPerSeries);
  }

  public EngineOptions withDefaultSubqueryStepMs(long v) {
    return new EngineOptions(lookbackDeltaMs, maxSamples, timeoutMs, v, maxPointsPerSeries);
  }
}
