package io.strata.query.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.query.api.QueryConfig;
import io.strata.query.api.QueryServer;
import io.strata.schemas.http.WebSecurity;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TSDB admin API over real HTTP: Strata's query port with {@code --web.enable-admin-api} against Debian's
 * Prometheus 2.42 started with the same flag (status, Content-Type, Allow and JSON body of each call; a
 * snapshot's name and where it lands), then what only Strata can show: a delete is visible at once and only in
 * the caller's tenant, and {@code flush} is refused without the flag. The comparison is skipped without prometheus.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminApiIT {
  private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  private static final ObjectMapper JSON = new ObjectMapper();

  private Path strataData;
  private Store store;
  private QueryServer on;
  private QueryServer off;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  void start(@TempDir Path work) throws Exception {
    strataData = Files.createDirectories(work.resolve("strata"));
    store = Stores.open(TsdbConfig.defaults(strataData).withBackgroundCompaction(false));
    for (String tenant : List.of("default", "other")) {
      for (long t = T0; t <= T0 + 600_000; t += 15_000) {
        store.append(tenant, Labels.of("__name__", "up", "job", "a"), t, 1);
        store.append(tenant, Labels.of("__name__", "up", "job", "b"), t, 1);
      }
    }
    store.commit(Map.of());
    on = new QueryServer(QueryConfig.defaults("127.0.0.1", 0), store, new PrometheusRegistry(), () -> true)
        .secure(WebSecurity.load(new WebSecurity.Options(null, Map.of(), false, true, null))).start();
    off = new QueryServer(QueryConfig.defaults("127.0.0.1", 0), store, new PrometheusRegistry(), () -> true)
        .secure(WebSecurity.load(new WebSecurity.Options(null, Map.of(), false, false, null))).start();
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (on != null) {
        on.close();
      }
      if (off != null) {
        off.close();
      }
    } finally {
      if (store != null) {
        store.close();
      }
    }
  }

  private HttpResponse<String> send(String base, String method, String path, String form, String tenant) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    if (form != null) {
      b.header("Content-Type", "application/x-www-form-urlencoded");
    }
    if (tenant != null) {
      b.header("X-Scope-OrgID", tenant);
    }
    b.method(method, form == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(form));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** What a client sees of an answer: status, Content-Type, Allow, and the body (a snapshot's name by its form). */
  private String seen(HttpResponse<String> r) {
    String body = r.body().replaceAll("\"name\":\"\\d{8}T\\d{6}Z-[0-9a-f]{16}\"", "\"name\":\"<YYYYMMDDTHHMMSSZ-hex16>\"");
    return r.statusCode() + " type=" + r.headers().firstValue("Content-Type").orElse("") + " allow=" + r.headers().firstValue("Allow").orElse("")
        + " " + body.trim();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static final List<String[]> CALLS = List.of(
      new String[] {"POST", "/api/v1/admin/tsdb/snapshot", null},
      new String[] {"PUT", "/api/v1/admin/tsdb/snapshot?skip_head=true", null},
      new String[] {"POST", "/api/v1/admin/tsdb/snapshot", "skip_head=1"},
      new String[] {"POST", "/api/v1/admin/tsdb/snapshot?skip_head=foo", null},
      new String[] {"GET", "/api/v1/admin/tsdb/snapshot", null},
      new String[] {"POST", "/api/v1/admin/tsdb/delete_series", null},
      new String[] {"POST", "/api/v1/admin/tsdb/delete_series?match[]=up&start=abc", null},
      new String[] {"PUT", "/api/v1/admin/tsdb/delete_series?match[]=up&end=abc", null},
      new String[] {"POST", "/api/v1/admin/tsdb/delete_series", "match[]=" + enc("nothing{job=\"x\"}") + "&start=0&end=1"},
      new String[] {"PUT", "/api/v1/admin/tsdb/delete_series?match[]=nothing&start=10&end=5", null},
      new String[] {"GET", "/api/v1/admin/tsdb/delete_series?match[]=up", null},
      new String[] {"POST", "/api/v1/admin/tsdb/clean_tombstones", null},
      new String[] {"PUT", "/api/v1/admin/tsdb/clean_tombstones", null},
      new String[] {"DELETE", "/api/v1/admin/tsdb/clean_tombstones", null},
      new String[] {"POST", "/api/v1/admin/tsdb/unknown", null});

  @Test
  void everyAdminCallAnswersAsPrometheus242WithTheFlag(@TempDir Path promWork) throws Exception {
    assumeTrue(PrometheusProcess.installed(), "prometheus is not installed (apt-get install prometheus)");
    Map<String, String> ours = new LinkedHashMap<>();
    Map<String, String> theirs = new LinkedHashMap<>();
    try (PrometheusProcess prom = PrometheusProcess.startWithConfig("global: {}\n", promWork, "--web.enable-admin-api")) {
      for (String[] c : CALLS) {
        String key = c[0] + " " + c[1] + (c[2] == null ? "" : " body " + c[2]);
        ours.put(key, seen(send("http://127.0.0.1:" + on.port(), c[0], c[1], c[2], null)));
        theirs.put(key, seen(send(prom.baseUrl(), c[0], c[1], c[2], null)));
      }
      // a selector that does not parse: 400 bad_data in both (the parser's message is each one's own)
      JsonNode a = JSON.readTree(send("http://127.0.0.1:" + on.port(), "POST", "/api/v1/admin/tsdb/delete_series?match[]=" + enc("up{"), null, null).body());
      JsonNode b = JSON.readTree(send(prom.baseUrl(), "POST", "/api/v1/admin/tsdb/delete_series?match[]=" + enc("up{"), null, null).body());
      assertEquals(b.path("errorType").asText(), a.path("errorType").asText());
      assertTrue(a.path("error").asText().startsWith("invalid parameter \"match[]\": "), a.toString());
    }
    assertEquals(theirs, ours);
    // Prometheus's layout: <data dir>/snapshots/<name>, here a store that opens
    TreeSet<String> names = new TreeSet<>();
    try (var l = Files.list(strataData.resolve("snapshots"))) {
      l.forEach(p -> names.add(p.getFileName().toString()));
    }
    assertEquals(3, names.size(), names.toString());
    try (Store snap = Stores.open(TsdbConfig.defaults(strataData.resolve("snapshots").resolve(names.first())).withBackgroundCompaction(false))) {
      assertEquals(2, snap.select("default", io.strata.tsdb.Resolution.RAW, T0, T0 + 600_000, List.of()).size());
    }
  }

  private List<String> jobs(String tenant) throws Exception {
    String q = "/api/v1/query?query=" + enc("up") + "&time=" + (T0 + 600_000) / 1000;
    JsonNode r = JSON.readTree(send("http://127.0.0.1:" + on.port(), "GET", q, null, tenant).body());
    List<String> out = new ArrayList<>();
    r.path("data").path("result").forEach(s -> out.add(s.path("metric").path("job").asText()));
    out.sort(null);
    return out;
  }

  @Test
  void aDeleteIsSeenAtOnceAndOnlyInTheCallersTenantAndSurvivesFlushAndClean() throws Exception {
    String base = "http://127.0.0.1:" + on.port();
    assertEquals(List.of("a", "b"), jobs("other"));
    HttpResponse<String> r = send(base, "POST", "/api/v1/admin/tsdb/delete_series", "match[]=" + enc("up{job=\"a\"}"), "other");
    assertEquals(204, r.statusCode(), r.body());
    assertEquals("", r.body());
    assertEquals(List.of("b"), jobs("other"), "deleted at once");
    assertEquals(List.of("a", "b"), jobs("default"), "another tenant's series of the same name are untouched");
    assertEquals(204, send(base, "POST", "/api/v1/admin/tsdb/flush", null, null).statusCode());
    assertEquals(204, send(base, "PUT", "/api/v1/admin/tsdb/clean_tombstones", null, "other").statusCode());
    assertEquals(List.of("b"), jobs("other"));
    assertEquals(List.of("a", "b"), jobs("default"));
  }

  @Test
  void withoutTheFlagFlushIsRefusedLikeEveryAdminEndpoint() throws Exception {
    String base = "http://127.0.0.1:" + off.port();
    String refused = "500 type=application/json allow= {\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"admin APIs disabled\"}";
    assertEquals(refused, seen(send(base, "POST", "/api/v1/admin/tsdb/flush", null, null)));
    assertEquals(refused, seen(send(base, "PUT", "/api/v1/admin/tsdb/delete_series?match[]=up", null, null)));
    assertEquals("405 type=text/plain; charset=utf-8 allow=OPTIONS, POST, PUT Method Not Allowed",
        seen(send(base, "GET", "/api/v1/admin/tsdb/flush", null, null)));
  }
}
