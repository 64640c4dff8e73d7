package io.strata.query.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.avro.AlertEvent;
import io.strata.avro.AlertState;
import io.strata.avro.RuleGroupStatus;
import io.strata.embedded.TopicProvisioner;
import io.strata.embedded.junit.StrataTest;
import io.strata.embedded.junit.TestCluster;
import io.strata.promql.rules.RuleFiles;
import io.strata.query.api.QueryConfig;
import io.strata.query.api.QueryServer;
import io.strata.query.testkit.ApiClient;
import io.strata.query.testkit.RuleStatusRecords;
import io.strata.query.testkit.TopicWriter;
import io.strata.schemas.Topics;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.serde.AvroWireSerde;
import io.strata.tsdb.simple.SimpleStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /api/v1/rules} and {@code /api/v1/alerts} against Debian's Prometheus 2.42 with the same rule file:
 * Prometheus evaluates it; Strata reads the groups from a real broker's {@code metrics.rules.status} and the
 * alerts from its {@code metrics.alerts} topic, where this test writes what the Flink rule job writes for that
 * file (its groups, never evaluated) and for the one alert that fires. The answers must be equal apart from
 * what only an evaluation knows (health, evaluation times, activeAt: {@code RulesApiShapeTest} compares those).
 */
@StrataTest
class PrometheusRulesIT {
  private static final String RULES = """
      groups:
      - name: fast
        interval: 1s
        rules:
        - alert: AlwaysOn
          expr: vector(1) > 0
          labels:
            severity: page
            team: infra
          annotations:
            summary: "value {{ $value }}"
        - alert: WaitsAnHour
          expr: sum(up) >= 0
          for: 1h
          keep_firing_for: 5m
        - record: job:up:sum
          expr: sum by(job)(up)
          labels: {source: rules}
      - name: recording-only
        limit: 10
        rules:
        - record: instance:up:count
          expr: count by (instance) (up == 1)
      """;

  private final ApiClient api = new ApiClient();

