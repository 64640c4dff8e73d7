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
import io.strata.query.store.FanoutStore;
import io.strata.query.store.StoreApi;
import io.strata.query.store.StoreUnavailableException;
import io.strata.query.web.WebUi;
import io.strata.schemas.Topics;
import io.strata.tsdb.Store;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.FormFields;
import io.strata.schemas.http.WebSecurity;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
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
  /** Stack of the HTTP threads, which parse and evaluate queries: 4 times what {@code Parser.MAX_DEPTH} was measured to need. */
  static final long THREAD_STACK_BYTES = 32L << 20;
  /** Request line and headers, so a long GET query fits: Go's {@code http.DefaultMaxHeaderBytes}, which Prometheus uses. */
  static final int MAX_HEADER_BYTES = 1 << 20;
  /** A POSTed form: Go's limit on url-encoded bodies ({@code maxFormSize}, 10 MiB) that Prometheus's API reads within. */
  static final int MAX_FORM_BYTES = 10 << 20;
  /** Parameters in a form (Jetty's default of 1,000 would refuse a Grafana call with many {@code match[]}). */
  static final int MAX_FORM_FIELDS = 100_000;
  /** The Prometheus release whose API and PromQL semantics Strata follows; Grafana reads it to pick features. */
  public static final String PROMETHEUS_VERSION = "2.42.0";

  private final QueryConfig cfg;
  private final Store store;
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
  private final StatusEndpoints status;
  private final AdminEndpoints admin;

  /**
   * Without Kafka: {@code /api/v1/metadata} answers with no families, {@code /api/v1/alerts} with no alerts,
   * {@code /api/v1/rules} with no groups.
   */
  public QueryServer(QueryConfig cfg, Store store, PrometheusRegistry metrics, BooleanSupplier ready) {
    this(cfg, store, metrics, ready, new MetadataCatalog(), new ActiveAlerts(), null, Map.of(), null, null);
  }

  /**
   * With metric metadata read from {@code <topicPrefix>metrics.metadata} (compacted, {@code MetricMetadata}
   * in Confluent wire format), alerts from {@code <topicPrefix>metrics.alerts} ({@code AlertEvent}) and rule
   * groups from {@code <topicPrefix>metrics.rules.status} ({@code RuleGroupStatus}) on {@code bootstrapServers},
   * schemas from {@code registryUrl}.
   */
  public QueryServer(QueryConfig cfg, Store store, PrometheusRegistry metrics, BooleanSupplier ready,
      String bootstrapServers, String registryUrl, String topicPrefix) {
    this(cfg, store, metrics, ready, new MetadataCatalog(), new ActiveAlerts(), bootstrapServers, Map.of(), registryUrl, topicPrefix);
  }

  /** As above, with extra properties of the topic readers' Kafka consumers ({@code kafkaClient}, e.g. a SASL login). */
  public QueryServer(QueryConfig cfg, Store store, PrometheusRegistry metrics, BooleanSupplier ready,
      String bootstrapServers, Map<String, String> kafkaClient, String registryUrl, String topicPrefix) {
    this(cfg, store, metrics, ready, new MetadataCatalog(), new ActiveAlerts(), bootstrapServers, kafkaClient, registryUrl, topicPrefix);
  }

  private QueryServer(QueryConfig cfg, Store store, PrometheusRegistry metrics, BooleanSupplier ready, MetadataCatalog catalog,
      ActiveAlerts alerts, String bootstrapServers, Map<String, String> kafkaClient, String registryUrl, String topicPrefix) {
    this.cfg = cfg;
    this.store = store;
    this.metrics = metrics;
    this.ready = ready;
    this.queries = new QueryEndpoints(cfg);
    this.series = new SeriesEndpoints(cfg);
    this.status = new StatusEndpoints(cfg);
    this.admin = new AdminEndpoints(store);
    this.metadata = new MetadataEndpoints(catalog);
    RuleGroupCatalog ruleGroups = new RuleGroupCatalog();
    this.rules = new RuleEndpoints(alerts, ruleGroups);
    boolean kafka = bootstrapServers != null;
    this.metadataReader = kafka ? new MetadataTopicReader(bootstrapServers, kafkaClient, registryUrl, topicPrefix + Topics.METADATA, catalog, metrics) : null;
    this.alertsReader = kafka ? new AlertsTopicReader(bootstrapServers, kafkaClient, registryUrl, topicPrefix + Topics.ALERTS, alerts, metrics) : null;
    this.rulesReader = kafka
        ? new RuleStatusTopicReader(bootstrapServers, kafkaClient, registryUrl, topicPrefix + Topics.RULES_STATUS, ruleGroups, metrics) : null;
    this.requests = Counter.builder().name("strata_query_requests_total").help("HTTP API requests by endpoint and status code")
        .labelNames("handler", "code").register(metrics);
    this.webUi = new WebUi(requests);
    // threads with room for the deepest expression the parser accepts (Parser.MAX_DEPTH needs about 8 MB);
    // the stack is reserved address space, touched only as deep as a query goes
    QueuedThreadPool pool = new QueuedThreadPool(32, 2, 60_000, -1, null, null,
        r -> new Thread(null, r, "query-http", THREAD_STACK_BYTES));
    pool.setName("query-http");
    pool.setDaemon(true);
    this.server = new Server(pool);
    server.setErrorHandler(new JsonErrorHandler());
    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(MAX_HEADER_BYTES);
    http.setSendServerVersion(false);
    this.connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(cfg.host());
    connector.setPort(cfg.port());
    server.addConnector(connector);
    server.setHandler(new Routes());
  }

  /**
   * Makes {@code /-/ready} answer 503 naming the stages that cannot work and serves their state at
   * {@code GET /api/v1/status/pipeline} (404 without one, as for any unknown API path).
   */
  /**
   * What {@code /api/v1/status/config} (the scrape configuration in effect, read at each request; credentials
   * shown as {@code <secret>}) and {@code /api/v1/status/flags} (flag name without dashes to value) answer;
   * an empty config and no flags without it.
   */
  public QueryServer withRuntimeStatus(java.util.function.Supplier<String> configYaml, Map<String, String> flags) {
    this.status.runtime(configYaml, flags);
    return this;
  }

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
      // the request's reads end with it: their store snapshots go at once, not when the GC finds them
      try (Store.ReadScope reads = store.readScope()) {
        route(request, response, callback);
      }
      return true;
    }

    private void route(Request request, Response response, Callback callback) throws Exception {
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
          if (path.equals("/api/v1/store/select")) {
            storeSelect(request, response, callback);
          } else if (path.startsWith("/api/v1/")) {
            api(path.substring("/api/v1/".length()), request, response, callback);
          } else if (!webUi.handle(path, request, response, callback)) {
            text(response, callback, "other", 404, "404 page not found\n");
          }
        }
      }
    }
  }

  private void api(String endpoint, Request request, Response response, Callback callback) {
    String handler = endpoint.startsWith("label/") ? "label_values" : endpoint;
    Map<String, String> headers = new LinkedHashMap<>();
    List<String> warnings = new ArrayList<>();
    boolean adminPath = AdminEndpoints.PATHS.contains(endpoint);
    String method = request.getMethod();
    if (adminPath && !method.equals("POST") && !method.equals("PUT")) {
      response.getHeaders().put(HttpHeader.ALLOW, AdminEndpoints.ALLOW);
      text(response, callback, handler, 405, "Method Not Allowed\n");
      return;
    }
    try {
      Fields params = params(request);
      String tenant = request.getHeaders().get("X-Scope-OrgID");
      String t = tenant == null || tenant.isBlank() ? cfg.defaultTenant() : tenant.trim();
      if (adminPath) {
        DataWriter answer = admin.handle(endpoint, t, params);
        if (answer == null) {
          requests.labelValues(handler, "204").inc();
          response.setStatus(204);
          response.write(true, ByteBuffer.allocate(0), callback);
          return;
        }
        respond(response, callback, handler, 200, g -> {
          g.writeStringField("status", "success");
          g.writeFieldName("data");
          answer.write(g);
        });
        return;
      }
      Store store = readStore(params, warnings);
      DataWriter data = switch (endpoint) {
        case "query" -> queries.instant(store, t, params, headers);
        case "query_range" -> queries.range(store, t, params, headers, warnings);
        case "format_query" -> queries.format(params);
        case "query_exemplars" -> queries.exemplars(params);
        case "series" -> series.series(store, t, params);
        case "labels" -> series.labels(store, t, params);
        case "store/labels" -> storeStrings(() -> StoreApi.labelNames(store, t, params));
        case "store/label_values" -> storeStrings(() -> StoreApi.labelValues(store, t, params));
        case "metadata" -> metadata.metadata(t, params);
        case "rules" -> rules.rules(t, params);
        case "alerts" -> rules.alerts(t);
        case "status/buildinfo" -> QueryServer::buildinfo;
        case "status/pipeline" -> pipeline == null ? null : pipeline::write;
        case "status/tsdb" -> status.tsdb(store, t);
        case "status/config" -> status.config();
        case "status/flags" -> status.flags();
        default -> {
          if (endpoint.startsWith("label/") && endpoint.endsWith("/values")) {
            yield series.labelValues(store, t, endpoint.substring("label/".length(), endpoint.length() - "/values".length()), params);
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
      error(response, callback, handler, e.type(), e.getMessage());
    } catch (StoreUnavailableException e) {
      error(response, callback, handler, ApiException.Type.UNAVAILABLE, e.getMessage());
    } catch (StackOverflowError e) {
      // the parser refuses what the threads' stack cannot take (Parser.MAX_DEPTH); this is the safety net
      log.warn("API {}: stack overflow", endpoint);
      error(response, callback, handler, ApiException.Type.EXECUTION, "query too deeply nested: evaluation ran out of stack");
    } catch (HttpException.RuntimeException e) {
      // Jetty refusing the request while reading its parameters (a malformed %-escape: 400 "Bad query")
      boolean client = e.getCode() >= 400 && e.getCode() < 500;
      error(response, callback, handler, client ? ApiException.Type.BAD_DATA : ApiException.Type.INTERNAL,
          "cannot read the request: " + e.getReason());
    } catch (RuntimeException e) {
      log.warn("API {} failed", endpoint, e);
      error(response, callback, handler, ApiException.Type.INTERNAL, String.valueOf(e.getMessage()));
    }
  }

  /**
   * The store a request reads: the server's own, or over a fan-out the view with the request's
   * {@code partial_response} (Thanos's parameter: true or false, default {@code query.partial_response}), whose
   * warnings about stores that did not answer go into the response.
   */
  private Store readStore(Fields params, List<String> warnings) {
    Boolean partial = Params.bool("partial_response", params.getValue("partial_response"));
    if (store instanceof FanoutStore f) {
      return f.forRequest(partial, w -> {
        synchronized (warnings) {
          warnings.add(w);
        }
      });
    }
    return store;
  }

  private static DataWriter storeStrings(java.util.function.Supplier<List<String>> read) {
    List<String> out;
    try {
      out = read.get();
    } catch (IllegalArgumentException e) {
      throw ApiException.badData(e.getMessage());
    }
    return JsonOutput.stringArray(out, Integer.MAX_VALUE);
  }

  /**
   * {@code /api/v1/store/select} (query/README.md, "Store API"): the binary series answer, streamed; a bad
   * parameter is 400 in the JSON envelope. A fan-out node answers it too, over its own stores (strictly: no
   * partial answer is passed on).
   */
  private void storeSelect(Request request, Response response, Callback callback) {
    String handler = "store/select";
    Fields params;
    try {
      params = params(request);
      StoreApi.checkSelect(params);
    } catch (ApiException e) {
      error(response, callback, handler, e.type(), e.getMessage());
      return;
    } catch (IllegalArgumentException e) {
      error(response, callback, handler, ApiException.Type.BAD_DATA, e.getMessage());
      return;
    }
    String tenant = request.getHeaders().get("X-Scope-OrgID");
    String t = tenant == null || tenant.isBlank() ? cfg.defaultTenant() : tenant.trim();
    Store s = store instanceof FanoutStore f ? f.forRequest(false, w -> { }) : store;
    requests.labelValues(handler, "200").inc();
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, StoreApi.CONTENT_TYPE);
    ResponseOutput out = new ResponseOutput(response, BUFFERED_RESPONSE_BYTES);
    try {
      StoreApi.select(s, t, params, out);
    } catch (IOException | RuntimeException e) {
      // headers may be out already: the answer is cut off before its end marker, which the reader reports
      log.warn("API {}: answer cut off: {}", handler, e.toString());
      callback.failed(e);
      return;
    }
    out.finish(callback);
  }

  private void error(Response response, Callback callback, String handler, ApiException.Type type, String message) {
    respond(response, callback, handler, type.status, g -> writeError(g, type, message));
  }

  private static void writeError(JsonGenerator g, ApiException.Type type, String message) throws IOException {
    g.writeStringField("status", "error");
    g.writeStringField("errorType", type.wire);
    g.writeStringField("error", message);
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
    if ("POST".equals(request.getMethod()) || "PUT".equals(request.getMethod())) {
      String ct = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
      if (ct != null && ct.startsWith("application/x-www-form-urlencoded")) {
        long length = request.getLength();
        if (length > MAX_FORM_BYTES) {
          throw formTooLarge();
        }
        Fields form;
        try {
          form = FormFields.getFields(request, MAX_FORM_FIELDS, MAX_FORM_BYTES);
        } catch (RuntimeException e) {
          // Jetty's "form too large" / "too many fields" (a chunked body without a length), or a broken body
          if (String.valueOf(e.getMessage()).contains("too")) {
            throw formTooLarge();
          }
          throw ApiException.badData("cannot read the form: " + e.getMessage());
        }
        Fields merged = new Fields(true);
        all.forEach(f -> f.getValues().forEach(v -> merged.add(f.getName(), v)));
        form.forEach(f -> f.getValues().forEach(v -> merged.add(f.getName(), v)));
        return merged;
      }
    }
    return all;
  }

  private static ApiException formTooLarge() {
    return new ApiException(ApiException.Type.TOO_LARGE, "request body too large: a form is limited to " + MAX_FORM_BYTES
        + " bytes and " + MAX_FORM_FIELDS + " fields");
  }

  /**
   * What Jetty answers itself (a request line or headers over {@link #MAX_HEADER_BYTES}: 431, a malformed
   * request: 400, an error no handler caught: 500) in the API's JSON envelope instead of an HTML page.
   */
  private static final class JsonErrorHandler extends ErrorHandler {
    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
        Callback callback) throws IOException {
      writeJson(response, code, message, callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
      fields.put(HttpHeader.CONTENT_TYPE, "application/json");
      return ByteBuffer.wrap(json(status, reason));
    }

    private static void writeJson(Response response, int code, String message, Callback callback) {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
      response.write(true, ByteBuffer.wrap(json(code, message)), callback);
    }

    private static byte[] json(int code, String message) {
      ApiException.Type type = switch (code) {
        case 400, 413, 414, 431 -> ApiException.Type.BAD_DATA;
        case 404 -> ApiException.Type.NOT_FOUND;
        case 503 -> ApiException.Type.UNAVAILABLE;
        default -> ApiException.Type.INTERNAL;
      };
      ByteArrayOutputStream out = new ByteArrayOutputStream(128);
      try (JsonGenerator g = JSON.createGenerator(out)) {
        g.writeStartObject();
        writeError(g, type, message == null || message.isEmpty() ? HttpStatus.getMessage(code) : message);
        g.writeEndObject();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toByteArray();
    }
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
