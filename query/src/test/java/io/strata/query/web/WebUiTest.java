package io.strata.query.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.query.api.QueryConfig;
import io.strata.query.api.QueryServer;
import io.strata.tsdb.simple.SimpleStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the query port answers for the UI's paths, over real HTTP (the pages themselves: WebUiIT). */
class WebUiTest {
  private SimpleStore store;
  private QueryServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    store = new SimpleStore(Files.createTempDirectory("strata-webui-test"));
    server = new QueryServer(QueryConfig.defaults("127.0.0.1", 0), store, new PrometheusRegistry(), () -> true).start();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    store.close();
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void everyPagePathAnswersThePageAndItsScriptsAreServed() throws Exception {
    for (String page : WebUi.PAGES) {
      HttpResponse<String> r = send("GET", page + (page.equals("/graph") ? "?g0.expr=up&g0.tab=1" : ""));
      assertEquals(200, r.statusCode(), page);
      assertEquals("text/html; charset=utf-8", r.headers().firstValue("Content-Type").orElseThrow(), page);
      assertTrue(r.body().contains("<script type=\"module\" src=\"/static/app.js\">"), page);
    }
    for (String asset : new String[] {"app.js", "api.js", "graph.js", "editor.js", "promql.js", "chart.js", "status.js"}) {
      HttpResponse<String> r = send("GET", "/static/" + asset);
      assertEquals(200, r.statusCode(), asset);
      assertEquals("text/javascript; charset=utf-8", r.headers().firstValue("Content-Type").orElseThrow(), asset);
      assertEquals("no-cache", r.headers().firstValue("Cache-Control").orElseThrow(), asset);
    }
    assertEquals("text/css; charset=utf-8", send("GET", "/static/style.css").headers().firstValue("Content-Type").orElseThrow());
    String metrics = send("GET", "/metrics").body();
    assertTrue(metrics.contains("strata_query_requests_total{code=\"200\",handler=\"web\"} " + (WebUi.PAGES.size() + 8) + ".0"), metrics);
  }

  /** Issue 14's budget: the page's own assets at most 200 KB compressed. */
  @Test
  void pageAndAssetsStayUnder200KilobytesGzipped() throws Exception {
    java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gz)) {
      for (String path : new String[] {"/", "/static/app.js", "/static/api.js", "/static/graph.js", "/static/editor.js",
          "/static/promql.js", "/static/chart.js", "/static/status.js", "/static/style.css", "/static/favicon.svg"}) {
        HttpResponse<String> r = send("GET", path);
        assertEquals(200, r.statusCode(), path);
        out.write(r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    assertTrue(gz.size() <= 200 * 1024, gz.size() + " bytes gzipped");
  }

  @Test
  void pathsOutsideTheAssetsAnswer404() throws Exception {
    for (String path : new String[] {"/static/missing.js", "/static/WebUi.class", "/static/", "/graph/x", "/nothing"}) {
      HttpResponse<String> r = send("GET", path);
      assertEquals(404, r.statusCode(), path);
    }
    // a way out of the assets folder: Jetty refuses the ambiguous path (400) before the UI sees it
    for (String path : new String[] {"/static/..%2Findex.html", "/static/%2e%2e/%2e%2e/WebUi.class"}) {
      int status = send("GET", path).statusCode();
      assertTrue(status == 400 || status == 404, path + " answered " + status);
    }
    // the API keeps Prometheus's plain-text 404
    assertEquals("404 page not found\n", send("GET", "/api/v1/nothing").body());
  }

  @Test
  void ingestProxyWithoutAnIngestUrlAnswers503AndForwardsOnlyTheUiPaths() throws Exception {
    HttpResponse<String> r = send("GET", "/ingest/api/v1/targets");
    assertEquals(503, r.statusCode());
    assertTrue(r.body().contains("\"status\":\"error\"") && r.body().contains("ingest server's URL"), r.body());
    // writes never go through the UI's proxy
    assertEquals(404, send("GET", "/ingest/api/v1/write").statusCode());
    assertEquals(404, send("POST", "/ingest/api/v1/targets").statusCode());
    assertEquals(404, send("PUT", "/ingest/metrics/job/x").statusCode());
    assertTrue(send("GET", "/metrics").body().contains("strata_query_requests_total{code=\"503\",handler=\"ingest_proxy\"} 1.0"));
  }

  @Test
  void unreachableIngestServerAnswers502() throws Exception {
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    server.webUi().ingestUrl(URI.create("http://127.0.0.1:" + closed));
    HttpResponse<String> r = send("GET", "/ingest/api/v1/metrics");
    assertEquals(502, r.statusCode());
    assertTrue(r.body().contains("did not answer"), r.body());
  }
}
