package io.strata.ingest.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.ingest.scrape.config.PrometheusConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** file_sd and http_sd end to end: discovered targets are scraped and follow changes. */
class DiscoveryTest {
  @TempDir
  Path dir;
  private ExpositionServer server;
  private RecordingSink sink;
  private ScrapeEngine engine;

  @BeforeEach
  void setUp() throws Exception {
    server = new ExpositionServer();
    server.route("/metrics").body("m 1\n");
    server.route("/other").body("m 2\n");
    sink = new RecordingSink();
    engine = new ScrapeEngine(ScrapeEngineSettings.defaults(), sink, new PrometheusRegistry());
  }

  @AfterEach
  void tearDown() {
    engine.close();
    server.close();
  }

  private static void await(Supplier<Boolean> cond, String what) throws InterruptedException {
    long deadline = System.nanoTime() + 4_000_000_000L;
    while (!cond.get()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  private Set<String> instancePaths() {
    Set<String> s = new TreeSet<>();
    for (TargetStatus t : engine.targets()) {
      s.add(t.labels().get("team") + " " + t.scrapeUrl().substring(t.scrapeUrl().lastIndexOf('/')));
    }
    return s;
  }

  @Test
  void fileSdFollowsFileChangesAndKeepsTargetsOfABrokenFile() throws Exception {
    Path f = dir.resolve("targets.json");
    Files.writeString(f, "[{\"targets\": [\"" + server.address() + "\"], \"labels\": {\"team\": \"a\"}}]");
    engine.apply(PrometheusConfigLoader.parse("""
        global: {scrape_interval: 250ms}
        scrape_configs:
          - job_name: files
            file_sd_configs: [{files: ['%s/*.json'], refresh_interval: 1m}]
            relabel_configs:
              - {source_labels: [__meta_filepath], regex: '.*/targets.json', target_label: source, replacement: file}
              - {source_labels: [team], regex: b, target_label: __metrics_path__, replacement: /other}
        """.formatted(dir)));
    RecordingSink.Scrape s = sink.next(RecordingSink.Scrape::up, 3000);
    assertEquals("file", s.target().get("source"));
    assertEquals("a", s.target().get("team"));

    Files.writeString(f, "[{\"targets\": [\"" + server.address() + "\"], \"labels\": {\"team\": \"b\"}}]");
    await(() -> instancePaths().equals(Set.of("b /other")), "file change to be picked up (watch, not refresh_interval)");
    // the target of team a went away: its series get stale markers
    RecordingSink.Scrape gone = sink.next(x -> "a".equals(x.target().get("team")) && !x.staleSeries().isEmpty(), 3000);
    assertTrue(gone.staleSeries().stream().anyMatch(l -> "up".equals(l.metricName())));

    Files.writeString(f, "[{\"targets\": oops");
    Thread.sleep(300);
    assertEquals(Set.of("b /other"), instancePaths(), "a file that does not parse keeps its previous targets");

    Files.delete(f);
    await(() -> engine.targets().isEmpty(), "deleted file to drop its targets");
  }

  @Test
  void httpSdReadsTargetGroups() throws Exception {
    ExpositionServer.Route sd = server.route("/sd");
    sd.contentType = "application/json";
    sd.body("[{\"targets\": [\"" + server.address() + "\"], \"labels\": {\"team\": \"web\", \"__metrics_path__\": \"/other\"}}]");
    engine.apply(PrometheusConfigLoader.parse("""
        global: {scrape_interval: 250ms}
        scrape_configs:
          - job_name: http
            http_sd_configs: [{url: 'http://%s/sd', refresh_interval: 200ms}]
            relabel_configs:
              - {source_labels: [__meta_url], target_label: sd}
        """.formatted(server.address())));
    RecordingSink.Scrape s = sink.next(RecordingSink.Scrape::up, 3000);
    assertEquals(2.0, s.value("m"));
    assertEquals("web", s.target().get("team"));
    assertEquals("http://" + server.address() + "/sd", s.target().get("sd"));

    sd.status = 500; // a failing SD keeps the last targets
    Thread.sleep(500);
    assertEquals(Set.of("web /other"), instancePaths());

    sd.status = 200;
    sd.body("[]");
    await(() -> engine.targets().isEmpty(), "empty http_sd answer to remove the target");
  }

  @Test
  void invalidTargetsAreSkippedOthersScraped() throws Exception {
    engine.apply(PrometheusConfigLoader.parse("""
        global: {scrape_interval: 250ms}
        scrape_configs:
          - job_name: mixed
            static_configs: [{targets: ['%s', 'unused:1']}]
            relabel_configs:
              - {source_labels: [__address__], regex: 'unused:1', target_label: __scrape_interval__, replacement: 'soon'}
        """.formatted(server.address())));
    sink.next(RecordingSink.Scrape::up, 3000);
    assertEquals(List.of("http://" + server.address() + "/metrics"), engine.targets().stream().map(TargetStatus::scrapeUrl).toList());
  }
}
