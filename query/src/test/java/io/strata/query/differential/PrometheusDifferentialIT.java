package io.strata.query.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.query.api.QueryConfig;
import io.strata.query.api.QueryServer;
import io.strata.tsdb.Store;
import io.strata.tsdb.Stores;
import io.strata.tsdb.TsdbConfig;
import io.strata.tsdb.simple.SimpleStore;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance test of the query API: the same seeded data set ({@link DifferentialDataSet}) in a real
 * Prometheus 2.42 (backfilled with promtool) and in a {@link SimpleStore} behind our {@link QueryServer};
 * hundreds of instant and range queries over every function family, operators, aggregations, offsets,
 * {@code @}, subqueries and invalid queries, plus the series/labels/label-values calls Grafana makes, all
 * sent to both HTTP APIs and compared by {@link ResultComparator}. Skipped when prometheus or promtool is
 * not installed ({@code apt-get install prometheus}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusDifferentialIT {
  /**
   * Calls (by {@link ApiCall#id()}) where we knowingly answer differently from Prometheus 2.42, each with
   * the reason. The test fails on any other difference, and on a listed one that no longer differs.
   */
  static final Map<String, String> KNOWN_DIFFERENCES = Map.ofEntries();

  /** Differences of {@link SimpleStore} only (the store of the foundation, not indexed): the engine store has none of them. */
  static final Map<String, String> SIMPLE_STORE_DIFFERENCES = Map.ofEntries(
      Map.entry("labels window with nothing", "SimpleStore.labelNames ignores minT/maxT: names of series without samples in the window are listed"),
      Map.entry("label values window with nothing", "SimpleStore.labelValues ignores minT/maxT"));

  /** The store compared: the real TSDB engine ({@code Stores.open}, what ships), or {@code -Dstrata.differential.store=simple}. */
  static final String STORE = System.getProperty("strata.differential.store", "engine");

  private PrometheusProcess prometheus;
  private Store store;
  private Map<String, String> known;
  private QueryServer server;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  void start(@TempDir Path work) throws Exception {
    assumeTrue(PrometheusProcess.installed(), "prometheus and promtool are not installed (apt-get install prometheus)");
    DifferentialDataSet data = new DifferentialDataSet(20260101L);
    Path om = work.resolve("data.om");
    data.writeOpenMetrics(om);
    Path dir = Files.createDirectories(work.resolve("strata"));
    if (STORE.equals("engine")) {
      store = Stores.open(TsdbConfig.defaults(dir).withBackgroundCompaction(false));
      known = KNOWN_DIFFERENCES;
    } else {
      store = new SimpleStore(dir);
      known = new java.util.HashMap<>(KNOWN_DIFFERENCES);
      known.putAll(SIMPLE_STORE_DIFFERENCES);
    }
    data.load(store, "default");
    server = new QueryServer(QueryConfig.defaults("127.0.0.1", 0), store, new PrometheusRegistry(), () -> true).start();
    prometheus = PrometheusProcess.start(om, Files.createDirectories(work.resolve("prometheus")));
    System.out.printf("differential data set: %d series, %d samples, store %s%n", data.seriesCount(), data.sampleCount(), STORE);
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (prometheus != null) {
        prometheus.close();
      }
    } finally {
      if (server != null) {
        server.close();
      }
      if (store != null) {
        store.close();
      }
    }
  }

  @Test
  void rawDataIsTheSameInBoth() throws Exception {
    // every sample of every series, read back as range vectors: the loads agree before any function runs
    List<String> diffs = new ArrayList<>();
    for (long t = DifferentialDataSet.T0 + 3_600_000; t <= DifferentialDataSet.END + 3_600_000; t += 3_600_000) {
      ApiCall c = ApiCall.get("raw", "/api/v1/query", "query", "{__name__=~\".+\"}[1h]", "time", DifferentialQueries.sec(t));
      diffs.addAll(ResultComparator.compare(c, c.send(http, base()), c.send(http, prometheus.baseUrl())));
      JsonNode ours = c.send(http, base()).body();
      assertTrue(ours.path("data").path("result").size() > 100, "the raw read returns the data set: " + ours.toString().substring(0, 200));
    }
    assertEquals(List.of(), diffs);
  }

  @Test
  void queriesAnswerAsPrometheusDoes() throws Exception {
    List<ApiCall> calls = new ArrayList<>(DifferentialQueries.queryCalls());
    calls.addAll(DifferentialQueries.parameterCalls());
    calls.addAll(DifferentialQueries.metadataCalls());
    check(calls);
  }

  /** Random subquery and filtered-flag expressions ({@link GeneratedSubqueries}); more with -Dstrata.differential.generated=N. */
  @Test
  void generatedSubqueriesAnswerAsPrometheusDoes() throws Exception {
    check(GeneratedSubqueries.calls(Long.getLong("strata.differential.seed", 16L), Integer.getInteger("strata.differential.generated", 200)));
  }

  @Test
  void buildinfoHasPrometheusFields() throws Exception {
    ApiCall c = ApiCall.get("buildinfo", "/api/v1/status/buildinfo");
    JsonNode ours = c.send(http, base()).body().path("data");
    JsonNode theirs = c.send(http, prometheus.baseUrl()).body().path("data");
    assertEquals(fieldNames(theirs), fieldNames(ours));
    assertTrue(theirs.path("version").asText().startsWith(ours.path("version").asText()),
        "Grafana reads the version to pick features: ours " + ours.path("version") + ", prometheus " + theirs.path("version"));
  }

  private static Set<String> fieldNames(JsonNode n) {
    Set<String> s = new TreeSet<>();
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      s.add(it.next());
    }
    return s;
  }

  private void check(List<ApiCall> calls) throws Exception {
    Map<String, List<String>> unexpected = new LinkedHashMap<>();
    Set<String> knownSeen = new TreeSet<>();
    int compared = 0;
    for (ApiCall c : calls) {
      List<String> d = ResultComparator.compare(c, c.send(http, base()), c.send(http, prometheus.baseUrl()));
      compared++;
      if (d.isEmpty()) {
        continue;
      }
      if (known.containsKey(c.id())) {
        knownSeen.add(c.id());
        continue;
      }
      unexpected.computeIfAbsent(c.describe(), k -> new ArrayList<>()).addAll(d.subList(0, Math.min(3, d.size())));
    }
    Set<String> stale = new TreeSet<>(known.keySet());
    stale.removeAll(knownSeen);
    StringBuilder report = new StringBuilder();
    unexpected.forEach((call, d) -> report.append("\n* ").append(call).append("\n    ").append(String.join("\n    ", d)));
    System.out.printf("compared %d calls: %d unexpected differences, %d known%n", compared, unexpected.size(), knownSeen.size());
    assertTrue(unexpected.isEmpty(), unexpected.size() + " calls of " + compared + " answer differently from Prometheus:" + report);
    assertTrue(stale.isEmpty(), "KNOWN_DIFFERENCES that now agree with Prometheus, remove them: " + stale);
  }

  private String base() {
    return "http://127.0.0.1:" + server.port();
  }
}
