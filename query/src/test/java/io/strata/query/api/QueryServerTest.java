package io.strata.query.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.StaleMarker;
import io.strata.tsdb.simple.SimpleStore;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP API over a real store and real HTTP, checked against the answers Prometheus gives. */
class QueryServerTest {
  private static final long T0 = 1767225600000L; // 2026-01-01T00:00:00Z
  private static final ObjectMapper JSON = new ObjectMapper();

  private SimpleStore store;
  private QueryServer server;
  private final AtomicBoolean ready = new AtomicBoolean(false);
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    store = new SimpleStore(Files.createTempDirectory("strata-query-test"));
    Labels a = Labels.of("__name__", "up", "job", "node", "instance", "a:9100");
    Labels b = Labels.of("__name__", "up", "job", "node", "instance", "b:9100");
    Labels other = Labels.of("__name__", "http_requests_total", "job", "api");
    for (int i = 0; i <= 20; i++) {
      store.append("default", a, T0 + i * 15_000L, 1);
      store.append("default", other, T0 + i * 15_000L, i * 10.5);
    }
    store.append("default", b, T0, 0);
    store.append("default", b, T0 + 15_000, StaleMarker.VALUE);
    store.append("team-x", a, T0, 42);
    server = new QueryServer(QueryConfig.defaults("127.0.0.1", 0), store, new PrometheusRegistry(), ready::get).start();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    store.close();
  }

  private HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  @Test
  void instantSelectorUsesLookbackAndEvaluationTime() throws Exception {
    // 10 s after the last sample of `up{instance="a:9100"}`; b went stale at T0+15s
    long t = T0 + 300_000 + 10_000;
    JsonNode body = json(get("/api/v1/query?query=" + q("up{job=\"node\"}") + "&time=" + (t / 1000.0)));
    assertEquals("success", body.get("status").asText());
    assertEquals("vector", body.at("/data/resultType").asText());
    JsonNode result = body.at("/data/result");
    assertEquals(1, result.size(), body.toString());
    assertEquals("a:9100", result.get(0).at("/metric/instance").asText());
    assertEquals("up", result.get(0).at("/metric/__name__").asText());
    assertEquals(t / 1000.0, result.get(0).at("/value/0").asDouble());
    assertEquals("1", result.get(0).at("/value/1").asText());
  }

  @Test
  void haReplicasAreDeduplicatedByTheReplicaLabel() throws Exception {
    Labels r1 = Labels.of("__name__", "node_load1", "instance", "n:9100", "replica", "prom-1");
    Labels r2 = Labels.of("__name__", "node_load1", "instance", "n:9100", "replica", "prom-2");
    for (int i = 0; i <= 20; i++) {
      store.append("default", r1, T0 + i * 15_000L, 1.5);
      store.append("default", r2, T0 + 4_000 + i * 15_000L, 1.5);
    }
    try (QueryServer ha = new QueryServer(QueryConfig.defaults("127.0.0.1", 0).withReplicaLabels(List.of("replica")), store,
        new PrometheusRegistry(), ready::get).start()) {
      String base = "/api/v1/query?query=" + q("count(node_load1)") + "&time=" + (T0 / 1000 + 120);
      HttpRequest.Builder b = HttpRequest.newBuilder();
      String url = "http://127.0.0.1:" + ha.port();
      JsonNode deduped = JSON.readTree(http.send(b.uri(URI.create(url + base)).build(), HttpResponse.BodyHandlers.ofString()).body());
      assertEquals("1", deduped.at("/data/result/0/value/1").asText(), deduped.toString());
      JsonNode both = JSON.readTree(http.send(b.uri(URI.create(url + base + "&dedup=false")).build(), HttpResponse.BodyHandlers.ofString()).body());
      assertEquals("2", both.at("/data/result/0/value/1").asText(), both.toString());
      JsonNode series = JSON.readTree(http.send(b.uri(URI.create(url + "/api/v1/query_range?query=node_load1&start=" + (T0 / 1000)
          + "&end=" + (T0 / 1000 + 300) + "&step=15")).build(), HttpResponse.BodyHandlers.ofString()).body());
      assertEquals(1, series.at("/data/result").size(), series.toString());
      assertEquals(JSON.readTree("{\"__name__\":\"node_load1\",\"instance\":\"n:9100\"}"), series.at("/data/result/0/metric"));
      JsonNode listed = JSON.readTree(http.send(b.uri(URI.create(url + "/api/v1/series?match[]=node_load1")).build(),
          HttpResponse.BodyHandlers.ofString()).body());
      assertEquals(JSON.readTree("[{\"__name__\":\"node_load1\",\"instance\":\"n:9100\"}]"), listed.get("data"));
      HttpResponse<String> bad = http.send(b.uri(URI.create(url + base + "&dedup=maybe")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(400, bad.statusCode());
      assertEquals("invalid parameter \"dedup\": cannot parse \"maybe\" as a boolean", JSON.readTree(bad.body()).get("error").asText());
    }
    // without replica labels configured nothing is merged
    JsonNode plain = json(get("/api/v1/query?query=" + q("count(node_load1)") + "&time=" + (T0 / 1000 + 120)));
    assertEquals("2", plain.at("/data/result/0/value/1").asText());
  }

  @Test
  void sampleOlderThanLookbackIsNotReturned() throws Exception {
    long t = T0 + 300_000 + 300_001; // last sample at T0+300s, 5 m + 1 ms before
    JsonNode body = json(get("/api/v1/query?query=up&time=" + Params.formatTimestamp(t)));
    assertEquals(0, body.at("/data/result").size(), body.toString());
  }

  @Test
  void rangeQueryReturnsAMatrixAtEveryStep() throws Exception {
    JsonNode body = json(get("/api/v1/query_range?query=http_requests_total&start=2026-01-01T00:00:00Z&end=2026-01-01T00:01:00Z&step=30s"));
    assertEquals("matrix", body.at("/data/resultType").asText());
    JsonNode values = body.at("/data/result/0/values");
    assertEquals(3, values.size(), body.toString());
    assertEquals(T0 / 1000 + 30, values.get(1).get(0).asLong());
    assertEquals("21", values.get(1).get(1).asText());
    assertEquals("42", values.get(2).get(1).asText());
  }

  @Test
  void aLargeMatrixStreamsWholeAndASmallOneHasItsLength() throws Exception {
    // 300 series x 241 steps: about 3 MB of JSON, past the buffered size, so it is streamed (chunked)
    for (int s = 0; s < 300; s++) {
      Labels l = Labels.of("__name__", "wide", "i", Integer.toString(s));
      for (int k = 0; k <= 240; k++) {
        store.append("default", l, T0 + k * 15_000L, s * 1000.0 + k + 0.25);
      }
    }
    HttpResponse<String> big = get("/api/v1/query_range?query=wide&start=2026-01-01T00:00:00Z&end=2026-01-01T01:00:00Z&step=15s");
    assertEquals(200, big.statusCode());
    assertTrue(big.body().length() > QueryServer.BUFFERED_RESPONSE_BYTES, "big enough to stream: " + big.body().length());
    assertTrue(big.headers().firstValue("Content-Length").isEmpty(), "streamed answers have no length");
    JsonNode result = json(big).at("/data/result");
    assertEquals(300, result.size());
    int points = 0;
    for (JsonNode series : result) {
      int i = Integer.parseInt(series.at("/metric/i").asText());
      JsonNode values = series.at("/values");
      points += values.size();
      assertEquals(Double.toString(i * 1000.0 + 240 + 0.25), Double.toString(values.get(240).get(1).asDouble()));
    }
    assertEquals(300 * 241, points);
    HttpResponse<String> small = get("/api/v1/query?query=wide%7Bi%3D%227%22%7D&time=2026-01-01T01:00:00Z");
    assertEquals(Integer.toString(small.body().getBytes(StandardCharsets.UTF_8).length), small.headers().firstValue("Content-Length").orElse("none"));
  }

  @Test
  void offsetShiftsTheSelection() throws Exception {
    JsonNode body = json(get("/api/v1/query?query=" + q("http_requests_total offset 1m") + "&time=" + (T0 / 1000 + 120)));
    assertEquals("42", body.at("/data/result/0/value/1").asText());
  }

  @Test
  void tenantsAreSeparated() throws Exception {
    JsonNode body = json(get("/api/v1/query?query=up&time=" + (T0 / 1000), "X-Scope-OrgID", "team-x"));
    assertEquals(1, body.at("/data/result").size());
    assertEquals("42", body.at("/data/result/0/value/1").asText());
  }

  @Test
  void unparsableQueryIsBadDataWithThePosition() throws Exception {
    HttpResponse<String> r = get("/api/v1/query?query=" + q("up{job=") + "&time=" + (T0 / 1000));
    assertEquals(400, r.statusCode());
    JsonNode body = json(r);
    assertEquals("error", body.get("status").asText());
    assertEquals("bad_data", body.get("errorType").asText());
    assertTrue(body.get("error").asText().contains("parse error"), body.toString());
  }

  @Test
  void badTimeAndStepAreBadData() throws Exception {
    assertEquals(400, get("/api/v1/query?query=up&time=yesterday").statusCode());
    HttpResponse<String> r = get("/api/v1/query_range?query=up&start=10&end=5&step=1");
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("end timestamp must not be before start time"), r.body());
    HttpResponse<String> tooMany = get("/api/v1/query_range?query=up&start=0&end=20000&step=1");
    assertEquals(400, tooMany.statusCode());
    assertTrue(tooMany.body().contains("11000 points"), tooMany.body());
  }

  @Test
  void formPostWorksLikeGet() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/v1/query"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("query=" + q("up{instance=\"a:9100\"}") + "&time=" + (T0 / 1000 + 60))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(1, json(r).at("/data/result").size());
  }

  @Test
  void grafanasFirstCallsAnswer() throws Exception {
    JsonNode build = json(get("/api/v1/status/buildinfo"));
    assertEquals(QueryServer.PROMETHEUS_VERSION, build.at("/data/version").asText());
    JsonNode names = json(get("/api/v1/labels"));
    assertEquals("[\"__name__\",\"instance\",\"job\"]", names.get("data").toString());
    JsonNode values = json(get("/api/v1/label/instance/values?match[]=" + q("up")));
    assertEquals("[\"a:9100\",\"b:9100\"]", values.get("data").toString());
    JsonNode series = json(get("/api/v1/series?match[]=" + q("{job=\"api\"}")));
    assertEquals(1, series.get("data").size());
    assertEquals("http_requests_total", series.at("/data/0/__name__").asText());
    assertEquals(400, get("/api/v1/series").statusCode(), "match[] is required");
  }

  @Test
  void fullPromqlThroughTheApi() throws Exception {
    // http_requests_total grows by 10.5 every 15 s: rate over 1m is 0.7/s
    JsonNode rate = json(get("/api/v1/query?query=" + q("rate(http_requests_total[1m])") + "&time=" + (T0 / 1000 + 120)));
    assertEquals("vector", rate.at("/data/resultType").asText());
    assertEquals(0.7, Double.parseDouble(rate.at("/data/result/0/value/1").asText()), 1e-9);
    assertTrue(rate.at("/data/result/0/metric/__name__").isMissingNode(), "rate drops the metric name");
    JsonNode sum = json(get("/api/v1/query?query=" + q("sum by (job) (up)") + "&time=" + (T0 / 1000 + 60)));
    assertEquals("node", sum.at("/data/result/0/metric/job").asText());
    assertEquals("1", sum.at("/data/result/0/value/1").asText());
    JsonNode scalar = json(get("/api/v1/query?query=" + q("1 + 2 * 3") + "&time=100"));
    assertEquals("scalar", scalar.at("/data/resultType").asText());
    assertEquals("[100,\"7\"]", scalar.at("/data/result").toString());
  }

  @Test
  void runtimeErrorIsExecutionWith422() throws Exception {
    // both `up` series match on `job` only: one-to-one matching finds duplicate series on the right
    HttpResponse<String> r = get("/api/v1/query?query=" + q("http_requests_total + on(job) up") + "&time=" + (T0 / 1000));
    JsonNode body = json(r);
    assertEquals(422, r.statusCode(), r.body());
    assertEquals("execution", body.get("errorType").asText());
  }

  @Test
  void formatQueryPrintsTheCanonicalForm() throws Exception {
    JsonNode body = json(get("/api/v1/format_query?query=" + q("sum(rate(foo{b=\"1\",a=\"2\"}[5m]))by(job)")));
    assertEquals("sum by (job) (rate(foo{a=\"2\",b=\"1\"}[5m]))", body.get("data").asText());
  }

  @Test
  void readyOnlyOnceTheStackIsUp() throws Exception {
    assertEquals(200, get("/-/healthy").statusCode());
    assertEquals(503, get("/-/ready").statusCode());
    ready.set(true);
    assertEquals(200, get("/-/ready").statusCode());
  }

  @Test
  void readyNamesTheStagesThePipelineStatusReportsAndItsEndpointWritesIt() throws Exception {
    ready.set(true);
    assertEquals(404, get("/api/v1/status/pipeline").statusCode(), "no pipeline status given: unknown path");
    java.util.List<String> down = new java.util.concurrent.CopyOnWriteArrayList<>(java.util.List.of("registry", "sink"));
    server.withPipelineStatus(new PipelineStatus() {
      @Override
      public java.util.List<String> notReady() {
        return down;
      }

      @Override
      public void write(com.fasterxml.jackson.core.JsonGenerator g) throws java.io.IOException {
        g.writeStartObject();
        g.writeBooleanField("ready", down.isEmpty());
        g.writeEndObject();
      }
    });
    HttpResponse<String> r = get("/-/ready");
    assertEquals(503, r.statusCode());
    assertEquals("Service Unavailable: not ready: registry, sink\n", r.body());
    assertEquals(200, get("/-/healthy").statusCode(), "liveness does not depend on the stages");
    JsonNode body = json(get("/api/v1/status/pipeline"));
    assertEquals("success", body.get("status").asText());
    assertEquals(false, body.at("/data/ready").asBoolean());
    down.clear();
    assertEquals(200, get("/-/ready").statusCode());
    assertEquals(true, json(get("/api/v1/status/pipeline")).at("/data/ready").asBoolean());
  }

  @Test
  void maxSourceResolutionPicksARollupAndSaysWhichOne() throws Exception {
    Labels q = Labels.of("__name__", "queue", "job", "batch");
    // raw samples every 15 s for an hour, and the 5m windows the rollup stage emits once they are final
    io.strata.schemas.model.SampleSummary w = new io.strata.schemas.model.SampleSummary();
    for (long t = T0; t < T0 + 3_600_000; t += 15_000) {
      double v = (t / 15_000) % 7;
      store.append("default", q, t, v);
      w.add(t, v);
      if ((t + 15_000) % 300_000 == 0 && t + 15_000 <= T0 + 3_600_000 - 600_000) {
        store.appendRollup("default", q, io.strata.tsdb.Resolution.parse("5m"), new io.strata.tsdb.RollupPoint(t + 15_000 - 300_000,
            w.count, w.sum, w.min, w.max, w.last, 0, w.firstMs, w.first, w.lastMs, w.correction, w.resets, w.changes, true));
        w.clear();
      }
    }
    String range = "&start=" + (T0 / 1000) + "&end=" + (T0 / 1000 + 3600);
    HttpResponse<String> r = get("/api/v1/query_range?query=" + q("max_over_time(queue[15m])") + range + "&step=300&max_source_resolution=5m");
    assertEquals("5m", r.headers().firstValue("X-Strata-Source-Resolution").orElse(""));
    HttpResponse<String> raw = get("/api/v1/query_range?query=" + q("max_over_time(queue[15m])") + range + "&step=300&max_source_resolution=raw");
    assertEquals(raw.body(), r.body(), "answers from rollups equal answers from raw samples");
    assertEquals(13, json(r).at("/data/result/0/values").size(), r.body());
    // auto = step / 5: a 60 s step reads raw, a 30 m step the 5m rollup
    assertEquals("raw", get("/api/v1/query_range?query=up" + range + "&step=60").headers().firstValue("X-Strata-Source-Resolution").orElse(""));
    assertEquals("5m", get("/api/v1/query_range?query=up" + range + "&step=1800").headers().firstValue("X-Strata-Source-Resolution").orElse(""));
    assertEquals("raw", get("/api/v1/query_range?query=up" + range + "&step=1800&max_source_resolution=raw")
        .headers().firstValue("X-Strata-Source-Resolution").orElse(""));
    // instant queries read raw unless asked
    assertEquals("raw", get("/api/v1/query?query=up&time=" + (T0 / 1000)).headers().firstValue("X-Strata-Source-Resolution").orElse(""));
    HttpResponse<String> bad = get("/api/v1/query_range?query=up" + range + "&step=60&max_source_resolution=-5m");
    assertEquals(400, bad.statusCode());
    assertEquals("bad_data", json(bad).get("errorType").asText());
    assertTrue(json(bad).get("error").asText().contains("max_source_resolution"), bad.body());
  }

  @Test
  void rulesAlertsAndMetadataAnswerWithPrometheusShapesWhenEmpty() throws Exception {
    assertEquals(JSON.readTree("{\"status\":\"success\",\"data\":{\"groups\":[]}}"), json(get("/api/v1/rules")));
    assertEquals(JSON.readTree("{\"status\":\"success\",\"data\":{\"alerts\":[]}}"), json(get("/api/v1/alerts")));
    assertEquals(JSON.readTree("{\"status\":\"success\",\"data\":{}}"), json(get("/api/v1/metadata")));
    HttpResponse<String> bad = get("/api/v1/metadata?limit_per_metric=x");
    assertEquals(400, bad.statusCode());
    assertEquals("limit_per_metric must be a number", json(bad).get("error").asText());
  }

  @Test
  void unknownApiPathIsGosPlainTextNotFound() throws Exception {
    HttpResponse<String> r = get("/api/v1/nonexistent");
    assertEquals(404, r.statusCode());
    assertEquals("404 page not found\n", r.body());
  }

  @Test
  void tsdbStatusCountsTheTenantsSeriesAsPrometheusShowsThem() throws Exception {
    JsonNode d = json(get("/api/v1/status/tsdb")).get("data");
    // default tenant: up{a}, up{b} and http_requests_total; team-x's series is not counted
    assertEquals(3, d.at("/headStats/numSeries").asLong());
    assertEquals(T0, d.at("/headStats/minTime").asLong());
    assertEquals(T0 + 20 * 15_000L, d.at("/headStats/maxTime").asLong());
    assertEquals("up", d.at("/seriesCountByMetricName/0/name").asText());
    assertEquals(2, d.at("/seriesCountByMetricName/0/value").asLong());
    assertEquals("http_requests_total", d.at("/seriesCountByMetricName/1/name").asText());
    assertEquals("__name__", d.at("/labelValueCountByLabelName/0/name").asText(), "every name has 2 values: ties go by name");
    assertEquals(2, d.at("/labelValueCountByLabelName/0/value").asLong());
    assertEquals("job=node", d.at("/seriesCountByLabelValuePair/1/name").asText());
    assertEquals(3, d.at("/seriesCountByResolution/raw").asLong());
    assertEquals(1, json(get("/api/v1/status/tsdb", "X-Scope-OrgID", "team-x")).at("/data/headStats/numSeries").asLong());
  }

  @Test
  void configAndFlagsAnswerWhatTheRuntimeGaveWithSecretsHidden() throws Exception {
    assertEquals(JSON.readTree("{\"status\":\"success\",\"data\":{\"yaml\":\"\"}}"), json(get("/api/v1/status/config")));
    server.withRuntimeStatus(() -> "scrape_configs:\n  - job_name: a\n    basic_auth:\n      username: u\n      password: hunter2\n",
        java.util.Map.of("data-dir", "/var/lib/strata", "web.enable-lifecycle", "false"));
    String yaml = json(get("/api/v1/status/config")).at("/data/yaml").asText();
    assertTrue(yaml.contains("username: u\n      password: <secret>\n"), yaml);
    assertFalse(yaml.contains("hunter2"), yaml);
    JsonNode flags = json(get("/api/v1/status/flags")).get("data");
    assertEquals("/var/lib/strata", flags.get("data-dir").asText());
    assertEquals("false", flags.get("web.enable-lifecycle").asText());
  }
}
