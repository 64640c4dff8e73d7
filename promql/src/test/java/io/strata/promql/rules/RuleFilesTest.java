package io.strata.promql.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.promql.ast.Call;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleFilesTest {
  @Test
  void parsesGroupsWithRecordingAndAlertingRules() {
    String yaml = """
        groups:
        - name: api
          interval: 30s
          limit: 10
          rules:
          - record: job:http_requests:rate5m
            expr: sum by (job) (rate(http_requests_total[5m]))
            labels:
              team: web
          - alert: HighErrorRate
            expr: job:http_requests:rate5m > 100
            for: 10m
            keep_firing_for: 1m
            labels:
              severity: page
            annotations:
              summary: "High rate on {{ $labels.job }}"
        - name: empty
          rules: []
        """;
    RuleFile f = RuleFiles.parse(yaml, "api.yml");
    assertEquals(2, f.groups().size());
    RuleGroup g = f.groups().get(0);
    assertEquals("api", g.name());
    assertEquals(30_000, g.intervalMs());
    assertEquals(10, g.limit());
    Rule rec = g.rules().get(0);
    assertTrue(rec.isRecording());
    assertEquals("job:http_requests:rate5m", rec.name());
    assertEquals(Map.of("team", "web"), rec.labels());
    assertEquals("sum by (job) (rate(http_requests_total[5m]))", rec.expr().toString());
    Rule alert = g.rules().get(1);
    assertTrue(alert.isAlerting());
    assertEquals(600_000, alert.forMs());
    assertEquals(60_000, alert.keepFiringForMs());
    assertEquals("High rate on {{ $labels.job }}", alert.annotations().get("summary"));
    assertEquals(0, f.groups().get(1).intervalMs());
    assertEquals(2, f.ruleCount());
  }

  @Test
  void reportsEveryRuleProblemAsPromtoolDoes() {
    String yaml = """
        groups:
        - name: g
          rules:
          - record: r
            alert: a
            expr: up
          - expr: up
          - record: "bad name"
            expr: up
          - record: r2
            expr: up
            for: 5m
            labels:
              "0bad": x
          - alert: A
            expr: up
            labels:
              __name__: x
            annotations:
              "a b": x
          - alert: B
            expr: ""
          - record: job:up
            expr: sum(up
        - name: g
          rules: []
        - name: ""
          rules: []
        """;
    List<String> errors = RuleFiles.validate(yaml, "bad.yml").stream().map(RuleError::toString).toList();
    assertEquals(List.of(
        "bad.yml: 4:13: 5:12: group \"g\", rule 1, \"a\": only one of 'record' and 'alert' must be set",
        "bad.yml: 0:0: group \"g\", rule 2, \"\": one of 'record' or 'alert' must be set",
        "bad.yml: 8:13: group \"g\", rule 3, \"bad name\": invalid recording rule name: bad name",
        "bad.yml: 10:13: group \"g\", rule 4, \"r2\": invalid field 'for' in recording rule",
        "bad.yml: group \"g\", rule 4, \"r2\": invalid label name: 0bad",
        "bad.yml: group \"g\", rule 5, \"A\": invalid label name: __name__",
        "bad.yml: group \"g\", rule 5, \"A\": invalid annotation name: a b",
        "bad.yml: 22:11: group \"g\", rule 6, \"B\": field 'expr' must be set in rule",
        "bad.yml: 24:11: group \"g\", rule 7, \"job:up\": could not parse expression: 1:7: parse error: unclosed left parenthesis",
        "bad.yml: 25:3: groupname: \"g\" is repeated in the same file",
        "bad.yml: 27:3: Groupname must not be empty"), errors);
    RuleFileException e = assertThrows(RuleFileException.class, () -> RuleFiles.parse(yaml, "bad.yml"));
    assertEquals(11, e.errors().size());
    assertEquals("g", e.errors().get(2).group());
    assertEquals(3, e.errors().get(2).ruleIndex());
  }

  @Test
  void recordingRuleWithAnnotationsOrKeepFiringForIsInvalid() {
    String yaml = """
        groups:
        - name: g
          rules:
          - record: r3
            expr: up
            annotations:
              x: y
            keep_firing_for: 5m
        """;
    assertEquals(List.of(
        "f.yml: 4:13: group \"g\", rule 1, \"r3\": invalid field 'annotations' in recording rule",
        "f.yml: 4:13: group \"g\", rule 1, \"r3\": invalid field 'keep_firing_for' in recording rule"),
        RuleFiles.validate(yaml, "f.yml").stream().map(RuleError::toString).toList());
  }

  @Test
  void badDurationStopsTheFile() {
    String yaml = "groups:\n- name: g\n  interval: 5x\n  rules:\n  - record: r\n    expr: up\n";
    assertEquals(List.of("f.yml: not a valid duration string: \"5x\""),
        RuleFiles.validate(yaml, "f.yml").stream().map(RuleError::toString).toList());
    String bareNumber = "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    for: 5\n";
    assertEquals(List.of("f.yml: not a valid duration string: \"5\""),
        RuleFiles.validate(bareNumber, "f.yml").stream().map(RuleError::toString).toList());
  }

  @Test
  void unknownFieldsAndWrongShapesAreUnmarshalErrors() {
    assertEquals(List.of("f.yml: yaml: unmarshal errors:\n  line 6: field bogus not found in type rulefmt.RuleNode"),
        RuleFiles.validate("groups:\n- name: g\n  rules:\n  - record: r\n    expr: up\n    bogus: 1\n", "f.yml")
            .stream().map(RuleError::toString).toList());
    assertEquals(List.of("f.yml: yaml: unmarshal errors:\n  line 1: cannot unmarshal !!int `5` into []rulefmt.RuleGroup"),
        RuleFiles.validate("groups: 5\n", "f.yml").stream().map(RuleError::toString).toList());
    assertEquals(List.of("f.yml: yaml: unmarshal errors:\n  line 1: field foo not found in type rulefmt.RuleGroups"),
        RuleFiles.validate("foo: 1\n", "f.yml").stream().map(RuleError::toString).toList());
  }

  @Test
  void emptyFileHasNoGroups() {
    assertEquals(0, RuleFiles.parse("", "empty.yml").groups().size());
  }

  @Test
  void alertTemplateWithUnclosedActionIsReported() {
    String yaml = "groups:\n- name: g\n  rules:\n  - alert: B\n    expr: up\n    annotations:\n      a: '{{ $value'\n";
    assertEquals(List.of("f.yml: group \"g\", rule 1, \"B\": annotation \"a\": template: __alert_B:1: unclosed action"),
        RuleFiles.validate(yaml, "f.yml").stream().map(RuleError::toString).toList());
  }

  @Test
  void exprIsParsedIntoTheAst() {
    RuleFile f = RuleFiles.parse("groups:\n- name: g\n  rules:\n  - record: r\n    expr: rate(x[5m])\n", "f.yml");
    assertTrue(f.groups().get(0).rules().get(0).expr() instanceof Call);
  }

  @Test
  void anchorsAliasesAndMergeKeysResolveAsGoYamlDoes() {
    // promtool 2.42 checks this file: SUCCESS, 2 rules
    String yaml = """
        groups:
        - name: g
          rules:
          - alert: A
            expr: up == 0
            labels: &common
              severity: page
              team: infra
          - alert: B
            expr: up == 2
            labels:
              <<: *common
              severity: ticket
        """;
    RuleFile f = RuleFiles.parse(yaml, "anchors.yml");
    assertEquals(Map.of("severity", "page", "team", "infra"), f.groups().get(0).rules().get(0).labels());
    assertEquals(Map.of("severity", "ticket", "team", "infra"), f.groups().get(0).rules().get(1).labels(),
        "the mapping's own key wins over the merged one");
  }
}
