package io.strata.app.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.embedded.browser.Browser;
import io.strata.embedded.junit.StrataTest;
import io.strata.embedded.junit.TestCluster;
import io.strata.ingest.kafka.SampleBatchProducer;
import io.strata.ingest.kafka.ScrapeToKafka;
import io.strata.ingest.scrape.ScrapeEngine;
import io.strata.ingest.scrape.ScrapeEngineSettings;
import io.strata.ingest.server.IngestConfig;
import io.strata.ingest.server.IngestServer;
import io.strata.query.api.QueryConfig;
import io.strata.query.api.QueryServer;
import io.strata.schemas.Topics;
import io.strata.tsdb.simple.SimpleStore;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web UI's targets and Pushgateway pages in headless chromium, wired as {@code strata up} wires them:
 * the query server proxies a real ingest server (scrape engine, Pushgateway API) on a real broker.
 */
@StrataTest
class WebUiIngestIT {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void targetsPageShowsADownTargetWithItsErrorAndPushgatewayGroupsCanBeDeleted(TestCluster cluster, @TempDir Path work) throws Exception {
    assumeTrue(Browser.installed(), "Debian's chromium is not installed (" + Browser.CHROMIUM + "); ./test installs it");
    String prefix = cluster.uniquePrefix();
    cluster.createTopic(prefix + Topics.SAMPLES, 1);
    cluster.createTopic(prefix + Topics.METADATA, 1);
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort(); // nothing listens there once closed: the target is down
    }
    PrometheusRegistry metrics = new PrometheusRegistry();
    try (SimpleStore store = new SimpleStore(work.resolve("store"));
        QueryServer query = new QueryServer(QueryConfig.defaults("127.0.0.1", 0), store, metrics, () -> true).start();
        SampleBatchProducer producer = new SampleBatchProducer(cluster.bootstrapServers(), cluster.registryUrl(), prefix, Map.of(), metrics);
        ScrapeEngine scrape = new ScrapeEngine(ScrapeEngineSettings.defaults(), new ScrapeToKafka(producer, Duration.ofSeconds(30)), metrics)) {
      Path config = work.resolve("prometheus.yml");
      Files.writeString(config, """
          global: {scrape_interval: 1s, scrape_timeout: 1s}
          scrape_configs:
          - job_name: query
            static_configs: [{targets: ['127.0.0.1:%d'], labels: {team: obs}}]
          - job_name: broken
            static_configs: [{targets: ['127.0.0.1:%d']}]
          """.formatted(query.port(), closed));
      try (IngestServer ingest = new IngestServer(IngestConfig.defaults("127.0.0.1", 0).withPushgateway(true, Duration.ofHours(1)),
          producer, metrics, scrape, config).start();
          Browser browser = new Browser(1280, 900)) {
        scrape.reload(config);
        String ingestUrl = "http://127.0.0.1:" + ingest.port();
        query.webUi().ingestUrl(URI.create(ingestUrl));
        String base = "http://127.0.0.1:" + query.port();

        // the error the ingest reports for the down target is the one the page shows
        String error = awaitDownError(ingestUrl);
        browser.open(base + "/targets");
        browser.waitFor("document.querySelectorAll('tr.target').length === 2", WAIT);
        browser.screenshot(SCREENSHOTS.resolve("WebUiIngestIT-targets.png"));
        String down = browser.eval("document.querySelector('tr.target.health-down').innerText").asText();
        assertTrue(down.contains("http://127.0.0.1:" + closed + "/metrics") && down.contains("DOWN") && down.contains(error), down);
        assertTrue(browser.eval("[...document.querySelectorAll('section.pool h2')].map(h => h.innerText).join('|')").asText()
            .contains("broken (0/1 up)"));
        String labels = browser.eval("document.querySelector('tr.target.health-up').innerText").asText();
        assertTrue(labels.contains("team=\"obs\"") && labels.contains("job=\"query\""), labels);

        // a pushed group, deleted from the page
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(ingestUrl + "/metrics/job/backup/instance/db1"))
            .PUT(HttpRequest.BodyPublishers.ofString("backup_last_success_seconds 1.7e9\n")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, put.statusCode(), put.body());
        browser.open(base + "/pushgateway");
        browser.waitFor("document.querySelectorAll('details.push-group').length === 1", WAIT);
        browser.screenshot(SCREENSHOTS.resolve("WebUiIngestIT-pushgateway.png"));
        String group = browser.eval("document.querySelector('details.push-group').innerText").asText();
        assertTrue(group.contains("job=\"backup\"") && group.contains("instance=\"db1\""), group);
        browser.eval("window.confirm = () => true; document.querySelector('button.delete').click()");
        browser.waitFor("document.querySelector('main .empty') && document.querySelectorAll('details.push-group').length === 0", WAIT);
        assertEquals(0, JSON.readTree(get(ingestUrl + "/api/v1/metrics")).get("data").size(), "the group is gone from the ingest server");
        assertEquals(List.of(), browser.pageErrors(), "uncaught errors in the page");
      }
    }
  }

  /** Waits until the ingest reports the query target up and the broken one down; returns the broken one's error. */
  private String awaitDownError(String ingestUrl) throws Exception {
    long deadline = System.currentTimeMillis() + WAIT.toMillis();
    JsonNode targets = null;
    while (System.currentTimeMillis() < deadline) {
      targets = JSON.readTree(get(ingestUrl + "/api/v1/targets")).at("/data/activeTargets");
      String error = null;
      boolean queryUp = false;
      for (JsonNode t : targets) {
        String health = t.get("health").asText();
        if (t.get("scrapePool").asText().equals("broken") && health.equals("down")) {
          error = t.get("lastError").asText();
        }
        queryUp |= t.get("scrapePool").asText().equals("query") && health.equals("up");
      }
      if (error != null && queryUp) {
        assertFalse(error.isEmpty(), "a down target has an error");
        return error;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("within " + WAIT + " the targets were not one up, one down: " + targets);
  }

  private String get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }
}
