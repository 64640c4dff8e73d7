package io.strata.query.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.avro.RuleGroupStatus;
import io.strata.query.alerts.ActiveAlerts;
import io.strata.query.differential.PrometheusProcess;
import io.strata.query.rules.RuleGroupCatalog;
import io.strata.query.testkit.ApiClient;
import io.strata.query.testkit.RuleStatusRecords;
import io.strata.query.testkit.RuleStatusRecords.Outcome;
import io.strata.promql.rules.RuleFiles;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.util.Fields;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JSON of {@code /api/v1/rules} field by field against Debian's Prometheus 2.42 evaluating the same rule
 * file: the same keys in the same order at every level, the same JSON types, {@code lastError} only when there
 * is one, equal values except the timings and times only an evaluation knows (there: numbers and RFC 3339 times
 * on both sides). Strata's side is the rule job's status records for that file, with the health Prometheus
 * gives (a group over its {@code limit} fails with Prometheus's error text).
 */
class RulesApiShapeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RULES = """
      groups:
      - name: fast
        rules:
        - alert: AlwaysOn
          expr: vector(1) > 0
          labels: {severity: page}
          annotations:
            summary: "value {{ $value }}"
        - record: job:one
          expr: vector(1)
      - name: limited
        limit: 1
        rules:
        - record: two:series
          expr: label_replace(vector(1), "a", "x", "", "") or label_replace(vector(2), "a", "y", "", "")
        - alert: Never
          expr: vector(1) < 0
          for: 5m
          keep_firing_for: 1m
      """;
  private static final Set<String> EVALUATION_TIMES = Set.of("evaluationTime");
  private static final Set<String> TIMES = Set.of("lastEvaluation", "activeAt");

  @Test
  void rulesAnswerHasPrometheusShapeFieldByField(@TempDir Path work) throws Exception {
    assumeTrue(PrometheusProcess.installed(), "prometheus is not installed (apt-get install prometheus)");
    Path ruleFile = work.resolve("rules.yml");
    Files.writeString(ruleFile, RULES, StandardCharsets.UTF_8);
    ApiClient api = new ApiClient();
    try (PrometheusProcess prom = PrometheusProcess.startWithConfig(
        "global:\n  evaluation_interval: 1s\nrule_files:\n  - " + ruleFile + "\n", work.resolve("prometheus"))) {
      JsonNode want = awaitEvaluated(api, prom.baseUrl());
      JsonNode alert = want.at("/data/groups/0/rules/0/alerts/0");

      RuleGroupCatalog catalog = new RuleGroupCatalog();
      long now = System.currentTimeMillis();
      for (RuleGroupStatus s : RuleStatusRecords.of("default", RuleFiles.parse(RULES, ruleFile.toString()), 1000,
          name -> name.equals("two:series") ? Outcome.err("exceeded limit of 1 with 2 series", now) : Outcome.ok(now), now)) {
        catalog.put(RuleStatusRecords.key(s), s);
      }
      ActiveAlerts alerts = new ActiveAlerts();
      alerts.put("fp", new ActiveAlerts.Alert("default", "fast", "AlwaysOn", "firing",
          Map.of("alertname", "AlwaysOn", "severity", "page"), Map.of("summary", "value 1"), 1, now - 2_000));
      RuleEndpoints endpoints = new RuleEndpoints(alerts, catalog);

      for (String type : new String[] {null, "alert", "record"}) {
        Fields params = new Fields();
        String query = "";
        if (type != null) {
          params.add("type", type);
          query = "?type=" + type;
        }
        JsonNode got = envelope(endpoints.rules("default", params));
        JsonNode expected = api.get(prom.baseUrl() + "/api/v1/rules" + query, null).body();
        List<String> diffs = new ArrayList<>();
        compare("", expected, got, diffs);
        assertEquals(List.of(), diffs, "/api/v1/rules" + query + "\nPrometheus: " + expected + "\nStrata:     " + got);
      }
      assertEquals("firing", alert.get("state").asText());
      assertEquals("exceeded limit of 1 with 2 series", want.at("/data/groups/1/rules/0/lastError").asText(),
          "Prometheus's error text, which the rule job's evaluator gives too");
      assertFalse(want.at("/data/groups/0/rules/1").has("lastError"), "omitted when empty");
    }
  }

  @Test
  void aGroupNeverEvaluatedShowsGoZeroTimeAndNoErrorAsPrometheusDoes() throws Exception {
    RuleGroupCatalog catalog = new RuleGroupCatalog();
    for (RuleGroupStatus s : RuleStatusRecords.of("team-a", RuleFiles.parse(RULES, "/etc/rules.yml"), 60_000,
        name -> Outcome.UNKNOWN, null)) {
      catalog.put(RuleStatusRecords.key(s), s);
    }
    JsonNode got = envelope(new RuleEndpoints(new ActiveAlerts(), catalog).rules("team-a", new Fields()));
    JsonNode group = got.at("/data/groups/1");
    assertEquals("limited", group.get("name").asText());
    assertEquals("/etc/rules.yml", group.get("file").asText());
    assertEquals(60, group.get("interval").asInt());
    assertEquals("0001-01-01T00:00:00Z", group.get("lastEvaluation").asText());
    assertEquals("0", group.get("evaluationTime").toString());
    for (JsonNode r : group.get("rules")) {
      assertEquals("unknown", r.get("health").asText());
      assertFalse(r.has("lastError"));
      assertEquals("0001-01-01T00:00:00Z", r.get("lastEvaluation").asText());
    }
    assertEquals(0, envelope(new RuleEndpoints(new ActiveAlerts(), catalog).rules("default", new Fields()))
        .at("/data/groups").size(), "another tenant's groups are not listed");
  }

  @Test
  void floatsAndTimesAreWrittenAsGoWritesThem() {
    assertEquals("0", RuleEndpoints.jsonFloat(0));
    assertEquals("0.000125", RuleEndpoints.jsonFloat(0.000125));
    assertEquals("0.000001", RuleEndpoints.jsonFloat(1e-6));
    assertEquals("8e-7", RuleEndpoints.jsonFloat(8e-7));
    assertEquals("1.5e-10", RuleEndpoints.jsonFloat(1.5e-10));
    assertEquals("12.5", RuleEndpoints.jsonFloat(12.5));
    assertEquals("2026-09-21T14:13:20.25Z", RuleEndpoints.time(1_790_000_000_250L));
    assertEquals("0001-01-01T00:00:00Z", RuleEndpoints.time(null));
  }

  /** Prometheus's answer once every rule has been evaluated (health not unknown) and AlwaysOn fires. */
  private static JsonNode awaitEvaluated(ApiClient api, String prom) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    JsonNode body = null;
    while (System.currentTimeMillis() < deadline) {
      body = api.get(prom + "/api/v1/rules", null).body();
      boolean done = body.at("/data/groups").size() == 2;
      for (JsonNode g : body.at("/data/groups")) {
        for (JsonNode r : g.get("rules")) {
          done &= !r.get("health").asText().equals("unknown");
        }
      }
      done &= body.at("/data/groups/0/rules/0/state").asText().equals("firing");
      if (done) {
        return body;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("Prometheus did not evaluate every rule within 30 s: " + body);
  }

  private static JsonNode envelope(DataWriter data) throws Exception {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("status", "success");
      g.writeFieldName("data");
      data.write(g);
      g.writeEndObject();
    }
    return JSON.readTree(out.toString());
  }

  /** Field-by-field comparison: keys in order, JSON types, and values except timings and times. */
  private static void compare(String path, JsonNode want, JsonNode got, List<String> diffs) {
    if (want.getNodeType() != got.getNodeType()) {
      diffs.add(path + ": type " + got.getNodeType() + ", Prometheus " + want.getNodeType());
      return;
    }
    if (want.isObject()) {
      List<String> wk = new ArrayList<>();
      want.fieldNames().forEachRemaining(wk::add);
      List<String> gk = new ArrayList<>();
      got.fieldNames().forEachRemaining(gk::add);
      if (!wk.equals(gk)) {
        diffs.add(path + ": keys " + gk + ", Prometheus " + wk);
        return;
      }
      for (String k : wk) {
        String p = path + "/" + k;
        if (EVALUATION_TIMES.contains(k)) {
          if (!want.get(k).isNumber() || !got.get(k).isNumber() || got.get(k).asDouble() < 0) {
            diffs.add(p + ": " + got.get(k) + " is not a duration in seconds like Prometheus's " + want.get(k));
          }
        } else if (TIMES.contains(k)) {
          OffsetDateTime.parse(want.get(k).asText());
          try {
            OffsetDateTime t = OffsetDateTime.parse(got.get(k).asText());
            if (t.getYear() < 2000) {
              diffs.add(p + ": " + got.get(k) + " is Go's zero time, Prometheus has " + want.get(k));
            }
          } catch (RuntimeException e) {
            diffs.add(p + ": " + got.get(k) + " is not RFC 3339");
          }
        } else {
          compare(p, want.get(k), got.get(k), diffs);
        }
      }
    } else if (want.isArray()) {
      if (want.size() != got.size()) {
        diffs.add(path + ": " + got.size() + " elements, Prometheus " + want.size());
        return;
      }
      Iterator<JsonNode> w = want.elements();
      Iterator<JsonNode> g = got.elements();
      for (int i = 0; w.hasNext(); i++) {
        compare(path + "/" + i, w.next(), g.next(), diffs);
      }
    } else if (!want.equals(got)) {
      diffs.add(path + ": " + got + ", Prometheus " + want);
    }
  }
}
