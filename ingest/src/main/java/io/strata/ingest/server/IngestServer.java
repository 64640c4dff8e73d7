package io.strata.ingest.server;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.ingest.kafka.IngestRejectedException;
import io.strata.ingest.kafka.SampleBatchProducer;
import io.strata.ingest.kafka.SeriesSamples;
import io.strata.ingest.remotewrite.BadRequestException;
import io.strata.ingest.remotewrite.RemoteWriteV1Decoder;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest HTTP endpoint. A push is answered 2xx only after Kafka acknowledged every batch of it; bad
 * input gets 400 with a message and nothing of it is written; Kafka trouble gets 503 with Retry-After so
 * the sender retries.
 */
public final class IngestServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IngestServer.class);
  public static final String TENANT_HEADER = "X-Scope-OrgID";

  private final IngestConfig cfg;
  private final SampleBatchProducer producer;
  private final PrometheusRegistry metrics;
  private final RemoteWriteV1Decoder remoteWrite;
  private final Counter requests;
  private final Counter rejected;
  private final Server server;
  private final ServerConnector connector;

  public IngestServer(IngestConfig cfg, SampleBatchProducer producer, PrometheusRegistry metrics) {
    this.cfg = cfg;
    this.producer = producer;
    this.metrics = metrics;
    this.remoteWrite = new RemoteWriteV1Decoder(cfg.maxDecompressedBytes());
    this.requests = Counter.builder().name("strata_ingest_requests_total").help("HTTP requests by handler and status code")
        .labelNames("handler", "code").register(metrics);
    this.rejected = Counter.builder().name("strata_ingest_rejected_requests_total").help("Push requests rejected, by reason")
        .labelNames("handler", "reason").register(metrics);
    QueuedThreadPool pool = new QueuedThreadPool(64, 4);
    pool.setName("ingest-http");
    pool.setDaemon(true);
    this.server = new Server(pool);
    this.connector = new ServerConnector(server);
    connector.setHost(cfg.host());
    connector.setPort(cfg.port());
    server.addConnector(connector);
    server.setHandler(new Routes());
  }

  public IngestServer start() {
    try {
      server.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start ingest server on " + cfg.host() + ":" + cfg.port() + ": " + e.getMessage(), e);
    }
    log.info("ingest listening on http://{}:{}", cfg.host(), port());
    return this;
  }

  public int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      log.warn("ingest server stop: {}", e.toString());
    }
  }

  private final class Routes extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      String path = Request.getPathInContext(request);
      String method = request.getMethod();
      switch (path) {
        case "/api/v1/write" -> {
          if (!method.equals("POST")) {
            reply(response, callback, "remote_write", 405, "method " + method + " not allowed; use POST\n");
          } else {
            remoteWrite(request, response, callback);
          }
        }
        case "/metrics" -> {
          ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
          try {
            PrometheusTextFormatWriter.create().write(out, metrics.scrape());
          } catch (java.io.IOException e) {
            throw new IllegalStateException("BUG: writing metrics to memory failed", e);
          }
          response.setStatus(200);
          response.getHeaders().put(HttpHeader.CONTENT_TYPE, PrometheusTextFormatWriter.CONTENT_TYPE);
          response.write(true, ByteBuffer.wrap(out.toByteArray()), callback);
        }
        case "/-/healthy", "/-/ready" -> reply(response, callback, "health", 200, "OK\n");
        default -> reply(response, callback, "other", 404, "404 page not found\n");
      }
      return true;
    }
  }

  private void remoteWrite(Request request, Response response, Callback callback) {
    String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    if (contentType != null && contentType.contains("io.prometheus.write.v2.Request")) {
      rejected.labelValues("remote_write", "content_type").inc();
      reply(response, callback, "remote_write", 415, "remote write 2.0 (" + contentType + ") is not supported yet; send 1.0\n");
      return;
    }
    if (contentType != null && !contentType.startsWith("application/x-protobuf")) {
      rejected.labelValues("remote_write", "content_type").inc();
      reply(response, callback, "remote_write", 415, "unsupported Content-Type " + contentType + "; remote_write needs application/x-protobuf\n");
      return;
    }
    if (request.getLength() > cfg.maxBodyBytes()) {
      rejected.labelValues("remote_write", "too_large").inc();
      reply(response, callback, "remote_write", 413, "body of " + request.getLength() + " bytes exceeds the limit of " + cfg.maxBodyBytes() + "\n");
      return;
    }
    String tenant = tenant(request);
    Content.Source.asByteArrayAsync(request, cfg.maxBodyBytes()).whenComplete((body, readError) -> {
      if (readError != null) {
        rejected.labelValues("remote_write", "read").inc();
        reply(response, callback, "remote_write", 400, "cannot read body: " + readError.getMessage() + "\n");
        return;
      }
      List<SeriesSamples> series;
      try {
        series = remoteWrite.decode(body);
      } catch (BadRequestException e) {
        rejected.labelValues("remote_write", e.reason()).inc();
        reply(response, callback, "remote_write", 400, e.getMessage() + "\n");
        return;
      }
      acknowledge(tenant, "remote_write", series, response, callback);
    });
  }

  private void acknowledge(String tenant, String source, List<SeriesSamples> series, Response response, Callback callback) {
    try {
      producer.send(tenant, source, series).orTimeout(cfg.ackTimeout().toMillis(), TimeUnit.MILLISECONDS).whenComplete((ok, err) -> {
        if (err == null) {
          reply(response, callback, source, 204, null);
        } else {
          Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
          rejected.labelValues(source, "kafka_unavailable").inc();
          response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
          reply(response, callback, source, 503, "not acknowledged by Kafka, retry: " + cause.getMessage() + "\n");
        }
      });
    } catch (IngestRejectedException e) {
      rejected.labelValues(source, "kafka_unavailable").inc();
      response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
      reply(response, callback, source, 503, e.getMessage() + "\n");
    }
  }

  private String tenant(Request request) {
    String t = request.getHeaders().get(TENANT_HEADER);
    return t == null || t.isBlank() ? cfg.defaultTenant() : t.trim();
  }

  private void reply(Response response, Callback callback, String handler, int status, String body) {
    requests.labelValues(handler, Integer.toString(status)).inc();
    response.setStatus(status);
    if (body == null) {
      callback.succeeded();
      return;
    }
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
  }
}
