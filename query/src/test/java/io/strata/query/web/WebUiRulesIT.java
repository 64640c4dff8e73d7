package io.strata.query.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.embedded.browser.Browser;
import io.strata.avro.AlertEvent;
import io.strata.avro.AlertState;
import io.strata.avro.RuleGroupStatus;
import io.strata.embedded.TopicProvisioner;
import io.strata.embedded.junit.StrataTest;
import io.strata.embedded.junit.TestCluster;
import io.strata.promql.rules.RuleFiles;
import io.strata.query.api.QueryConfig;
import io.strata.query.api.QueryServer;
import io.strata.query.testkit.RuleStatusRecords;
import io.strata.query.testkit.TopicWriter;
import io.strata.schemas.Topics;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.serde.AvroWireSerde;
import io.strata.tsdb.simple.SimpleStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules and alerts pages in headless chromium over what the rule job publishes on a real broker
 * (metrics.rules.status and metrics.alerts, read by the query server as in {@code strata up}).
 */
@StrataTest
class WebUiRulesIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final String RULES = """
      groups:
      - name: fast
        interval: 30s
        rules:
        - alert: AlwaysOn
          expr: vector(1)
          labels: {severity: page}
          annotations: {summary: "it is on"}
        - alert: NeverOn
          expr: vector(1) == 2
        - record: job:broken:sum
          expr: sum by (job) (up) * on () group_left http_requests_total
      """;

  @Test
  void rulesAndAlertsPagesShowWhatTheRuleJobPublished(TestCluster cluster, @TempDir Path work) throws Exception {
    assumeTrue(Browser.installed(), "Debian's chromium is not installed (" + Browser.CHROMIUM + "); ./test installs it");
    String prefix = cluster.uniquePrefix();
    String alerts = prefix + Topics.ALERTS;
    String status = prefix + Topics.RULES_STATUS;
    TopicProvisioner.ensure(cluster.bootstrapServers(), List.of(new Topics.Spec(alerts, Map.of("cleanup.policy", "compact")),
        new Topics.Spec(status, Topics.RULES_STATUS_CONFIGS)), 1, (short) 1);
    var registry = SchemaRegistries.forUrl(cluster.registryUrl());
    AvroWireSerde<AlertEvent> alertSerde = new AvroWireSerde<>(registry, AlertEvent.class);
    AvroWireSerde<RuleGroupStatus> statusSerde = new AvroWireSerde<>(registry, RuleGroupStatus.class);
    long at = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    try (TopicWriter out = new TopicWriter(cluster)) {
      for (RuleGroupStatus s : RuleStatusRecords.of("default", RuleFiles.parse(RULES, "/etc/strata/rules.yml"), 60_000,
          name -> name.equals("job:broken:sum")
              ? RuleStatusRecords.Outcome.err("found duplicate series for the match group {} on the right hand-side of the operation", at)
              : RuleStatusRecords.Outcome.ok(at), at)) {
        out.send(status, RuleStatusRecords.key(s), statusSerde.serialize(status, s));
      }
      out.send(alerts, "default/on", alertSerde.serialize(alerts, AlertEvent.newBuilder().setFingerprint("on").setTenant("default")
          .setRuleGroup("fast").setAlertName("AlwaysOn").setState(AlertState.firing)
          .setLabels(Map.of("alertname", "AlwaysOn", "severity", "page")).setAnnotations(Map.of("summary", "it is on"))
          .setValue(1).setActiveAtMs(at).setFiredAtMs(at).setEvaluatedAtMs(at).build()));
    }

    try (SimpleStore store = new SimpleStore(work.resolve("store"));
        QueryServer server = new QueryServer(QueryConfig.defaults("127.0.0.1", 0), store, new PrometheusRegistry(), () -> true,
            cluster.bootstrapServers(), cluster.registryUrl(), prefix).start();
        Browser browser = new Browser(1280, 900)) {
      long deadline = System.currentTimeMillis() + 30_000;
      while (!(server.alertsCaughtUp() && server.rulesCaughtUp()) && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
      }
      String base = "http://127.0.0.1:" + server.port();

      browser.open(base + "/rules");
      browser.waitFor("document.querySelectorAll('table.rules tbody tr').length === 3", WAIT);
      browser.screenshot(SCREENSHOTS.resolve("WebUiRulesIT-rules.png"));
      String group = browser.eval("document.querySelector('section.group').innerText").asText();
      assertTrue(group.contains("fast") && group.contains("/etc/strata/rules.yml") && group.contains("interval 30s"), group);
      String broken = browser.eval("document.querySelectorAll('table.rules tbody tr')[2].innerText").asText();
      assertTrue(broken.contains("record: job:broken:sum") && broken.contains("ERR") && broken.contains("found duplicate series"), broken);

      browser.open(base + "/alerts");
      browser.waitFor("document.querySelectorAll('details.alert-rule').length === 2", WAIT);
      browser.screenshot(SCREENSHOTS.resolve("WebUiRulesIT-alerts.png"));
      assertTrue(browser.eval("document.querySelector('main .meta').innerText").asText().contains("firing (1)"));
      String firing = browser.eval("document.querySelector('details.alert-rule.state-firing').innerText").asText();
      assertTrue(firing.contains("AlwaysOn (1 active)") && firing.contains("severity=\"page\"") && firing.contains("summary: it is on")
          && firing.contains("2026-01-01 00:00:00Z"), firing);
      assertTrue(browser.eval("document.querySelector('details.alert-rule.state-inactive').innerText").asText().contains("NeverOn (0 active)"));

      // the expression links to the graph page's table, as Prometheus's alert links do
      browser.eval("document.querySelector('details.alert-rule.state-firing a.expr').click()");
      browser.waitFor("location.pathname === '/graph' && document.querySelector('textarea.expr') "
          + "&& document.querySelector('textarea.expr').value === 'vector(1)' && document.querySelectorAll('table.result tr').length === 1", WAIT);
      assertEquals("Table", browser.eval("document.querySelector('.tab.active').innerText").asText());
      assertEquals(List.of(), browser.pageErrors(), "uncaught errors in the page");
    }
  }
}
