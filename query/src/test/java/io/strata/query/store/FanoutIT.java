package io.strata.query.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.query.api.QueryConfig;
import io.strata.query.api.QueryServer;
import io.strata.schemas.http.WebSecurity;
import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.file.Path;
import io.strata.schemas.model.Labels;
import io.strata.tsdb.Resolution;
import io.strata.tsdb.RollupPoint;
import io.strata.tsdb.Store;
import io.strata.tsdb.Stores;
import io.strata.tsdb.TsdbConfig;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A query node over two stores (each a real TSDB engine behind its query server, over real HTTP) answers what
 * one store holding all the data answers: series split between the stores, a series whose partition moved from
 * one store to the other (both hold the overlap), HA replicas written by two sink groups, rollup windows, a second
 * tenant. Then a third, unreachable store: {@code partial_response} off is an error naming it, on is the answer
 * of the two others with a warning naming it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FanoutIT {
  static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
  static final long STEP = 15_000;
  static final long END = T0 + 2 * 3_600_000;
  /** The moved series: store A until here (plus the overlap), store B from {@code MOVE - OVERLAP}. */
  static final long MOVE = T0 + 3_600_000;
  static final long OVERLAP = 10 * 60_000;
  static final long RES_5M = 300_000;
  static final ObjectMapper JSON = new ObjectMapper();

  private final List<Store> stores = new ArrayList<>();
  private final List<QueryServer> servers = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private String single;
  private String fanout;
  private String fanoutWithDead;
  private String allDead;
  private String deadUrl;

  @BeforeAll
  void start() throws Exception {
    Store a = open();
    Store b = open();
    Store all = open();
    for (int k = 0; k < 6; k++) {
      Labels l = Labels.of("__name__", "http_requests_total", "job", "api", "instance", "i" + k);
      for (long t = T0; t <= END; t += STEP) {
        double v = (t - T0) / 1000.0 * (k + 1) + (t > T0 + 5_400_000 && k == 2 ? -500 : 0); // a reset in i2
        (k < 3 ? a : b).append("default", l, t, Math.max(v, 0));
        all.append("default", l, t, Math.max(v, 0));
      }
    }
    Labels moved = Labels.of("__name__", "moved_total", "instance", "m");
    for (long t = T0; t <= END; t += STEP) {
      double v = (t - T0) / 100.0;
      if (t <= MOVE) {
        a.append("default", moved, t, v);
      }
      if (t >= MOVE - OVERLAP) {
        b.append("default", moved, t, v);
      }
      all.append("default", moved, t, v);
    }
    for (long w = T0; w + RES_5M <= END; w += RES_5M) {
      RollupPoint p = window(w);
      if (w + RES_5M <= MOVE) {
        a.appendRollup("default", moved, Resolution.parse("5m"), p);
      }
      if (w >= MOVE - OVERLAP) {
        b.appendRollup("default", moved, Resolution.parse("5m"), p);
      }
      all.appendRollup("default", moved, Resolution.parse("5m"), p);
    }
    // HA replicas: each store got the copy of one sink group; replica b scrapes 5 s later and its restart leaves a gap
    for (long t = T0; t <= END; t += STEP) {
      Labels ra = Labels.of("__name__", "ha_up", "instance", "h", "replica", "a");
      Labels rb = Labels.of("__name__", "ha_up", "instance", "h", "replica", "b");
      a.append("default", ra, t, 1);
      all.append("default", ra, t, 1);
      if (t < T0 + 1_800_000 || t > T0 + 2_400_000) {
        b.append("default", rb, t + 5000, 1);
        all.append("default", rb, t + 5000, 1);
      }
    }
    Labels other = Labels.of("__name__", "http_requests_total", "job", "other_tenant");
    b.append("team-b", other, T0 + 60_000, 42);
    all.append("team-b", other, T0 + 60_000, 42);
    for (Store s : List.of(a, b, all)) {
      s.commit(Map.of());
    }
    QueryConfig cfg = QueryConfig.defaults("127.0.0.1", 0).withRollupResolutions(List.of(Resolution.parse("5m"))).withReplicaLabels(List.of("replica"));
    String urlA = serve(cfg, a);
    String urlB = serve(cfg, b);
    single = serve(cfg, all);
    try (ServerSocket s = new ServerSocket(0)) {
      deadUrl = "http://127.0.0.1:" + s.getLocalPort();
    }
    fanout = serve(cfg, new FanoutStore(List.of(URI.create(urlA), URI.create(urlB)), false, Duration.ofSeconds(10), new PrometheusRegistry()));
    allDead = serve(cfg, new FanoutStore(List.of(URI.create(deadUrl)), true, Duration.ofSeconds(10), new PrometheusRegistry()));
    fanoutWithDead = serve(cfg, new FanoutStore(List.of(URI.create(urlA), URI.create(deadUrl), URI.create(urlB)), true, Duration.ofSeconds(10),
        new PrometheusRegistry()));
  }

  /** The exact 5m window of the moved series (a counter rising 0.15 per 15 s sample) that starts at w. */
  static RollupPoint window(long w) {
    long n = 0;
    double sum = 0;
    double first = 0;
    double last = 0;
    long firstMs = 0;
    long lastMs = 0;
    for (long t = w; t < w + RES_5M; t += STEP) {
      double v = (t - T0) / 100.0;
      if (n == 0) {
        first = v;
        firstMs = t;
      }
      last = v;
      lastMs = t;
      sum += v;
      n++;
    }
    return new RollupPoint(w, n, sum, first, last, last, last, firstMs, first, lastMs, 0, 0, n - 1, true);
  }

  private Store open() throws Exception {
    Store s = Stores.open(TsdbConfig.defaults(Files.createTempDirectory("strata-fanout")).withBackgroundCompaction(false));
    stores.add(s);
    return s;
  }

  private String serve(QueryConfig cfg, Store store) {
    if (store instanceof FanoutStore) {
      stores.add(store);
    }
    QueryServer s = new QueryServer(cfg, store, new PrometheusRegistry(), () -> true).start();
    servers.add(s);
    return "http://127.0.0.1:" + s.port();
  }

  @AfterAll
  void stop() throws Exception {
    servers.forEach(QueryServer::close);
    for (Store s : stores) {
      s.close();
    }
  }

  static final List<String> EXPRESSIONS = List.of(
      "http_requests_total",
      "sum by (job) (rate(http_requests_total[5m]))",
      "increase(http_requests_total{instance=~\"i[2-4]\"}[30m])",
      "moved_total",
      "rate(moved_total[10m])",
      "max_over_time(moved_total[30m]) - min_over_time(moved_total[30m])",
      "count_over_time(moved_total[20m])",
      "ha_up",
      "count_over_time(ha_up[10m])",
      "count by (__name__) ({__name__=~\".+\"})");

  @Test
  void answersEqualThoseOfOneStoreHoldingAllTheData() throws Exception {
    int compared = 0;
    for (String q : EXPRESSIONS) {
      for (long t : new long[] {T0 + 120_000, MOVE - 5 * 60_000, MOVE + 90_000, T0 + 2_100_000, END}) {
        String path = "/api/v1/query?query=" + enc(q) + "&time=" + t / 1000;
        assertSame(path, "default");
        compared++;
      }
      for (String extra : new String[] {"", "&dedup=false", "&max_source_resolution=5m"}) {
        String path = "/api/v1/query_range?query=" + enc(q) + "&start=" + T0 / 1000 + "&end=" + END / 1000 + "&step=300" + extra;
        assertSame(path, "default");
        compared++;
      }
    }
    for (String path : List.of("/api/v1/series?match[]=" + enc("{__name__=~\".+\"}"), "/api/v1/series?match[]=ha_up&dedup=false",
        "/api/v1/labels", "/api/v1/label/instance/values", "/api/v1/label/__name__/values?match[]=" + enc("{instance=\"m\"}"),
        "/api/v1/labels?start=" + (MOVE + 600_000) / 1000 + "&end=" + END / 1000)) {
      assertSame(path, "default");
      compared++;
    }
    assertSame("/api/v1/query?query=http_requests_total&time=" + (T0 + 120_000) / 1000, "team-b");
    JsonNode teamB = get(fanout + "/api/v1/query?query=http_requests_total&time=" + (T0 + 120_000) / 1000, "team-b").body;
    assertEquals(1, teamB.path("data").path("result").size(), "the other tenant sees its one series only: " + teamB);
    assertEquals(EXPRESSIONS.size() * 8 + 6, compared);
  }

  @Test
  void rollupReadsThroughTheFanoutUseTheStoresWindows() throws Exception {
    // on the 5m grid (the stores send raw samples outside the windows only) and off it (a 7m step cuts windows: all raw)
    for (String q : List.of("rate(moved_total[30m])", "rate(moved_total[32m])")) {
      for (String step : List.of("900", "420")) {
        String path = "/api/v1/query_range?query=" + enc(q) + "&start=" + T0 / 1000 + "&end=" + END / 1000
            + "&step=" + step + "&max_source_resolution=5m";
        Answer a = get(fanout + path, null);
        assertEquals("5m", a.resolution, "read at the 5m resolution");
        assertEquals(get(single + path, null).body.path("data"), a.body.path("data"), q + " step " + step);
      }
    }
  }

  @Test
  void anUnreachableStoreIsAnErrorNamingItWithoutPartialResponse() throws Exception {
    for (String path : List.of("/api/v1/query?query=up&time=" + T0 / 1000, "/api/v1/query_range?query=up&start=" + T0 / 1000 + "&end=" + END / 1000 + "&step=60",
        "/api/v1/labels", "/api/v1/series?match[]=up")) {
      Answer a = get(fanoutWithDead + path + (path.contains("?") ? "&" : "?") + "partial_response=false", null);
      assertEquals(503, a.status, path + ": " + a.body);
      assertEquals("unavailable", a.body.path("errorType").asText());
      assertTrue(a.body.path("error").asText().contains(deadUrl), a.body.toString());
    }
  }

  @Test
  void anUnreachableStoreIsAWarningNamingItWithPartialResponse() throws Exception {
    for (String p : new String[] {"&partial_response=true", ""}) { // the fan-out's default is on
      String path = "/api/v1/query?query=" + enc("sum(rate(http_requests_total[5m]))") + "&time=" + (MOVE + 60_000) / 1000 + p;
      Answer a = get(fanoutWithDead + path, null);
      assertEquals(200, a.status, a.body.toString());
      assertEquals(get(single + path, null).body.path("data"), a.body.path("data"), "the two stores that answered hold all the data");
      JsonNode warnings = a.body.path("warnings");
      assertEquals(1, warnings.size(), "one warning for the store, however many reads the query made: " + warnings);
      assertTrue(warnings.get(0).asText().contains(deadUrl), warnings.toString());
    }
    Answer labels = get(fanoutWithDead + "/api/v1/label/instance/values", null);
    assertEquals(get(single + "/api/v1/label/instance/values", null).body.path("data"), labels.body.path("data"));
    assertTrue(labels.body.path("warnings").get(0).asText().contains(deadUrl));
    Answer nothing = get(allDead + "/api/v1/query?query=up&partial_response=true&time=" + T0 / 1000, null);
    assertEquals(503, nothing.status, "no store answered: an error, not an empty result: " + nothing.body);
    assertTrue(nothing.body.path("error").asText().startsWith("no store answered: store " + deadUrl), nothing.body.toString());
    Answer none = get(single + "/api/v1/query?query=up&partial_response=true&time=" + T0 / 1000, null);
    assertFalse(none.body.has("warnings"), "a store's own query server takes the parameter and has nothing to warn about");
  }

  @Test
  void badStoreApiParametersAre400() throws Exception {
    Answer a = get(single + "/api/v1/store/select?matcher=" + enc("job=~(") + "&start=0&end=1", null);
    assertEquals(400, a.status, a.body.toString());
    assertEquals("bad_data", a.body.path("errorType").asText());
    Answer b = get(single + "/api/v1/store/labels?start=yesterday", null);
    assertEquals(400, b.status, b.body.toString());
    Answer c = get(fanout + "/api/v1/query?query=up&partial_response=maybe", null);
    assertEquals(400, c.status, c.body.toString());
    for (String bad : List.of("resolution=5m&with_raw=some", "with_raw=all")) {
      Answer d = get(single + "/api/v1/store/select?" + bad, null);
      assertEquals(400, d.status, bad + ": " + d.body);
      assertTrue(d.body.path("error").asText().contains("with_raw"), d.body.toString());
    }
  }

  @Test
  void aStoreBehindBasicAuthAndTenantsIsReadWithTheUrlsCredentials() throws Exception {
    Path dir = Files.createTempDirectory("strata-fanout-auth");
    Path webYml = Files.writeString(dir.resolve("web.yml"),
        "basic_auth_users:\n  querier: " + BCrypt.withDefaults().hashToString(4, "s3cret".toCharArray()) + "\n");
    Store secured = open();
    secured.append("default", Labels.of("__name__", "secured_up"), T0, 1);
    secured.commit(Map.of());
    WebSecurity web = WebSecurity.load(new WebSecurity.Options(webYml, Map.of("querier", List.of("default")), false, false, null));
    QueryServer server = new QueryServer(QueryConfig.defaults("127.0.0.1", 0), secured, new PrometheusRegistry(), () -> true).secure(web).start();
    servers.add(server);
    String path = "/api/v1/query?query=secured_up&partial_response=false&time=" + (T0 + 1000) / 1000;
    String withUser = serve(QueryConfig.defaults("127.0.0.1", 0), new FanoutStore(List.of(URI.create("http://querier:s3cret@127.0.0.1:" + server.port())),
        false, Duration.ofSeconds(10), new PrometheusRegistry()));
    Answer ok = get(withUser + path, null);
    assertEquals(200, ok.status, ok.body.toString());
    assertEquals(1, ok.body.path("data").path("result").size(), ok.body.toString());
    Answer otherTenant = get(withUser + path, "team-b");
    assertEquals(503, otherTenant.status, otherTenant.body.toString());
    assertTrue(otherTenant.body.path("error").asText().contains("HTTP 403"), "the store refuses a tenant the user is not bound to: " + otherTenant.body);
    assertFalse(otherTenant.body.path("error").asText().contains("s3cret"), "errors name the store without its password");
    String wrong = serve(QueryConfig.defaults("127.0.0.1", 0), new FanoutStore(List.of(URI.create("http://querier:guess@127.0.0.1:" + server.port())),
        false, Duration.ofSeconds(10), new PrometheusRegistry()));
    Answer refused = get(wrong + path, null);
    assertEquals(503, refused.status, refused.body.toString());
    assertTrue(refused.body.path("error").asText().contains("store http://127.0.0.1:" + server.port() + " did not answer: HTTP 401"), refused.body.toString());
  }

  private void assertSame(String path, String tenant) throws Exception {
    Answer want = get(single + path, tenant);
    Answer got = get(fanout + path, tenant);
    assertEquals(200, want.status, path + ": " + want.body);
    assertEquals(want.status, got.status, path + ": " + got.body);
    assertEquals(want.body.path("data"), got.body.path("data"), path);
    assertEquals(want.resolution, got.resolution, path);
    assertFalse(got.body.has("warnings") && !want.body.has("warnings"), path + ": " + got.body.path("warnings"));
  }

  record Answer(int status, JsonNode body, String resolution) {}

  private Answer get(String url, String tenant) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (tenant != null) {
      b.header("X-Scope-OrgID", tenant);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), JSON.readTree(r.body()), r.headers().firstValue("X-Strata-Source-Resolution").orElse(null));
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
