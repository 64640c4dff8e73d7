package io.strata.ingest.server;

import java.time.Duration;

/**
 * Settings of the ingest HTTP server.
 *
 * @param host address to bind
 * @param port port to bind (0 picks a free one)
 * @param maxBodyBytes largest request body accepted as sent (compressed); larger gets 413
 * @param maxDecompressedBytes largest remote_write body after snappy decompression; larger gets 400
 * @param defaultTenant tenant of requests without an X-Scope-OrgID header
 * @param ackTimeout how long a request waits for Kafka's acknowledgement before answering 503
 */
public record IngestConfig(String host, int port, int maxBodyBytes, int maxDecompressedBytes, String defaultTenant, Duration ackTimeout) {
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
    if (defaultTenant == null || defaultTenant.isBlank()) {
      throw new IllegalArgumentException("ingest.default_tenant must not be empty");
    }
    if (ackTimeout.isNegative() || ackTimeout.isZero()) {
      throw new IllegalArgumentException("ingest.ack_timeout must be > 0, got " + ackTimeout);
    }
  }

  /** 10 MiB compressed and 64 MiB decompressed: far above what Prometheus sends per request (~1-2 MiB). */
  public static IngestConfig defaults(String host, int port) {
    return new IngestConfig(host, port, 10 << 20, 64 << 20, "default", Duration.ofSeconds(30));
  }
}
