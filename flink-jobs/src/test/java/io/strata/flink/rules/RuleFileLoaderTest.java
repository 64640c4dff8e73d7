package io.strata.flink.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.schemas.model.LabelMatcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleFileLoaderTest {

  static String alert(String name, String expr) {
    return """
        groups:
          - name: g
            rules:
              - alert: %s
                expr: %s
        """.formatted(name, expr);
  }

  static AlertRule single(String expr) {
    RuleSet s = RuleFileLoader.load(alert("A", expr), "r.yml");
    assertEquals(1, s.size());
    return s.rules().get(0);
  }

  @Test
  void selectorComparedWithNumberBecomesARule() {
    AlertRule r = single("'http_errors{job=\"api\", code=~\"5..\"} >= 10'");
    assertEquals(Comparison.GTE, r.op());
    assertEquals(10.0, r.threshold());
    assertEquals("http_errors", r.metricName());
    assertTrue(r.matchers().contains(new MatcherSpec(LabelMatcher.Type.RE, "code", "5..")));
    assertTrue(r.matches(new String[] {"__name__", "http_errors", "code", "503", "job", "api"}));
    assertTrue(!r.matches(new String[] {"__name__", "http_errors", "code", "404", "job", "api"}));
    assertEquals("r.yml/g/0/A", r.id());
  }

  @Test
  void numberOnTheLeftFlipsTheOperator() {
    AlertRule r = single("5 < queue_depth");
    assertEquals(Comparison.GT, r.op());
    assertEquals(5.0, r.threshold());
    assertTrue(r.isActive(6));
    assertTrue(!r.isActive(5));
  }

  @Test
  void parenthesesAndNegativeNumbersAreAccepted() {
    AlertRule r = single("(temperature_celsius) < (-10)");
    assertEquals(Comparison.LT, r.op());
    assertEquals(-10.0, r.threshold());
  }

  @Test
  void ruleLabelsAnnotationsAndForAreKept() {
    RuleSet s = RuleFileLoader.load("""
        groups:
          - name: g
            rules:
              - alert: Down
                expr: up == 0
                for: 5m
                labels: {severity: page}
                annotations: {summary: "{{ $labels.instance }} down"}
        """, "r.yml");
    AlertRule r = s.rules().get(0);
    assertEquals(300_000, r.forMs());
    assertEquals("page", r.labels().get("severity"));
    assertEquals("{{ $labels.instance }} down", r.annotations().get("summary"));
  }

  @Test
  void unsupportedExpressionIsRejectedNamingTheRule() {
    var e = assertThrows(RuleFileLoader.RuleLoadException.class,
        () -> RuleFileLoader.load(alert("ErrorRate", "rate(http_errors_total[5m]) > 1"), "r.yml"));
    assertEquals(1, e.problems().size());
    String m = e.problems().get(0);
    assertTrue(m.startsWith("r.yml: group \"g\", rule 1, \"ErrorRate\": expression \"rate(http_errors_total[5m]) > 1\" is not supported"), m);
  }

  @Test
  void boolModifierIsRejected() {
    var e = assertThrows(RuleFileLoader.RuleLoadException.class, () -> RuleFileLoader.load(alert("B", "up == bool 0"), "r.yml"));
    assertTrue(e.getMessage().contains("bool modifier"), e.getMessage());
  }

  @Test
  void offsetIsRejected() {
    var e = assertThrows(RuleFileLoader.RuleLoadException.class, () -> RuleFileLoader.load(alert("O", "up offset 5m == 0"), "r.yml"));
    assertTrue(e.getMessage().contains("offset"), e.getMessage());
  }

  @Test
  void selectorComparedWithSelectorIsRejected() {
    assertThrows(RuleFileLoader.RuleLoadException.class, () -> RuleFileLoader.load(alert("S", "a > b"), "r.yml"));
  }

  @Test
  void recordingRuleAndKeepFiringForAreRejectedTogether() {
    var e = assertThrows(RuleFileLoader.RuleLoadException.class, () -> RuleFileLoader.load("""
        groups:
          - name: g
            rules:
              - record: job:up:sum
                expr: sum by (job) (up)
              - alert: Flappy
                expr: up == 0
                keep_firing_for: 10m
        """, "r.yml"));
    assertEquals(2, e.problems().size(), e.getMessage());
    assertTrue(e.problems().get(0).contains("rule 1, \"job:up:sum\": recording rules are not evaluated"), e.getMessage());
    assertTrue(e.problems().get(1).contains("rule 2, \"Flappy\": keep_firing_for is not supported"), e.getMessage());
  }

  @Test
  void invalidRuleFileReportsThePromtoolMessage() {
    var e = assertThrows(RuleFileLoader.RuleLoadException.class, () -> RuleFileLoader.load(alert("X", "up ==="), "bad.yml"));
    assertTrue(e.getMessage().startsWith("bad.yml"), e.getMessage());
  }

  @Test
  void missingFileIsReportedWithItsPath(@TempDir Path dir) {
    Path missing = dir.resolve("nope.yml");
    var e = assertThrows(RuleFileLoader.RuleLoadException.class, () -> RuleFileLoader.load(missing));
    assertTrue(e.getMessage().contains("nope.yml"), e.getMessage());
  }

  @Test
  void loadsFromAFileNamedForItsFileName(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("alerts.yml"), alert("Down", "up == 0"));
    RuleSet s = RuleFileLoader.load(f);
    assertEquals(List.of("alerts.yml/g/0/Down"), s.rules().stream().map(AlertRule::id).toList());
  }

  @Test
  void ruleSetFindsRulesByMetricNameAndByOtherLabels() {
    RuleSet s = RuleFileLoader.load("""
        groups:
          - name: g
            rules:
              - alert: Down
                expr: up == 0
              - alert: AnyApi
                expr: '{job="api"} > 100'
        """, "r.yml");
    String[] upApi = {"__name__", "up", "job", "api"};
    String[] upDb = {"__name__", "up", "job", "db"};
    String[] other = {"__name__", "mem", "job", "db"};
    assertTrue(s.mayMatchName("mem"), "a rule without a metric name may match any name");
    assertTrue(s.anyMatches("up", upDb));
    assertTrue(!s.anyMatches("mem", other));
    var out = new java.util.ArrayList<AlertRule>();
    s.matching("up", upApi, out);
    assertEquals(List.of("Down", "AnyApi"), out.stream().map(AlertRule::name).toList());
  }
}
