package io.strata.ingest.server;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.ingest.kafka.SampleBatchProducer;
import io.strata.ingest.pushgateway.PushgatewayStore;
import io.strata.ingest.scrape.ScrapeEngine;
import io.strata.ingest.scrape.config.ConfigException;
import io.strata.schemas.http.WebSecurity;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Clock;
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
 * The ingest HTTP endpoint: remote_write 1.0/2.0 ({@code /api/v1/write}), OTLP/HTTP ({@code /v1/metrics}),
 * the Pushgateway API ({@code /metrics/job/...}, {@code /api/v1/metrics}), its own {@code /metrics}, health,
 * and, when built with a scrape engine, {@code /api/v1/targets} and {@code /-/reload}. A push is answered
 * 2xx only after Kafka acknowledged every batch of it; bad input gets 400 (413 for size limits) with a
 * message and nothing of it is written; Kafka trouble gets 503 with Retry-After so the sender retries.
 */
public final class IngestServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IngestServer.class);
  public static final String TENANT_HEADER = Tenants.HEADER;

  private final IngestConfig cfg;
  private final PrometheusRegistry metrics;
  private final Counter requests;
  private final PushPipeline pipeline;
  private final RemoteWriteHandler remoteWrite;
  private final OtlpHandler otlp;
  private final PushgatewayStore pushgateway;
  private final PushgatewayHandler pushgatewayHandler;
  private final ScrapeEngine scrapeEngine;
  private final Path scrapeConfigFile;
  private final Server server;
  private final ServerConnector connector;
  private volatile Runnable alsoOnReload;
  private volatile java.util.function.Supplier<String> readiness = () -> null;

  public IngestServer(IngestConfig cfg, SampleBatchProducer producer, PrometheusRegistry metrics) {
    this(cfg, producer, metrics, null, null);
  }

  /**
   * With a scrape engine: {@code GET /api/v1/targets} lists its targets, and {@code POST|PUT /-/reload}
   * reloads {@code scrapeConfigFile} into it (null: reload answers 404).
   */
  public IngestServer(IngestConfig cfg, SampleBatchProducer producer, PrometheusRegistry metrics, ScrapeEngine scrapeEngine, Path scrapeConfigFile) {
    this.cfg = cfg;
    this.metrics = metrics;
    this.scrapeEngine = scrapeEngine;
    this.scrapeConfigFile = scrapeConfigFile;
    this.requests = Counter.builder().name("strata_ingest_requests_total").help("HTTP requests by handler and status code")
        .labelNames("handler", "code").register(metrics);
    this.pipeline = new PushPipeline(cfg, producer, metrics);
    this.remoteWrite = new RemoteWriteHandler(pipeline, cfg);
    this.otlp = new OtlpHandler(pipeline);
    this.pushgateway = cfg.pushgatewayEnabled()
        ? new PushgatewayStore(producer, cfg.pushgatewayInterval(), cfg.ackTimeout(), metrics, Clock.systemUTC())
        : null;
    this.pushgatewayHandler = pushgateway == null ? null : new PushgatewayHandler(pipeline, pushgateway);
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

  /** Restores the Pushgateway groups from Kafka (when enabled), then listens. */
  public IngestServer start() {
    if (pushgateway != null) {
      pushgateway.start();
    }
    try {
      server.start();
    } catch (Exception e) {
      if (pushgateway != null) {
        pushgateway.close();
      }
      throw new IllegalStateException("cannot start ingest server on " + cfg.host() + ":" + cfg.port() + ": " + e.getMessage(), e);
    }
    log.info("ingest listening on http://{}:{}", cfg.host(), port());
    return this;
  }

  /**
   * Puts {@code --web.config.file} (TLS, basic auth, headers), {@code auth.tenants} and the lifecycle and admin
   * gates on this server's port ({@link WebSecurity}); call before {@link #start()}.
   */
  public IngestServer secure(WebSecurity web) {
    web.install(server);
    return this;
  }

  public int port() {
    return connector.getLocalPort();
  }

  /**
   * What {@code POST /-/reload} reloads after the scrape config (in {@code strata up}: the rule files), as one
   * Prometheus reload reloads every part: a RuntimeException is reported (500) with the scrape config's failure.
   */
  public IngestServer alsoOnReload(Runnable reload) {
    this.alsoOnReload = reload;
    return this;
  }

  /**
   * What {@code /-/ready} reports: null while ingest can write (200), else the reason it cannot (503 with the
   * reason), e.g. a {@link WriteReadiness}. Without one, {@code /-/ready} answers 200 as {@code /-/healthy}.
   */
  public IngestServer readiness(java.util.function.Supplier<String> problem) {
    this.readiness = problem;
    return this;
  }

  /** The Pushgateway state, or null when disabled. */
  public PushgatewayStore pushgateway() {
    return pushgateway;
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      log.warn("ingest server stop: {}", e.toString());
    }
    if (pushgateway != null) {
      pushgateway.close();
    }
  }

  private final class Routes extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      String path = Request.getPathInContext(request);
      switch (path) {
        case "/api/v1/write" -> remoteWrite.handle(exchange(request, response, callback, "remote_write"));
        case "/v1/metrics", "/api/v1/otlp/v1/metrics" -> otlp.handle(exchange(request, response, callback, "otlp"));
        case "/metrics" -> ownMetrics(exchange(request, response, callback, "metrics"));
        case "/api/v1/metrics" -> {
          Exchange ex = exchange(request, response, callback, "pushgateway");
          if (pushgatewayHandler == null) {
            ex.replyText(404, "the Pushgateway API is disabled (ingest.pushgateway.enabled)\n");
          } else {
            pushgatewayHandler.list(ex);
          }
        }
        case "/api/v1/targets" -> targets(exchange(request, response, callback, "targets"));
        case "/-/reload" -> reload(exchange(request, response, callback, "reload"));
        case "/-/healthy" -> exchange(request, response, callback, "health").replyText(200, "OK\n");
        case "/-/ready" -> {
          String problem = readiness.get();
          exchange(request, response, callback, "health").replyText(problem == null ? 200 : 503,
              problem == null ? "OK\n" : "Service Unavailable: cannot write: " + problem + "\n");
        }
        default -> {
          String raw = request.getHttpURI().getPath();
          if (pushgatewayHandler != null && raw != null && raw.startsWith("/metrics/")) {
            pushgatewayHandler.handle(exchange(request, response, callback, "pushgateway"), raw.substring("/metrics/".length()));
          } else {
            exchange(request, response, callback, "other").replyText(404, "404 page not found\n");
          }
        }
      }
      return true;
    }
  }

  private Exchange exchange(Request request, Response response, Callback callback, String handler) {
    return new Exchange(request, response, callback, handler, requests);
  }

  private void ownMetrics(Exchange ex) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    try {
      PrometheusTextFormatWriter.create().write(out, metrics.scrape());
    } catch (java.io.IOException e) {
      throw new IllegalStateException("BUG: writing metrics to memory failed", e);
    }
    ex.reply(200, PrometheusTextFormatWriter.CONTENT_TYPE, out.toByteArray());
  }

  private void targets(Exchange ex) {
    if (scrapeEngine == null) {
      ex.replyText(404, "no scrape engine runs in this ingest\n");
      return;
    }
    ex.reply(200, "application/json", TargetsJson.render(scrapeEngine.targets(), scrapeEngine.discoveryErrors()));
  }

  private void reload(Exchange ex) {
    String method = ex.request.getMethod();
    if (!method.equals("POST") && !method.equals("PUT")) {
      ex.replyText(405, "Only POST or PUT requests allowed\n");
      return;
    }
    if (scrapeEngine == null || scrapeConfigFile == null) {
      ex.replyText(404, "no scrape config file to reload\n");
      return;
    }
    String failure = null;
    try {
      scrapeEngine.reload(scrapeConfigFile);
    } catch (ConfigException e) {
      failure = e.getMessage();
    } catch (RuntimeException e) {
      failure = e.toString();
    }
    Runnable also = alsoOnReload;
    if (also != null) {
      try {
        also.run();
      } catch (RuntimeException e) {
        failure = failure == null ? e.getMessage() : failure + "; " + e.getMessage();
      }
    }
    if (failure == null) {
      ex.replyText(200, null);
    } else {
      ex.replyText(500, "failed to reload config: " + failure + "\n");
    }
  }
}
