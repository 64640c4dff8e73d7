package io.strata.query.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.promql.PromQL;
import io.strata.promql.ast.GoFormat;
import io.strata.promql.ast.VectorSelector;
import io.strata.promql.parser.PromQLParseException;
import io.strata.promql.engine.Engine;
import io.strata.promql.engine.EngineOptions;
import io.strata.promql.engine.Matrix;
import io.strata.promql.engine.QueryException;
import io.strata.promql.engine.Sample;
import io.strata.promql.engine.Scalar;
import io.strata.promql.engine.Series;
import io.strata.promql.engine.StringValue;
import io.strata.promql.engine.Value;
import io.strata.promql.engine.Vector;
import io.strata.query.eval.StoreQueryable;
import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import io.strata.tsdb.Resolution;
import io.strata.tsdb.Store;
import io.strata.tsdb.StoredSeries;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.FormFields;
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
 * {@code errorType}, {@code error}), Prometheus's status codes, and the endpoints Grafana calls first.
 */
public final class QueryServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(QueryServer.class);
  private static final JsonFactory JSON = new JsonFactory();
  /** The Prometheus release whose API and PromQL semantics Strata follows; Grafana reads it to pick features. */
  public static final String PROMETHEUS_VERSION = "2.42.0";

  private final QueryConfig cfg;
  private final Store store;
  private final Engine engine;
  private final PrometheusRegistry metrics;
  private final BooleanSupplier ready;
  private final Counter requests;
  private final Server server;
  private final ServerConnector connector;

  public QueryServer(QueryConfig cfg, Store store, PrometheusRegistry metrics, BooleanSupplier ready) {
    this.cfg = cfg;
    this.store = store;
    EngineOptions d = EngineOptions.DEFAULTS;
    this.engine = new Engine(new EngineOptions(cfg.lookbackMs(), d.maxSamples(), d.timeoutMs(), d.defaultSubqueryStepMs(), cfg.maxPointsPerSeries()));
    this.metrics = metrics;
    this.ready = ready;
    this.requests = Counter.builder().name("strata_query_requests_total").help("HTTP API requests by endpoint and status code")
        .labelNames("handler", "code").register(metrics);
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

  public QueryServer start() {
    try {
      server.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start query server on " + cfg.host() + ":" + cfg.port() + ": " + e.getMessage(), e);
    }
    log.info("query API listening on http://{}:{}", cfg.host(), port());
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
      log.warn("query server stop: {}", e.toString());
    }
  }

  /** Writes the {@code data} member of a success envelope. */
  @FunctionalInterface
  private interface DataWriter {
    void write(JsonGenerator g) throws IOException;
  }

  private final class Routes extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      String path = Request.getPathInContext(request);
      switch (path) {
        case "/-/healthy" -> text(response, callback, "health", 200, "Strata is Healthy.\n");
        case "/-/ready" -> {
          if (ready.getAsBoolean()) {
            text(response, callback, "health", 200, "Strata is Ready.\n");
          } else {
            text(response, callback, "health", 503, "Service Unavailable\n");
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
          } else {
            text(response, callback, "other", 404, "404 page not found\n");
          }
        }
      }
      return true;
    }
  }

  private void api(String endpoint, Request request, Response response, Callback callback) {
    String handler = endpoint.startsWith("label/") ? "label_values" : endpoint;
    try {
      Fields params = params(request);
      String tenant = request.getHeaders().get("X-Scope-OrgID");
      String t = tenant == null || tenant.isBlank() ? cfg.defaultTenant() : tenant.trim();
      DataWriter data = switch (endpoint) {
        case "query" -> instantQuery(t, params);
        case "query_range" -> rangeQuery(t, params);
        case "series" -> series(t, params);
        case "labels" -> labels(t, params);
        case "format_query" -> formatQuery(params);
        case "status/buildinfo" -> g -> {
          g.writeStartObject();
          g.writeStringField("version", PROMETHEUS_VERSION);
          g.writeStringField("revision", "strata-0.1.0");
          g.writeStringField("branch", "main");
          g.writeStringField("buildUser", "strata");
          g.writeStringField("buildDate", "");
          g.writeStringField("goVersion", "java" + System.getProperty("java.version"));
          g.writeEndObject();
        };
        default -> {
          if (endpoint.startsWith("label/") && endpoint.endsWith("/values")) {
            yield labelValues(t, endpoint.substring("label/".length(), endpoint.length() - "/values".length()), params);
          }
          throw new ApiException(ApiException.Type.NOT_FOUND, "unknown API endpoint /api/v1/" + endpoint);
        }
      };
      respond(response, callback, handler, 200, g -> {
        g.writeStringField("status", "success");
        g.writeFieldName("data");
        data.write(g);
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

  private DataWriter instantQuery(String tenant, Fields params) {
    String q = required(params, "query");
    String timeParam = params.getValue("time");
    long time = timeParam == null ? System.currentTimeMillis() : Params.time("time", timeParam);
    Value v = evaluate(() -> engine.instantQuery(new StoreQueryable(store, tenant), parse(q), time));
    return g -> writeValue(g, v);
  }

  private DataWriter rangeQuery(String tenant, Fields params) {
    String q = required(params, "query");
    long start = Params.time("start", params.getValue("start"));
    long end = Params.time("end", params.getValue("end"));
    long step = Params.duration("step", params.getValue("step"));
    if (end < start) {
      throw ApiException.badData("invalid parameter \"end\": end timestamp must not be before start time");
    }
    if (step <= 0) {
      throw ApiException.badData("invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a positive integer");
    }
    if ((end - start) / step >= cfg.maxPointsPerSeries()) {
      throw ApiException.badData("exceeded maximum resolution of " + cfg.maxPointsPerSeries() + " points per timeseries. Try decreasing the query resolution (?step=XX)");
    }
    Value v = evaluate(() -> engine.rangeQuery(new StoreQueryable(store, tenant), parse(q), start, end, step));
    return g -> writeValue(g, v);
  }

  private DataWriter formatQuery(Fields params) {
    String formatted = parse(required(params, "query")).toString();
    return g -> g.writeString(formatted);
  }

  private static io.strata.promql.ast.Expr parse(String q) {
    try {
      return PromQL.parse(q);
    } catch (PromQLParseException e) {
      throw ApiException.badData("invalid parameter \"query\": " + e.getMessage());
    }
  }

  private static Value evaluate(java.util.function.Supplier<Value> query) {
    try {
      return query.get();
    } catch (QueryException e) {
      ApiException.Type type = switch (e.errorType()) {
        case "bad_data" -> ApiException.Type.BAD_DATA;
        case "timeout" -> ApiException.Type.TIMEOUT;
        case "canceled" -> ApiException.Type.CANCELED;
        default -> ApiException.Type.EXECUTION;
      };
      throw new ApiException(type, e.getMessage());
    }
  }

  private static void writeValue(JsonGenerator g, Value v) throws IOException {
    g.writeStartObject();
    g.writeStringField("resultType", v.resultType());
    g.writeFieldName("result");
    if (v instanceof Scalar sc) {
      writePoint(g, sc.timestampMs(), sc.value());
    } else if (v instanceof StringValue sv) {
      g.writeStartArray();
      g.writeNumber(Params.formatTimestamp(sv.timestampMs()));
      g.writeString(sv.value());
      g.writeEndArray();
    } else if (v instanceof Vector vec) {
      g.writeStartArray();
      for (Sample s : vec.samples()) {
        g.writeStartObject();
        writeMetric(g, s.labels());
        g.writeFieldName("value");
        writePoint(g, s.timestampMs(), s.value());
        g.writeEndObject();
      }
      g.writeEndArray();
    } else if (v instanceof Matrix m) {
      g.writeStartArray();
      for (Series s : m.series()) {
        g.writeStartObject();
        writeMetric(g, s.labels());
        g.writeArrayFieldStart("values");
        for (int i = 0; i < s.size(); i++) {
          writePoint(g, s.timestamps()[i], s.values()[i]);
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
    } else {
      throw new IllegalStateException("BUG: unknown result type " + v.getClass());
    }
    g.writeEndObject();
  }

  private static List<List<LabelMatcher>> matchSets(Fields params, boolean required) {
    List<String> match = params.getValues("match[]");
    if (match == null || match.isEmpty()) {
      if (required) {
        throw ApiException.badData("no match[] parameter provided");
      }
      return List.of();
    }
    List<List<LabelMatcher>> out = new ArrayList<>();
    for (String m : match) {
      try {
        if (PromQL.parse(m) instanceof VectorSelector vs) {
          out.add(vs.matchers());
        } else {
          throw ApiException.badData("invalid parameter \"match[]\": " + m + " is not a series selector");
        }
      } catch (PromQLParseException e) {
        throw ApiException.badData("invalid parameter \"match[]\": " + e.getMessage());
      }
    }
    return out;
  }

  private static long[] range(Fields params) {
    String s = params.getValue("start");
    String e = params.getValue("end");
    return new long[] {s == null ? Long.MIN_VALUE : Params.time("start", s), e == null ? Long.MAX_VALUE : Params.time("end", e)};
  }

  private DataWriter series(String tenant, Fields params) {
    List<List<LabelMatcher>> sets = matchSets(params, true);
    long[] r = range(params);
    TreeSet<Labels> found = new TreeSet<>();
    for (List<LabelMatcher> ms : sets) {
      for (StoredSeries s : store.select(tenant, Resolution.RAW, r[0], r[1], ms)) {
        found.add(s.labels());
      }
    }
    return g -> {
      g.writeStartArray();
      for (Labels l : found) {
        writeLabels(g, l);
      }
      g.writeEndArray();
    };
  }

  private DataWriter labels(String tenant, Fields params) {
    List<List<LabelMatcher>> sets = matchSets(params, false);
    long[] r = range(params);
    TreeSet<String> names = new TreeSet<>();
    if (sets.isEmpty()) {
      names.addAll(store.labelNames(tenant, r[0], r[1], List.of()));
    }
    for (List<LabelMatcher> ms : sets) {
      names.addAll(store.labelNames(tenant, r[0], r[1], ms));
    }
    return stringArray(names, limit(params));
  }

  private DataWriter labelValues(String tenant, String name, Fields params) {
    if (!Labels.isValidName(name)) {
      throw ApiException.badData("invalid label name: \"" + name + "\"");
    }
    List<List<LabelMatcher>> sets = matchSets(params, false);
    long[] r = range(params);
    TreeSet<String> values = new TreeSet<>();
    if (sets.isEmpty()) {
      values.addAll(store.labelValues(tenant, name, r[0], r[1], List.of()));
    }
    for (List<LabelMatcher> ms : sets) {
      values.addAll(store.labelValues(tenant, name, r[0], r[1], ms));
    }
    return stringArray(values, limit(params));
  }

  private static int limit(Fields params) {
    String l = params.getValue("limit");
    if (l == null) {
      return Integer.MAX_VALUE;
    }
    try {
      int n = Integer.parseInt(l);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n == 0 ? Integer.MAX_VALUE : n;
    } catch (NumberFormatException e) {
      throw ApiException.badData("invalid parameter \"limit\": cannot parse \"" + l + "\" to a valid limit");
    }
  }

  private static DataWriter stringArray(TreeSet<String> items, int limit) {
    return g -> {
      g.writeStartArray();
      int n = 0;
      for (String s : items) {
        if (n++ >= limit) {
          break;
        }
        g.writeString(s);
      }
      g.writeEndArray();
    };
  }

  private static String required(Fields params, String name) {
    String v = params.getValue(name);
    if (v == null || v.isEmpty()) {
      throw ApiException.badData("invalid parameter \"" + name + "\": missing");
    }
    return v;
  }

  private static void writeMetric(JsonGenerator g, Labels l) throws IOException {
    g.writeFieldName("metric");
    writeLabels(g, l);
  }

  private static void writeLabels(JsonGenerator g, Labels l) throws IOException {
    g.writeStartObject();
    for (int i = 0; i < l.size(); i++) {
      g.writeStringField(l.name(i), l.value(i));
    }
    g.writeEndObject();
  }

  private static void writePoint(JsonGenerator g, long t, double v) throws IOException {
    g.writeStartArray();
    g.writeNumber(Params.formatTimestamp(t));
    g.writeString(GoFormat.plain(v));
    g.writeEndArray();
  }

  private void respond(Response response, Callback callback, String handler, int status, DataWriter body) {
    requests.labelValues(handler, Integer.toString(status)).inc();
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      body.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("BUG: writing JSON to memory failed", e);
    }
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(out.toByteArray()), callback);
  }

  private void text(Response response, Callback callback, String handler, int status, String body) {
    requests.labelValues(handler, Integer.toString(status)).inc();
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
  }
}
