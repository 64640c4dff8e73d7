package io.strata.query.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.query.alerts.ActiveAlerts;
import io.strata.query.alerts.AlertsTopicReader;
import io.strata.query.rules.RuleGroupCatalog;
import io.strata.query.rules.RuleStatusTopicReader;
import io.strata.query.metadata.MetadataCatalog;
import io.strata.query.metadata.MetadataTopicReader;
import io.strata.query.web.WebUi;
import io.strata.schemas.Topics;
import io.strata.tsdb.Store;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.FormFields;
import io.strata.schemas.http.WebSecurity;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Prometheus HTTP API over the store: the response envelope ({@code status}, {@code data},
 * {@code errorType}, {@code error}), Prometheus's status codes, and the endpoints Grafana calls. Routing,
 * lifecycle and the envelope live here; the endpoints in {@link QueryEndpoints}, {@link SeriesEndpoints}
 * and {@link MetadataEndpoints}.
 */
public final class QueryServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(QueryServer.class);
  private static final JsonFactory JSON = new JsonFactory();
  /** The Prometheus release whose API and PromQL semantics Strata follows; Grafana reads it to pick features. */
  public static final String PROMETHEUS_VERSION = "2.42.0";

  private final QueryConfig cfg;
  private final PrometheusRegistry metrics;
  private final BooleanSupplier ready;
  private final Counter requests;
  private final Server server;
  private final ServerConnector connector;
  private final QueryEndpoints queries;
  private final SeriesEndpoints series;
  private final MetadataEndpoints metadata;
  private final MetadataTopicReader metadataReader;
  private final RuleEndpoints rules;
  private final AlertsTopicReader alertsReader;
  private final RuleStatusTopicReader rulesReader;
  private final WebUi webUi;
  private volatile PipelineStatus pipeline;

  /**
   * Without Kafka: {@code /api/v1/metadata} answers with no families, {@code /api/v1/alerts} with no alerts,
   * {@code /api/v1/rules} with no groups.
   */
  public QueryServer(QueryConfig cfg, Store store, PrometheusRegistry metrics, BooleanSupplier ready) {
    this(cfg, store, metrics, ready, new MetadataCatalog(), new ActiveAlerts(), null, null, null);
  }

  /**
   * With metric metadata read from {@code <topicPrefix>metrics.metadata} (compacted, {@code MetricMetadata}
   * in Confluent wire format), alerts from {@code <topicPrefix>metrics.alerts} ({@code AlertEvent}) and rule
   * groups from {@code <topicPrefix>metrics.rules.status} ({@code RuleGroupStatus}) on {@code bootstrapServers},
   * schemas from {@code registryUrl}.
   */
  public QueryServer(QueryConfig cfg, Store store, PrometheusRegistry metrics, BooleanSupplier ready,
      String bootstrapServers, String registryUrl, String topicPrefix) {
    this(cfg, store, metrics, ready, new MetadataCatalog(), new ActiveAlerts(), bootstrapServers, registryUrl, topicPrefix);
  }

  private QueryServer(QueryConfig cfg, Store store, PrometheusRegistry metrics, BooleanSupplier ready, MetadataCatalog catalog,
      ActiveAlerts alerts, String bootstrapServers, String registryUrl, String topicPrefix) {
    this.cfg = cfg;
    this.metrics = metrics;
    this.ready = ready;
    this.queries = new QueryEndpoints(cfg, store);
    this.series = new SeriesEndpoints(cfg, store);
    this.metadata = new MetadataEndpoints(catalog);
    RuleGroupCatalog ruleGroups = new RuleGroupCatalog();
    this.rules = new RuleEndpoints(alerts, ruleGroups);
    boolean kafka = bootstrapServers != null;
    this.metadataReader = kafka ? new MetadataTopicReader(bootstrapServers, registryUrl, topicPrefix + Topics.METADATA, catalog, metrics) : null;
    this.alertsReader = kafka ? new AlertsTopicReader(bootstrapServers, registryUrl, topicPrefix + Topics.ALERTS, alerts, metrics) : null;
    this.rulesReader = kafka
        ? new RuleStatusTopicReader(bootstrapServers, registryUrl, topicPrefix + Topics.RULES_STATUS, ruleGroups, metrics) : null;
    this.requests = Counter.builder().name("strata_query_requests_total").help("HTTP API requests by endpoint and status code")
        .labelNames("handler", "code").register(metrics);
    this.webUi = new WebUi(requests);
    QueuedThreadPool pool = new QueuedThreadPool(32, 2);
    pool.setName("query-http");
    pool.setDaemon(true);
    this.server = new Server(pool);
    this.connector = new ServerConnector(server);
    connector.setHost(cfg.host());
    connector.setPort(cfg.port());
    server.addConnector(connector);
    server.setHandler(new Routes());
  }

  /**
   * Makes {@code /-/ready} answer 503 naming the stages that cannot work and serves their state at
   * {@code GET /api/v1/status/pipeline} (404 without one, as for any unknown API path).
   */
  public QueryServer withPipelineStatus(PipelineStatus status) {
    this.pipeline = status;
    return this;
  }

  public QueryServer start() {
    try {
      server.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start query server on " + cfg.host() + ":" + cfg.port() + ": " + e.getMessage(), e);
    }
    if (metadataReader != null) {
      metadataReader.start();
      alertsReader.start();
      rulesReader.start();
    }
    log.info("query API listening on http://{}:{}", cfg.host(), port());
    return this;
  }

  /**
   * Puts {@code --web.config.file} (TLS, basic auth, headers), {@code auth.tenants} and the lifecycle and admin
   * gates on this server's port ({@link WebSecurity}); call before {@link #start()}.
   */
  public QueryServer secure(WebSecurity web) {
    web.install(server);
    return this;
  }

  /** The web UI at {@code /} (query/README.md); {@code webUi().ingestUrl(...)} lets it show the ingest's targets. */
  public WebUi webUi() {
    return webUi;
  }

  public int port() {
    return connector.getLocalPort();
  }

  /** True when there is no metadata topic to read, or everything on it at start has been read. */
  public boolean metadataCaughtUp() {
    return metadataReader == null || metadataReader.caughtUp();
  }

  /** True when there is no alerts topic to read, or everything on it at start has been read. */
  public boolean alertsCaughtUp() {
    return alertsReader == null || alertsReader.caughtUp();
  }

  /** True when there is no rule status topic to read, or everything on it at start has been read. */
  public boolean rulesCaughtUp() {
    return rulesReader == null || rulesReader.caughtUp();
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      log.warn("query server stop: {}", e.toString());
    }
    if (metadataReader != null) {
      metadataReader.close();
      alertsReader.close();
      rulesReader.close();
    }
  }

  private final class Routes extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      String path = Request.getPathInContext(request);
      switch (path) {
        case "/-/healthy" -> text(response, callback, "health", 200, "Strata is Healthy.\n");
        case "/-/ready" -> {
          PipelineStatus p = pipeline;
          List<String> down = p == null ? List.of() : p.notReady();
          if (!ready.getAsBoolean()) {
            text(response, callback, "health", 503, "Service Unavailable\n");
          } else if (!down.isEmpty()) {
            text(response, callback, "health", 503, "Service Unavailable: not ready: " + String.join(", ", down) + "\n");
          } else {
            text(response, callback, "health", 200, "Strata is Ready.\n");
          }
        }
        case "/metrics" -> {
          ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
          PrometheusTextFormatWriter.create().write(out, metrics.scrape());
          response.setStatus(200);
          response.getHeaders().put(HttpHeader.CONTENT_TYPE, PrometheusTextFormatWriter.CONTENT_TYPE);
          response.write(true, ByteBuffer.wrap(out.toByteArray()), callback);
        }
        default -> {
          if (path.startsWith("/api/v1/")) {
            api(path.substring("/api/v1/".length()), request, response, callback);
          } else if (!webUi.handle(path, request, response, callback)) {
            text(response, callback, "other", 404, "404 page not found\n");
          }
        }
      }
      return true;
    }
  }

  private void api(String endpoint, Request request, Response response, Callback callback) {
    String handler = endpoint.startsWith("label/") ? "label_values" : endpoint;
    Map<String, String> headers = new LinkedHashMap<>();
    List<String> warnings = new ArrayList<>();
    try {
      Fields params = params(request);
      String tenant = request.getHeaders().get("X-Scope-OrgID");
      String t = tenant == null || tenant.isBlank() ? cfg.defaultTenant() : tenant.trim();
      DataWriter data = switch (endpoint) {
        case "query" -> queries.instant(t, params, headers);
        case "query_range" -> queries.range(t, params, headers, warnings);
        case "format_query" -> queries.format(params);
        case "query_exemplars" -> queries.exemplars(params);
        case "series" -> series.series(t, params);
        case "labels" -> series.labels(t, params);
        case "metadata" -> metadata.metadata(t, params);
        case "rules" -> rules.rules(t, params);
        case "alerts" -> rules.alerts(t);
        case "status/buildinfo" -> QueryServer::buildinfo;
        case "status/pipeline" -> pipeline == null ? null : pipeline::write;
        default -> {
          if (endpoint.startsWith("label/") && endpoint.endsWith("/values")) {
            yield series.labelValues(t, endpoint.substring("label/".length(), endpoint.length() - "/values".length()), params);
          }
          yield null;
        }
      };
      if (data == null) {
        // Prometheus answers an unknown API path with Go's plain-text 404, not a JSON envelope
        text(response, callback, "other", 404, "404 page not found\n");
        return;
      }
      headers.forEach((k, v) -> response.getHeaders().put(k, v));
      respond(response, callback, handler, 200, g -> {
        g.writeStringField("status", "success");
        g.writeFieldName("data");
        data.write(g);
        if (!warnings.isEmpty()) {
          g.writeArrayFieldStart("warnings");
          for (String w : warnings) {
            g.writeString(w);
          }
          g.writeEndArray();
        }
      });
    } catch (ApiException e) {
      respond(response, callback, handler, e.type().status, g -> {
        g.writeStringField("status", "error");
        g.writeStringField("errorType", e.type().wire);
        g.writeStringField("error", e.getMessage());
      });
    } catch (RuntimeException e) {
      log.warn("API {} failed", endpoint, e);
      respond(response, callback, handler, 500, g -> {
        g.writeStringField("status", "error");
        g.writeStringField("errorType", "internal");
        g.writeStringField("error", String.valueOf(e.getMessage()));
      });
    }
  }

  private static void buildinfo(JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("version", PROMETHEUS_VERSION);
    g.writeStringField("revision", "strata-0.1.0");
    g.writeStringField("branch", "main");
    g.writeStringField("buildUser", "strata");
    g.writeStringField("buildDate", "");
    g.writeStringField("goVersion", "java" + System.getProperty("java.version"));
    g.writeEndObject();
  }

  private static Fields params(Request request) {
    Fields all = Request.extractQueryParameters(request);
    if ("POST".equals(request.getMethod())) {
      String ct = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
      if (ct != null && ct.startsWith("application/x-www-form-urlencoded")) {
        Fields form = FormFields.getFields(request);
        Fields merged = new Fields(true);
        all.forEach(f -> f.getValues().forEach(v -> merged.add(f.getName(), v)));
        form.forEach(f -> f.getValues().forEach(v -> merged.add(f.getName(), v)));
        return merged;
      }
    }
    return all;
  }

  /** Answers up to this size are sent whole with a Content-Length; larger ones stream (see {@link ResponseOutput}). */
  static final int BUFFERED_RESPONSE_BYTES = 256 * 1024;

  private void respond(Response response, Callback callback, String handler, int status, DataWriter body) {
    requests.labelValues(handler, Integer.toString(status)).inc();
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    ResponseOutput out = new ResponseOutput(response, BUFFERED_RESPONSE_BYTES);
    try {
      try (JsonGenerator g = JSON.createGenerator(out)) {
        g.writeStartObject();
        body.write(g);
        g.writeEndObject();
      }
    } catch (IOException | RuntimeException e) {
      if (!out.streaming() && e instanceof RuntimeException re) {
        throw re; // nothing sent yet: the caller answers with an error instead
      }
      // the client went away, or a bug after part of the answer was sent: the answer can only be cut off
      log.warn("API {}: answer cut off: {}", handler, e.toString());
      callback.failed(e);
      return;
    }
    out.finish(callback);
  }

  private void text(Response response, Callback callback, String handler, int status, String body) {
    requests.labelValues(handler, Integer.toString(status)).inc();
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
  }
}
