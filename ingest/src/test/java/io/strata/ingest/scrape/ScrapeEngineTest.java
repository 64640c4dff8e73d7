package io.strata.ingest.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.ingest.exposition.Format;
import io.strata.ingest.exposition.MetricType;
import io.strata.ingest.scrape.config.ConfigException;
import io.strata.ingest.scrape.config.PrometheusConfigLoader;
import io.strata.schemas.model.Labels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real HTTP against an in-test exporter; 500 ms intervals and bounded waits. */
class ScrapeEngineTest {
  private ExpositionServer server;
  private RecordingSink sink;
  private final List<ScrapeEngine> engines = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    server = new ExpositionServer();
    sink = new RecordingSink();
  }

  @AfterEach
  void tearDown() {
    for (ScrapeEngine e : engines) {
      e.close();
    }
    server.close();
  }

  private ScrapeEngine engine(String yaml) throws ConfigException {
    return engine(yaml, ScrapeEngineSettings.defaults());
  }

  private ScrapeEngine engine(String yaml, ScrapeEngineSettings settings) throws ConfigException {
    ScrapeEngine e = new ScrapeEngine(settings, sink, new PrometheusRegistry());
    engines.add(e);
    e.apply(PrometheusConfigLoader.parse(yaml));
    return e;
  }

  private String job(String name, String extra) {
    // a timeout that a loaded test machine does not hit by accident (a timed-out scrape marks every series stale)
    return "global: {scrape_interval: 500ms, scrape_timeout: 500ms}\n"
        + "scrape_configs:\n"
        + "  - job_name: " + name + "\n"
        + "    static_configs: [{targets: ['" + server.address() + "'], labels: {env: test}}]\n"
        + (extra.isEmpty() ? "" : extra.indent(4));
  }

  private Labels series(String name, String... nv) {
    List<String> all = new ArrayList<>(List.of("__name__", name, "job", "node", "instance", server.address(), "env", "test"));
    all.addAll(List.of(nv));
    return Labels.of(all.toArray(new String[0]));
  }

  @Test
  void scrapesTargetWithTargetLabelsAndReportSeries() throws Exception {
    ExpositionServer.Route r = server.route("/metrics").body("""
        # HELP node_load1 1m load average.
        # TYPE node_load1 gauge
        node_load1 0.5
        node_cpu_seconds_total{cpu="0",mode="idle"} 100
        """);
    engine(job("node", ""));
    RecordingSink.Scrape s = sink.next(RecordingSink.Scrape::up, 3000);
    assertEquals("default", s.tenant());
    assertEquals("node", s.job());
    assertEquals(0.5, s.find(series("node_load1")).value());
    assertEquals(100.0, s.find(series("node_cpu_seconds_total", "cpu", "0", "mode", "idle")).value());
    assertEquals(1.0, s.find(series("up")).value());
    assertEquals(2.0, s.value("scrape_samples_scraped"));
    assertEquals(2.0, s.value("scrape_samples_post_metric_relabeling"));
    assertEquals(2.0, s.value("scrape_series_added"));
    assertTrue(s.value("scrape_duration_seconds") >= 0);
    // all samples of a scrape carry the scrape's start time
    long ts = s.samples().get(0).ts();
    assertTrue(s.samples().stream().allMatch(x -> x.ts() == ts));
    assertEquals(List.of(new io.strata.ingest.exposition.FamilyMetadata("node_load1", MetricType.GAUGE, "1m load average.", "")),
        s.metadata());
    assertEquals(Format.SCRAPE_ACCEPT_HEADER, r.lastRequestHeaders.getFirst("Accept"));
    assertEquals("gzip", r.lastRequestHeaders.getFirst("Accept-Encoding"));
    assertEquals("0.5", r.lastRequestHeaders.getFirst("X-Prometheus-Scrape-Timeout-Seconds"));
    RecordingSink.Scrape second = sink.next();
    assertEquals(0.0, second.value("scrape_series_added"), "known series are not added again");
    assertTrue(second.samples().get(0).ts() > ts);
  }

  @Test
  void gzipAndOpenMetricsBodies() throws Exception {
    ExpositionServer.Route r = server.route("/metrics").body("""
        # TYPE jobs counter
        jobs_total 3 1700000000.250
        jobs_created 1600000000
        # EOF
        """);
    r.gzip = true;
    r.contentType = Format.OPENMETRICS_1_0.contentType();
    engine(job("node", ""));
    RecordingSink.Scrape s = sink.next(RecordingSink.Scrape::up, 3000);
    assertTrue(s.up());
    RecordingSink.Sample jobs = s.find(series("jobs_total"));
    assertEquals(3.0, jobs.value());
    assertEquals(1_700_000_000_250L, jobs.ts(), "honor_timestamps defaults to true");
    assertNull(s.value("jobs_created"), "_created lines are skipped");
  }

  @Test
  void honorTimestampsFalseUsesScrapeTime() throws Exception {
    server.route("/metrics").body("m 1 1000\n");
    engine(job("node", "honor_timestamps: false"));
    RecordingSink.Scrape s = sink.next(RecordingSink.Scrape::up, 3000);
    assertEquals(s.find(series("up")).ts(), s.find(series("m")).ts());
  }

  @Test
  void conflictingLabelsBecomeExportedUnlessHonorLabels() throws Exception {
    server.route("/metrics").body("m{job=\"pushed\",instance=\"other\",exported_job=\"x\"} 1\n");
    engine(job("node", ""));
    RecordingSink.Scrape s = sink.next(RecordingSink.Scrape::up, 3000);
    // job clashes with the target's job; exported_job is taken, so it becomes exported_exported_job
    assertNotNull(s.find(series("m", "exported_instance", "other", "exported_job", "x", "exported_exported_job", "pushed"))
        , () -> s.samples().toString());
  }

  @Test
  void honorLabelsKeepsExposedLabels() throws Exception {
    server.route("/metrics").body("m{job=\"pushed\"} 1\n");
    engine(job("node", "honor_labels: true"));
    RecordingSink.Scrape s = sink.next(RecordingSink.Scrape::up, 3000);
    Labels want = Labels.of("__name__", "m", "job", "pushed", "instance", server.address(), "env", "test");
    assertNotNull(s.find(want), () -> s.samples().toString());
  }

  @Test
  void vanishedSeriesGetStaleMarkersOnce() throws Exception {
    ExpositionServer.Route r = server.route("/metrics").body("a 1\nb 2\n");
    engine(job("node", ""));
    sink.next(s -> s.value("b") != null, 3000);
    r.body("a 1\n");
    RecordingSink.Scrape s = sink.next(x -> x.value("b") == null, 3000);
    assertEquals(List.of(series("b")), s.staleSeries());
    RecordingSink.Scrape after = sink.next();
    assertEquals(List.of(), after.staleSeries(), "a stale marker is written once");
  }

  @Test
  void failedScrapeIsDownAndMarksEverySeriesStale() throws Exception {
    ExpositionServer.Route r = server.route("/metrics").body("a 1\nb 2\n");
    engine(job("node", ""));
    sink.next(RecordingSink.Scrape::up, 3000);
    r.status = 500;
    RecordingSink.Scrape s = sink.next(x -> !x.up(), 3000);
    assertEquals(0.0, s.value("up"));
    assertEquals(0.0, s.value("scrape_samples_scraped"));
    assertEquals(List.of(series("a"), series("b")), s.staleSeries());
    ScrapeEngine e = engines.get(0);
    TargetStatus st = e.targets().get(0);
    assertEquals(TargetStatus.Health.DOWN, st.health());
    assertEquals("server returned HTTP status 500", st.lastError());
  }

  @Test
  void parseErrorFailsTheWholeScrape() throws Exception {
    server.route("/metrics").body("good 1\nbad{ 2\n");
    ScrapeEngine e = engine(job("node", ""));
    RecordingSink.Scrape s = sink.next();
    assertEquals(0.0, s.value("up"));
    assertNull(s.value("good"), "nothing of a failed scrape is kept");
    assertTrue(e.targets().get(0).lastError().startsWith("text format parsing error in line 2: "), e.targets().get(0).lastError());
  }

  @Test
  void sampleLimitExceededFailsScrapeButCountsAllSamples() throws Exception {
    server.route("/metrics").body("a 1\nb 2\nc 3\ngo_x 4\n");
    ScrapeEngine e = engine(job("node", """
        sample_limit: 2
        metric_relabel_configs: [{source_labels: [__name__], regex: 'go_.*', action: drop}]
        """));
    RecordingSink.Scrape s = sink.next();
    assertEquals(0.0, s.value("up"));
    assertNull(s.value("a"));
    assertEquals(4.0, s.value("scrape_samples_scraped"));
    assertEquals(3.0, s.value("scrape_samples_post_metric_relabeling"));
    assertEquals("sample limit exceeded", e.targets().get(0).lastError());
  }

  @Test
  void metricRelabelingDropsAndRenames() throws Exception {
    server.route("/metrics").body("go_gc 1\nhttp_requests 5\n");
    engine(job("node", """
        metric_relabel_configs:
          - {source_labels: [__name__], regex: 'go_.*', action: drop}
          - {source_labels: [__name__], regex: '(.*)', target_label: __name__, replacement: '${1}_total'}
        """));
    RecordingSink.Scrape s = sink.next(RecordingSink.Scrape::up, 3000);
    assertTrue(s.up());
    assertNull(s.value("go_gc"));
    assertEquals(5.0, s.value("http_requests_total"));
    assertEquals(2.0, s.value("scrape_samples_scraped"));
    assertEquals(1.0, s.value("scrape_samples_post_metric_relabeling"));
  }

  @Test
  void labelLimitFailsScrapeWithPrometheusMessage() throws Exception {
    server.route("/metrics").body("m{a=\"1\",b=\"2\"} 1\n");
    ScrapeEngine e = engine(job("node", "label_limit: 5"));
    RecordingSink.Scrape s = sink.next();
    assertEquals(0.0, s.value("up"));
    assertEquals("label_limit exceeded (metric: m, number of labels: 6, limit: 5)", e.targets().get(0).lastError());
  }

  @Test
  void timeoutMakesTargetDown() throws Exception {
    server.route("/metrics").body("m 1\n").delayMs = 1500;
    ScrapeEngine e = engine(job("node", ""));
    RecordingSink.Scrape s = sink.next();
    assertEquals(0.0, s.value("up"));
    assertTrue(e.targets().get(0).lastError().contains("deadline"), e.targets().get(0).lastError());
  }

  @Test
  void bodySizeLimitFailsScrape() throws Exception {
    server.route("/metrics").body("m 1\n".repeat(1000));
    // a timeout that a loaded machine cannot hit first: the limit must be what fails the scrape
    ScrapeEngine e = engine(job("node", "body_size_limit: 1KB\nscrape_interval: 1s\nscrape_timeout: 1s"));
    RecordingSink.Scrape s = sink.next(x -> true, 10_000);
    assertEquals(0.0, s.value("up"));
    assertEquals("body size limit exceeded", e.targets().get(0).lastError());
  }

  @Test
  void basicAuthParamsAndPathAreSent() throws Exception {
    ExpositionServer.Route r = server.route("/probe").body("m 1\n");
    engine(job("node", """
        metrics_path: /probe
        params: {module: [http_2xx]}
        basic_auth: {username: alice, password: 's3cret'}
        relabel_configs:
          - {target_label: __param_target, replacement: 'example.com'}
        """));
    RecordingSink.Scrape s = sink.next(RecordingSink.Scrape::up, 3000);
    assertTrue(s.up());
    assertEquals("Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8)),
        r.lastRequestHeaders.getFirst("Authorization"));
    assertEquals("module=http_2xx&target=example.com", r.lastQuery);
  }

  @Test
  void bearerTokenIsSent() throws Exception {
    ExpositionServer.Route r = server.route("/metrics").body("m 1\n");
    engine(job("node", "bearer_token: tok"));
    sink.next(RecordingSink.Scrape::up, 3000);
    assertEquals("Bearer tok", r.lastRequestHeaders.getFirst("Authorization"));
  }

  @Test
  void relabelConfigsShapeTargetLabelsAndDropMetaLabels() throws Exception {
    server.route("/metrics").body("m 1\n");
    engine(job("node", """
        relabel_configs:
          - {source_labels: [__address__], regex: '([^:]+):.*', target_label: instance, replacement: 'host-$1'}
          - {target_label: __meta_secret, replacement: x}
        """));
    RecordingSink.Scrape s = sink.next(RecordingSink.Scrape::up, 3000);
    assertEquals(Labels.of("job", "node", "instance", "host-127.0.0.1", "env", "test"), s.target());
  }

  @Test
  void relabelKeepCanDropEveryTarget() throws Exception {
    server.route("/metrics").body("m 1\n");
    ScrapeEngine e = engine(job("node", "relabel_configs: [{source_labels: [env], regex: prod, action: keep}]"));
    Thread.sleep(500);
    assertTrue(e.targets().isEmpty());
    assertTrue(sink.scrapes.isEmpty());
  }

  @Test
  void removedTargetGetsEndOfRunStaleMarkers() throws Exception {
    server.route("/metrics").body("a 1\n");
    ScrapeEngine e = engine(job("node", ""));
    sink.next(RecordingSink.Scrape::up, 3000);
    e.reload("global: {scrape_interval: 200ms}\nscrape_configs: []\n");
    RecordingSink.Scrape s = sink.next(x -> !x.staleSeries().isEmpty(), 3000);
    assertTrue(s.staleSeries().containsAll(List.of(series("a"), series("up"), series("scrape_duration_seconds"))),
        s.staleSeries().toString());
    assertTrue(e.targets().isEmpty());
  }

  @Test
  void invalidReloadIsRejectedAndOldConfigKeepsRunning() throws Exception {
    server.route("/metrics").body("a 1\n");
    ScrapeEngine e = engine(job("node", ""));
    sink.next();
    ConfigException ex = assertThrows(ConfigException.class, () -> e.reload("scrape_configs: [{job_name: x, scrape_timeout: 2m}]"));
    assertTrue(ex.getMessage().contains("scrape timeout greater than scrape interval"), ex.getMessage());
    sink.scrapes.clear();
    assertTrue(sink.next().up(), "the old config still scrapes");
    assertEquals("node", e.config().scrapeConfigs().get(0).jobName());
  }

  @Test
  void changedJobConfigRestartsLoopsWithoutStaleMarkers() throws Exception {
    server.route("/metrics").body("a 1\nb 1\n");
    ScrapeEngine e = engine(job("node", ""));
    sink.next(RecordingSink.Scrape::up, 3000);
    e.reload(job("node", "metric_relabel_configs: [{source_labels: [__name__], regex: b, action: drop}]"));
    RecordingSink.Scrape s = sink.next(x -> x.value("b") == null, 3000);
    // b went away because of the new config: stale marker; a continues without one
    assertEquals(List.of(series("b")), s.staleSeries());
    assertEquals(1.0, s.value("a"));
  }

  @Test
  void unchangedConfigKeepsTheSameLoop() throws Exception {
    server.route("/metrics").body("a 1\n");
    ScrapeEngine e = engine(job("node", ""));
    sink.next();
    TargetStatus before = e.targets().get(0);
    e.reload(job("node", ""));
    sink.scrapes.clear();
    for (int i = 0; i < 3; i++) {
      assertEquals(List.of(), sink.next().staleSeries());
    }
    assertEquals(before.scrapeUrl(), e.targets().get(0).scrapeUrl());
  }

  @Test
  void sinkFailureIsCountedAndScrapingGoesOn() throws Exception {
    server.route("/metrics").body("a 1\n");
    sink.fail = true;
    engine(job("node", ""));
    Thread.sleep(450);
    assertTrue(sink.scrapes.isEmpty());
    sink.fail = false;
    assertTrue(sink.next(RecordingSink.Scrape::up, 3000).up());
  }

  private static final int TARGETS = 32;

  @Test
  void shardsSplitTargetsByAddressHash() throws Exception {
    StringBuilder targets = new StringBuilder();
    for (int i = 0; i < TARGETS; i++) {
      server.route("/t" + i).body("m 1\n");
      targets.append(i == 0 ? "" : ", ").append("'").append(server.address()).append("'");
    }
    // distinct addresses (32: all on one shard by chance is 2 in 2^32, where 8 failed about 1 run in 128): 127.0.0.1:port with different hostnames resolving locally is not portable,
    // so use distinct instance addresses via relabeling of __address__ from a label.
    String yaml = "global: {scrape_interval: 250ms, scrape_timeout: 250ms}\nscrape_configs:\n  - job_name: s\n"
        + "    static_configs:\n" + shardTargets() + "    relabel_configs:\n"
        + "      - {source_labels: [path], target_label: __metrics_path__}\n";
    ScrapeEngine s0 = engine(yaml, ScrapeEngineSettings.defaults().withShard(2, 0));
    ScrapeEngine s1 = engine(yaml, ScrapeEngineSettings.defaults().withShard(2, 1));
    Thread.sleep(100);
    int n0 = s0.targets().size();
    int n1 = s1.targets().size();
    assertEquals(TARGETS, n0 + n1, "every target is scraped by exactly one shard");
    assertTrue(n0 > 0 && n1 > 0, "both shards get targets: " + n0 + "/" + n1);
  }

  private String shardTargets() {
    StringBuilder sb = new StringBuilder();
    // Different address spellings of the same port: 127.0.0.x all reach the loopback server on Linux.
    String port = server.address().substring(server.address().indexOf(':') + 1);
    for (int i = 0; i < TARGETS; i++) {
      sb.append("      - {targets: ['127.0.0.").append(i + 1).append(":").append(port).append("'], labels: {path: /t").append(i)
          .append("}}\n");
    }
    return sb.toString();
  }

  @Test
  void targetsApiShowsLabelsAndDiscoveredLabels() throws Exception {
    server.route("/metrics").body("a 1\n");
    ScrapeEngine e = engine(job("node", ""));
    sink.next(RecordingSink.Scrape::up, 3000);
    TargetStatus t = e.targets().get(0);
    assertEquals("http://" + server.address() + "/metrics", t.scrapeUrl());
    assertEquals(TargetStatus.Health.UP, t.health());
    assertEquals(server.address(), t.discoveredLabels().get("__address__"));
    assertEquals("500ms", t.discoveredLabels().get("__scrape_interval__"));
    assertFalse(t.labels().toMap().containsKey("__address__"));
  }
}
