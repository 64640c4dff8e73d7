package io.strata.ingest.server;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.ingest.exposition.FamilyMetadata;
import io.strata.ingest.kafka.IngestRejectedException;
import io.strata.ingest.kafka.SampleBatchProducer;
import io.strata.ingest.kafka.SeriesCheck;
import io.strata.ingest.limits.RateLimitedException;
import io.strata.ingest.limits.WriteLimits;
import io.strata.ingest.kafka.SeriesSamples;
import io.strata.ingest.remotewrite.BadRequestException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Content;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every push path shares: the tenant from {@code X-Scope-OrgID}, the body-size limit (413), the
 * in-flight budget (503 + Retry-After), decoding errors as 400 with nothing written, and the answer only
 * after Kafka acknowledged every batch (503 + Retry-After when it did not).
 */
final class PushPipeline {
  private static final Logger log = LoggerFactory.getLogger(PushPipeline.class);
  /** Seconds a sender should wait after a 503; Prometheus's remote_write backs off on its own anyway. */
  static final String RETRY_AFTER_SECONDS = "1";

  /** Decodes a body and writes it; may throw {@link BadRequestException}. */
  interface BodyConsumer {
    void accept(String tenant, byte[] body);
  }

  final IngestConfig cfg;
  final SampleBatchProducer producer;
  final WriteLimits limits;
  private final InflightLimiter inflight;
  private final Counter rejected;
  private final Counter skipped;

  PushPipeline(IngestConfig cfg, SampleBatchProducer producer, PrometheusRegistry metrics) {
    this.cfg = cfg;
    this.producer = producer;
    this.inflight = new InflightLimiter(cfg.maxInflightBytes());
    this.limits = new WriteLimits(cfg.limits(), cfg.tenantLimits(), Clock.systemUTC(), metrics);
    this.rejected = Counter.builder().name("strata_ingest_rejected_requests_total").help("Push requests rejected, by reason")
        .labelNames("handler", "reason").register(metrics);
    this.skipped = Counter.builder().name("strata_ingest_skipped_total")
        .help("Items of accepted requests that Strata does not store (native histograms, exemplars, ...), by kind")
        .labelNames("handler", "kind").register(metrics);
  }

  void reject(Exchange ex, String reason, int status, String message) {
    reject(ex, reason, status, message, RETRY_AFTER_SECONDS);
  }

  private void reject(Exchange ex, String reason, int status, String message, String retryAfterSeconds) {
    rejected.labelValues(ex.handler, reason).inc();
    if (status == 503 || status == 429) {
      ex.setHeader("Retry-After", retryAfterSeconds);
    }
    ex.replyError(status, message.endsWith("\n") ? message : message + "\n");
  }

  /** A refused request: its status (400, 413, 429 with the rate limit's Retry-After) and message. */
  void reject(Exchange ex, BadRequestException e) {
    String retryAfter = e instanceof RateLimitedException r ? Long.toString(r.retryAfterSeconds()) : RETRY_AFTER_SECONDS;
    reject(ex, e.reason(), e.status(), e.getMessage(), retryAfter);
  }

  void countSkipped(String handler, String kind, long n) {
    if (n > 0) {
      skipped.labelValues(handler, kind).inc(n);
    }
  }

  /** The tenant of the request; a header that is not a valid tenant id is bad input. */
  String tenant(Exchange ex) {
    String t = ex.header(Tenants.HEADER);
    if (t == null || t.isBlank()) {
      return cfg.defaultTenant();
    }
    t = t.trim();
    if (!Tenants.isValid(t)) {
      throw new BadRequestException("tenant", Tenants.HEADER + " \"" + t + "\" is not a valid tenant id (1-" + Tenants.MAX_LENGTH
          + " characters of a-z A-Z 0-9 ! - _ . * ' ( ))");
    }
    return t;
  }

  /** Checks tenant and size, reserves in-flight bytes, reads the body and hands it to the consumer. */
  void readBody(Exchange ex, BodyConsumer consumer) {
    String tenant;
    try {
      tenant = tenant(ex);
    } catch (BadRequestException e) {
      reject(ex, e.reason(), e.status(), e.getMessage());
      return;
    }
    long length = ex.request.getLength();
    if (length > cfg.maxBodyBytes()) {
      reject(ex, BadRequestException.TOO_LARGE, 413, "body of " + length + " bytes exceeds the limit of " + cfg.maxBodyBytes()
          + " (ingest.max_body_bytes)");
      return;
    }
    long reserve = length >= 0 ? length : cfg.maxBodyBytes();
    if (!inflight.tryAcquire(reserve)) {
      reject(ex, "inflight_limit", 503, "too many bytes of pushes in progress (ingest.max_inflight_bytes = " + cfg.maxInflightBytes()
          + "); retry later");
      return;
    }
    ex.onReply(() -> inflight.release(reserve));
    Content.Source.asByteArrayAsync(ex.request, cfg.maxBodyBytes()).whenComplete((body, readError) -> {
      if (readError != null) {
        if (length < 0) { // chunked body: the only way past the limit is to send more than it
          reject(ex, BadRequestException.TOO_LARGE, 413, "body exceeds the limit of " + cfg.maxBodyBytes() + " bytes (ingest.max_body_bytes) or could not be read: "
              + readError.getMessage());
        } else {
          reject(ex, "read", 400, "cannot read body: " + readError.getMessage());
        }
        return;
      }
      try {
        consumer.accept(tenant, body);
      } catch (BadRequestException e) {
        reject(ex, e);
      } catch (IngestRejectedException e) {
        reject(ex, "kafka_unavailable", 503, e.getMessage() + "; retry");
      } catch (RuntimeException e) {
        log.error("BUG: {} request failed", ex.handler, e);
        reject(ex, "internal", 500, "internal error: " + e);
      }
    });
  }

  /**
   * Checks the tenant's limits on every series and the metadata, takes the samples from its ingestion rate
   * (throws {@link BadRequestException}, so nothing is written), then writes series and metadata; runs
   * {@code onAck} (which replies 2xx) only when Kafka acknowledged all of it.
   */
  void write(Exchange ex, String tenant, List<SeriesSamples> series, List<FamilyMetadata> metadata, Runnable onAck) {
    SeriesCheck check = limits.forRequest(tenant);
    long samples = 0;
    for (SeriesSamples s : series) {
      check.check(s.labels(), s.timestamps(), 0, s.count());
      samples += s.count();
    }
    limits.checkMetadata(tenant, metadata);
    limits.admit(tenant, samples);
    CompletableFuture<Void> ack;
    try {
      ack = producer.send(tenant, ex.handler, series, metadata);
    } catch (IngestRejectedException e) {
      reject(ex, "kafka_unavailable", 503, e.getMessage() + "; retry");
      return;
    }
    awaitAck(ex, ack, onAck);
  }

  void awaitAck(Exchange ex, CompletableFuture<Void> ack, Runnable onAck) {
    ack.orTimeout(cfg.ackTimeout().toMillis(), TimeUnit.MILLISECONDS).whenComplete((ok, err) -> {
      if (err == null) {
        onAck.run();
      } else {
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        String what = cause instanceof java.util.concurrent.TimeoutException
            ? "Kafka did not acknowledge within " + cfg.ackTimeout().toMillis() + " ms (ingest.ack_timeout)"
            : "not acknowledged by Kafka: " + cause.getMessage();
        reject(ex, "kafka_unavailable", 503, what + "; retry");
      }
    });
  }
}