  @Test
  void rulesAndAlertsAnswerAsPrometheus(TestCluster cluster, @TempDir Path work) throws Exception {
    assumeTrue(PrometheusProcess.installed(), "prometheus is not installed (apt-get install prometheus)");
    Path ruleFile = work.resolve("rules.yml");
    Files.writeString(ruleFile, RULES, StandardCharsets.UTF_8);
    try (PrometheusProcess prom = PrometheusProcess.startWithConfig(
        "global:\n  evaluation_interval: 1m\nrule_files:\n  - " + ruleFile + "\n", work.resolve("prometheus"))) {
      JsonNode promAlert = awaitFiring(prom.baseUrl());

      String prefix = cluster.uniquePrefix();
      String topic = prefix + Topics.ALERTS;
      TopicProvisioner.ensure(cluster.bootstrapServers(), List.of(new Topics.Spec(topic, Map.of("cleanup.policy", "compact"))), 2, (short) 1);
      AvroWireSerde<AlertEvent> serde = new AvroWireSerde<>(SchemaRegistries.forUrl(cluster.registryUrl()), AlertEvent.class);
      long activeAt = 1_790_000_000_250L;
      String statusTopic = prefix + Topics.RULES_STATUS;
      TopicProvisioner.ensure(cluster.bootstrapServers(), List.of(new Topics.Spec(statusTopic, Topics.RULES_STATUS_CONFIGS)), 2, (short) 1);
      AvroWireSerde<RuleGroupStatus> statusSerde =
          new AvroWireSerde<>(SchemaRegistries.forUrl(cluster.registryUrl()), RuleGroupStatus.class);
      try (TopicWriter out = new TopicWriter(cluster)) {
        // the rule job's status of the file's groups (default tenant, file = namespace), and of a removed group
        for (RuleGroupStatus s : RuleStatusRecords.of("default", RuleFiles.parse(RULES, ruleFile.toString()), 60_000,
            name -> RuleStatusRecords.Outcome.UNKNOWN, null)) {
          out.send(statusTopic, RuleStatusRecords.key(s), statusSerde.serialize(statusTopic, s));
          out.send(statusTopic, "team-x/" + s.getNamespace() + "/" + s.getName(), statusSerde.serialize(statusTopic,
              RuleGroupStatus.newBuilder(s).setTenant("team-x").build()));
        }
        RuleGroupStatus gone = RuleStatusRecords.of("default", RuleFiles.parse(RULES, "/gone.yml"), 60_000,
            name -> RuleStatusRecords.Outcome.UNKNOWN, null).get(0);
        out.send(statusTopic, RuleStatusRecords.key(gone), statusSerde.serialize(statusTopic, gone));
        out.send(statusTopic, RuleStatusRecords.key(gone), null);
        // what the rule job writes: the firing alert, a pending one of another tenant, one that resolved,
        // one deleted by a tombstone, and a record that is not Avro at all
        out.send(topic, "a1", serde.serialize(topic, event("default", "fast", "AlwaysOn", AlertState.firing,
            Map.of("alertname", "AlwaysOn", "severity", "page", "team", "infra"), Map.of("summary", "value 1"), 1, activeAt)));
        out.send(topic, "p1", serde.serialize(topic, event("team-x", "fast", "WaitsAnHour", AlertState.pending,
            Map.of("alertname", "WaitsAnHour"), Map.of(), 3, activeAt)));
        out.send(topic, "r1", serde.serialize(topic, event("default", "fast", "WaitsAnHour", AlertState.pending,
            Map.of("alertname", "WaitsAnHour"), Map.of(), 0, activeAt)));
        out.send(topic, "r1", serde.serialize(topic, event("default", "fast", "WaitsAnHour", AlertState.resolved,
            Map.of("alertname", "WaitsAnHour"), Map.of(), 0, activeAt)));
        out.send(topic, "t1", serde.serialize(topic, event("default", "fast", "AlwaysOn", AlertState.firing,
            Map.of("alertname", "AlwaysOn", "instance", "gone"), Map.of(), 1, activeAt)));
        out.send(topic, "t1", null);
        out.send(topic, "broken", "not avro".getBytes(StandardCharsets.UTF_8));
      }

      try (SimpleStore store = new SimpleStore(work.resolve("store"));
          QueryServer strata = new QueryServer(QueryConfig.defaults("127.0.0.1", 0), store, new PrometheusRegistry(), () -> true,
              cluster.bootstrapServers(), cluster.registryUrl(), prefix).start()) {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!(strata.alertsCaughtUp() && strata.rulesCaughtUp()) && System.currentTimeMillis() < deadline) {
          Thread.sleep(100);
        }
        assertTrue(strata.alertsCaughtUp(), "the reader reached the end of " + topic + " within 30 s");
        assertTrue(strata.rulesCaughtUp(), "the reader reached the end of " + statusTopic + " within 30 s");
        String base = "http://127.0.0.1:" + strata.port();

        for (String params : List.of("", "?type=alert", "?type=record", "?type=ALERT", "?type=bogus")) {
          ApiClient.Answer want = api.get(prom.baseUrl() + "/api/v1/rules" + params, null);
          ApiClient.Answer got = api.get(base + "/api/v1/rules" + params, null);
          assertEquals(want.status(), got.status(), "status of /api/v1/rules" + params);
          assertEquals(comparable(want.body()), comparable(got.body()), "/api/v1/rules" + params);
        }
        ApiClient.Answer alerts = api.get(base + "/api/v1/alerts", null);
        assertEquals(comparable(api.get(prom.baseUrl() + "/api/v1/alerts", null).body()), comparable(alerts.body()));
        assertEquals(List.of(promAlert.get("labels")), alerts.body().get("data").get("alerts").findValues("labels"));
        assertEquals("2026-09-21T14:13:20.25Z", alerts.body().at("/data/alerts/0/activeAt").asText(), "Go's RFC3339Nano of active_at_ms");

        // tenants see their own alerts only
        JsonNode teamRules = api.get(base + "/api/v1/rules?type=alert", "team-x").body().at("/data/groups/0/rules");
        assertEquals("inactive", teamRules.get(0).get("state").asText());
        assertEquals("pending", teamRules.get(1).get("state").asText());
        assertEquals("3e+00", teamRules.get(1).at("/alerts/0/value").asText());
        assertEquals(1, api.get(base + "/api/v1/alerts", "team-x").body().at("/data/alerts").size());

        String metrics = api.text(base + "/metrics");
        assertTrue(metrics.contains("strata_query_alerts_records_skipped_total{reason=\"bad_magic_byte\"} 1.0"), metrics);
        assertTrue(metrics.contains("strata_query_alerts_active 2.0"), metrics);
      }
    }
  }

  /** Prometheus's AlwaysOn alert once it fires (its group runs every second). */
  private JsonNode awaitFiring(String prom) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      JsonNode alerts = api.get(prom + "/api/v1/alerts", null).body().at("/data/alerts");
      if (alerts.size() == 1 && alerts.get(0).get("state").asText().equals("firing")) {
        return alerts.get(0);
      }
      Thread.sleep(200);
    }
    throw new AssertionError("Prometheus's AlwaysOn alert did not fire within 30 s");
  }

  /** The answer without what only an evaluating server knows: health, evaluation times, activeAt. */
  private static JsonNode comparable(JsonNode n) {
    JsonNode c = n.deepCopy();
    strip(c);
    return c;
  }

  private static void strip(JsonNode n) {
    if (n instanceof ObjectNode o) {
      o.remove(List.of("health", "evaluationTime", "lastEvaluation", "activeAt"));
      o.elements().forEachRemaining(PrometheusRulesIT::strip);
    } else if (n instanceof ArrayNode a) {
      a.elements().forEachRemaining(PrometheusRulesIT::strip);
    }
  }

  private static AlertEvent event(String tenant, String group, String name, AlertState state, Map<String, String> labels,
      Map<String, String> annotations, double value, long activeAtMs) {
    return AlertEvent.newBuilder().setFingerprint(name + labels.hashCode()).setTenant(tenant).setRuleGroup(group)
        .setAlertName(name).setState(state).setLabels(labels).setAnnotations(annotations).setValue(value)
        .setActiveAtMs(activeAtMs).setFiredAtMs(state == AlertState.firing ? activeAtMs : null)
        .setEvaluatedAtMs(activeAtMs).build();
  }
}
