package io.strata.ingest.server;

import io.strata.ingest.limits.Limits;
import java.time.Duration;
import java.util.Map;

/**
 * Settings of the ingest HTTP server (README "Push receivers" lists them as config keys).
 *
 * @param host address to bind ({@code ingest.host})
 * @param port port to bind, 0 picks a free one ({@code ingest.port})
 * @param maxBodyBytes largest request body accepted as sent, compressed; larger gets 413 ({@code ingest.max_body_bytes})
 * @param maxDecompressedBytes largest body after snappy/gzip decompression; larger gets 413 ({@code ingest.max_decompressed_bytes})
 * @param defaultTenant tenant of requests without an X-Scope-OrgID header ({@code ingest.default_tenant})
 * @param ackTimeout how long a request waits for Kafka's acknowledgement before answering 503 ({@code ingest.ack_timeout})
 * @param maxSeriesPerRequest most series one push may carry; more gets 400 ({@code ingest.max_series_per_request})
 * @param maxInflightBytes sum of the bodies of requests being decoded or waiting for Kafka; a request that
 *     would pass it gets 503 with Retry-After instead of queueing ({@code ingest.max_inflight_bytes})
 * @param pushgatewayInterval how often Pushgateway groups are written as samples, like a Pushgateway scraped at
 *     that interval ({@code ingest.pushgateway.interval})
 * @param pushgatewayEnabled serve the Pushgateway API and emit its groups ({@code ingest.pushgateway.enabled});
 *     exactly one ingest instance per topic prefix should have it on (it owns the group log)
 * @param limits the write limits of every tenant without an override ({@code limits.*})
 * @param tenantLimits per-tenant overrides ({@code limits.overrides.<tenant>.*}), whole {@link Limits} per tenant
 */
public record IngestConfig(
    String host,
    int port,
    int maxBodyBytes,
    int maxDecompressedBytes,
    String defaultTenant,
    Duration ackTimeout,
    int maxSeriesPerRequest,
    long maxInflightBytes,
    Duration pushgatewayInterval,
    boolean pushgatewayEnabled,
    Limits limits,
    Map<String, Limits> tenantLimits) {
  public static final int DEFAULT_PORT = 9091;

  public IngestConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("ingest.port must be 0..65535, got " + port);
    }
    if (maxBodyBytes <= 0) {
      throw new IllegalArgumentException("ingest.max_body_bytes must be > 0, got " + maxBodyBytes);
    }
    if (maxDecompressedBytes < maxBodyBytes) {
      throw new IllegalArgumentException("ingest.max_decompressed_bytes must be >= ingest.max_body_bytes, got " + maxDecompressedBytes);
    }
    if (defaultTenant == null || !Tenants.isValid(defaultTenant)) {
      throw new IllegalArgumentException("ingest.default_tenant must be a valid tenant id, got \"" + defaultTenant + "\"");
    }
    if (ackTimeout == null || ackTimeout.isNegative() || ackTimeout.isZero()) {
      throw new IllegalArgumentException("ingest.ack_timeout must be > 0, got " + ackTimeout);
    }
    if (maxSeriesPerRequest <= 0) {
      throw new IllegalArgumentException("ingest.max_series_per_request must be > 0, got " + maxSeriesPerRequest);
    }
    if (maxInflightBytes < maxBodyBytes) {
      throw new IllegalArgumentException("ingest.max_inflight_bytes must be >= ingest.max_body_bytes, got " + maxInflightBytes);
    }
    if (pushgatewayInterval == null || pushgatewayInterval.toMillis() < 100) {
      throw new IllegalArgumentException("ingest.pushgateway.interval must be >= 100ms, got " + pushgatewayInterval);
    }
    if (limits == null) {
      throw new IllegalArgumentException("limits must be set (Limits.defaults())");
    }
    tenantLimits = Map.copyOf(tenantLimits);
    for (String t : tenantLimits.keySet()) {
      if (!Tenants.isValid(t)) {
        throw new IllegalArgumentException("limits.overrides: \"" + t + "\" is not a valid tenant id");
      }
    }
  }

  /**
   * 10 MiB compressed and 64 MiB decompressed per body: far above what Prometheus sends per request
   * (~1-2 MiB). 100k series per request: 50 times Prometheus's largest batch (2,000 samples). 256 MiB in
   * flight: with ~10x decode amplification of snappy bodies this keeps ingest within a 1-2 GB heap. 15 s
   * Pushgateway interval: Prometheus's customary scrape interval.
   */
  public static IngestConfig defaults(String host, int port) {
    return new IngestConfig(host, port, 10 << 20, 64 << 20, "default", Duration.ofSeconds(30), 100_000, 256L << 20,
        Duration.ofSeconds(15), true, Limits.defaults(), Map.of());
  }

  /** The write limits: {@code defaults} for every tenant, {@code perTenant} overriding them whole for some. */
  public IngestConfig withLimits(Limits defaults, Map<String, Limits> perTenant) {
    return new IngestConfig(host, port, maxBodyBytes, maxDecompressedBytes, defaultTenant, ackTimeout, maxSeriesPerRequest, maxInflightBytes,
        pushgatewayInterval, pushgatewayEnabled, defaults, perTenant);
  }

  public IngestConfig withMaxBodyBytes(int bytes, int decompressed) {
    return new IngestConfig(host, port, bytes, decompressed, defaultTenant, ackTimeout, maxSeriesPerRequest,
        Math.max(maxInflightBytes, bytes), pushgatewayInterval, pushgatewayEnabled, limits, tenantLimits);
  }

  public IngestConfig withMaxSeriesPerRequest(int n) {
    return new IngestConfig(host, port, maxBodyBytes, maxDecompressedBytes, defaultTenant, ackTimeout, n, maxInflightBytes,
        pushgatewayInterval, pushgatewayEnabled, limits, tenantLimits);
  }

  public IngestConfig withMaxInflightBytes(long bytes) {
    return new IngestConfig(host, port, maxBodyBytes, maxDecompressedBytes, defaultTenant, ackTimeout, maxSeriesPerRequest, bytes,
        pushgatewayInterval, pushgatewayEnabled, limits, tenantLimits);
  }

  public IngestConfig withAckTimeout(Duration timeout) {
    return new IngestConfig(host, port, maxBodyBytes, maxDecompressedBytes, defaultTenant, timeout, maxSeriesPerRequest, maxInflightBytes,
        pushgatewayInterval, pushgatewayEnabled, limits, tenantLimits);
  }

  public IngestConfig withPushgateway(boolean enabled, Duration interval) {
    return new IngestConfig(host, port, maxBodyBytes, maxDecompressedBytes, defaultTenant, ackTimeout, maxSeriesPerRequest, maxInflightBytes,
        interval, enabled, limits, tenantLimits);
  }
}
