package io.strata.query.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.schemas.model.Labels;
import io.strata.tsdb.Store;
import io.strata.tsdb.Stores;
import io.strata.tsdb.TsdbConfig;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Hostile and oversized input to the query API over real HTTP (issue 17): every failure is Prometheus's JSON
 * envelope, deep expressions that Prometheus answers are answered, the {@code timeout} parameter stops a query
 * and frees its thread, and RE2 matching of a 100 KB label value is quick.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryLimitsTest {
  private static final long T0 = 1767225600000L; // 2026-01-01T00:00:00Z
  private static final String AT = Long.toString(T0 / 1000 + 300);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BIG_VALUE = "x".repeat(100_000);
  private static final int WIDE_SERIES = 300;
  private static final int WIDE_VALUE_CHARS = 100_000;

  private Store store;
  private QueryServer server;
  /**
   * A new client (so new connections) for every test: several tests send what the server refuses before
   * reading it all (oversize forms, header lines), after which the server closes the connection, and a pooled
   * connection the server is closing can fail the next POST with "header parser received no bytes".
   */
  private HttpClient http;

  @org.junit.jupiter.api.BeforeEach
  void newClient() {
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @BeforeAll
  void start() throws Exception {
    store = Stores.open(TsdbConfig.defaults(Files.createTempDirectory("strata-query-limits")).withBackgroundCompaction(false));
    for (int i = 0; i <= 20; i++) {
      store.append("default", Labels.of("__name__", "up", "job", "node"), T0 + i * 15_000L, 1);
    }
    store.append("default", Labels.of("__name__", "big", "s", BIG_VALUE), T0 + 300_000, 7);
    for (int i = 0; i < WIDE_SERIES; i++) { // 30 M characters of label values under one label name
      store.append("default", Labels.of("__name__", "wide", "w", i + "x".repeat(WIDE_VALUE_CHARS)), T0 + 300_000, i);
    }
    store.commit(Map.of());
    server = new QueryServer(QueryConfig.defaults("127.0.0.1", 0), store, new PrometheusRegistry(), () -> true).start();
  }

  @AfterAll
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    store.close();
  }

  private String base() {
    return "http://127.0.0.1:" + server.port();
  }

  private static String form(String... kv) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < kv.length; i += 2) {
      sb.append(i == 0 ? "" : "&").append(kv[i]).append('=').append(URLEncoder.encode(kv[i + 1], StandardCharsets.UTF_8));
    }
    return sb.toString();
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base() + path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      // a connection closed before any answer (seen once in 20 full-suite runs on a loaded machine) is retried
      // once on a new connection, as an HTTP client such as Grafana's retries an idempotent query
      http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
  }

  private HttpResponse<String> get(String pathAndQuery) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base() + pathAndQuery)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> query(String q, String... more) throws Exception {
    String[] kv = Arrays.copyOf(new String[] {"query", q, "time", AT}, 4 + more.length);
    System.arraycopy(more, 0, kv, 4, more.length);
    return post("/api/v1/query", form(kv));
  }

  /** The envelope of an error: HTTP status, errorType and error message. */
  private static void assertError(HttpResponse<String> r, int status, String errorType, String messagePart) throws Exception {
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""), r.body());
    JsonNode b = JSON.readTree(r.body());
    assertEquals(status, r.statusCode(), r.body());
    assertEquals("error", b.path("status").asText(), r.body());
    assertEquals(errorType, b.path("errorType").asText(), r.body());
    assertTrue(b.path("error").asText().contains(messagePart), b.path("error").asText());
  }

  private static double scalarValue(HttpResponse<String> r) throws Exception {
    assertEquals(200, r.statusCode(), () -> r.body().substring(0, Math.min(500, r.body().length())));
    JsonNode result = JSON.readTree(r.body()).at("/data/result");
    return Double.parseDouble(result.isArray() ? result.get(0).at("/value/1").asText() : result.get(1).asText());
  }

  @Test
  void deepExpressionsThatPrometheusAnswersAreAnswered() throws Exception {
    // issue 17: each of these gave HTTP 500 with an HTML StackOverflowError page; Prometheus 2.42 answers them
    assertEquals(1, scalarValue(query("(".repeat(2_000) + "up" + ")".repeat(2_000))));
    assertEquals(2_000, scalarValue(query("up" + "+up".repeat(1_999))));
    assertEquals(1, scalarValue(query("up" + " or up".repeat(2_499))));
    assertEquals(1, scalarValue(query("-".repeat(2_000) + "up")));
    // the same as a GET (a 15 KB request line)
    HttpResponse<String> r = get("/api/v1/query?" + form("query", "up" + " or up".repeat(2_499), "time", AT));
    assertEquals(1, scalarValue(r));
    // a range query evaluates the same depth
    HttpResponse<String> range = post("/api/v1/query_range",
        form("query", "up" + "+up".repeat(1_999), "start", Long.toString(T0 / 1000), "end", AT, "step", "15"));
    assertEquals(200, range.statusCode(), range.body());
    assertEquals(2_000, JSON.readTree(range.body()).at("/data/result/0/values/0/1").asDouble());
  }

  @Test
  void expressionsBeyondTheDepthLimitAreBadData() throws Exception {
    int n = io.strata.promql.parser.Parser.MAX_DEPTH + 1;
    assertError(query("(".repeat(n) + "up" + ")".repeat(n)), 400, "bad_data", "expression nesting too deep (max 10000)");
    assertError(query("up" + "+up".repeat(20_000)), 400, "bad_data", "expression nesting too deep (max 10000)");
    assertError(query("abs(".repeat(n) + "up" + ")".repeat(n)), 400, "bad_data", "expression nesting too deep (max 10000)");
    assertError(post("/api/v1/format_query", form("query", "up" + " or up".repeat(50_000))), 400, "bad_data", "too deep");
  }

  @Test
  void largeFormIsAcceptedAndOversizeFormIsJson413() throws Exception {
    // a 1 MB form (Jetty's default limit of 200 KB gave 500 "form too large"); Go's limit is 10 MiB
    String spaces = " ".repeat(1_000_000);
    assertEquals(1, scalarValue(query("up" + spaces)));
    assertError(query("up" + " ".repeat(QueryServer.MAX_FORM_BYTES)), 413, "bad_data", "request body too large");
    // the same without a Content-Length (chunked): Jetty stops reading at the limit
    http = HttpClient.newHttpClient(); // not the connection the refused body was cut off on
    byte[] body = form("query", "up" + " ".repeat(QueryServer.MAX_FORM_BYTES), "time", AT).getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(URI.create(base() + "/api/v1/query"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertError(chunked, 413, "bad_data", "request body too large");
  }

  @Test
  void jettysOwnErrorsUseTheEnvelope() throws Exception {
    // a request line beyond Go's 1 MiB header limit: Jetty answers 414 itself
    HttpResponse<String> r = get("/api/v1/query?query=up" + "+".repeat(QueryServer.MAX_HEADER_BYTES + 10));
    assertEquals(414, r.statusCode());
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""), r.body());
    JsonNode b = JSON.readTree(r.body());
    assertEquals("error", b.path("status").asText(), r.body());
    assertEquals("bad_data", b.path("errorType").asText(), r.body());
  }

  @Test
  void malformedPercentEncodingIsBadDataJson() throws Exception {
    // java.net.http refuses to send this URI, so a raw request
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
      socket.getOutputStream().write("GET /api/v1/query?query=%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
      assertTrue(answer.contains("application/json"), answer);
      assertTrue(answer.contains("\"errorType\":\"bad_data\""), answer);
    }
  }

  @Test
  void timeoutParameterStopsTheQueryAndFreesTheThread() throws Exception {
    // minutes of CPU without a timeout: vector(1) has a point at every one of a day's 86,400 inner steps, and a quantile
    // cannot slide its window, so each of those steps sorts a day of points (a nested max_over_time over the test's few
    // samples of up was heavy for the step-by-step evaluator; the range evaluator answers it in milliseconds)
    String heavy = "quantile_over_time(0.5, quantile_over_time(0.5, vector(1)[1d:1s])[1d:1s])";
    long t = System.nanoTime();
    HttpResponse<String> r = query(heavy, "timeout", "100ms");
    long ms = (System.nanoTime() - t) / 1_000_000;
    assertError(r, 503, "timeout", "query timed out in query execution");
    assertTrue(ms < 3_000, "answered after " + ms + " ms");
    // nothing keeps evaluating once the answer is sent
    assertTrue(noThreadEvaluates(), "a thread still evaluates: " + evaluatingThreads());
    // a range query too, and the timeout as seconds
    HttpResponse<String> range = post("/api/v1/query_range", form("query", heavy, "start", Long.toString(T0 / 1000), "end", AT,
        "step", "60", "timeout", "0.2"));
    assertError(range, 503, "timeout", "query timed out");
    assertTrue(noThreadEvaluates(), "a thread still evaluates: " + evaluatingThreads());
  }

  @Test
  void regexOverManyLongLabelValuesStopsAtTheTimeout() throws Exception {
    // RE2 is linear, but 300 values of 100 KB take seconds to match (17 s on the 2 busy cores of CI without the deadline); the index's
    // matching loop looks at the query's deadline, so the answer comes at the timeout and nothing runs on
    long t = System.nanoTime();
    HttpResponse<String> r = query("wide{w=~\"(.*x.*y)+z\"}", "timeout", "100ms");
    long ms = (System.nanoTime() - t) / 1_000_000;
    assertError(r, 503, "timeout", "query timed out in query execution");
    assertTrue(ms < 1_500, "answered after " + ms + " ms");
    assertTrue(noThreadEvaluates(), "a thread still evaluates: " + evaluatingThreads());
  }

  @Test
  void badTimeoutIsBadData() throws Exception {
    assertError(query("up", "timeout", "soon"), 400, "bad_data", "invalid parameter \"timeout\": cannot parse \"soon\" to a valid duration");
  }

  private static boolean noThreadEvaluates() throws InterruptedException {
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (evaluatingThreads().isEmpty()) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }

  private static List<String> evaluatingThreads() {
    return Thread.getAllStackTraces().entrySet().stream()
        .filter(e -> Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().startsWith("io.strata.promql.engine.")))
        .map(e -> e.getKey().getName())
        .toList();
  }

  @Test
  void catastrophicRegexAgainstA100KbLabelValueIsQuick() throws Exception {
    // issue 17: java.util.regex never finished this (and ran past any timeout); RE2 is linear in the value
    long t = System.nanoTime();
    HttpResponse<String> none = query("big{s=~\"(.*.*)*y\"}");
    HttpResponse<String> one = query("big{s=~\"(.*.*)*x\"}");
    long ms = (System.nanoTime() - t) / 1_000_000;
    assertEquals(200, none.statusCode(), none.body());
    assertEquals(0, JSON.readTree(none.body()).at("/data/result").size());
    assertEquals(7, scalarValue(one));
    assertTrue(ms < 5_000, "took " + ms + " ms");
  }

  @Test
  void regexesRe2RefusesAreBadDataNamingTheRegex() throws Exception {
    Map<String, String> refused = Map.of(
        "up{job=~\"(?=x)\"}", "error parsing regexp: invalid or unsupported Perl syntax: `(?=`",
        "up{job=~\"(a)\\\\1\"}", "error parsing regexp: invalid escape sequence: `\\1`",
        "up{job!~\"a++\"}", "error parsing regexp: invalid nested repetition operator: `++`");
    for (Map.Entry<String, String> e : refused.entrySet()) {
      assertError(query(e.getKey()), 400, "bad_data", e.getValue());
    }
  }
}
