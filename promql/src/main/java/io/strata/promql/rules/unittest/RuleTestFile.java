package io.strata.promql.rules.unittest;

import io.strata.promql.Durations;
import io.strata.promql.rules.YamlNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A promtool rule unit-test file ({@code promtool test rules}), read strictly as promtool's
 * {@code yaml.UnmarshalStrict} does: unknown fields and wrong shapes are errors with Go's text
 * ({@code yaml: unmarshal errors:\n  line 3: field foo not found in type main.testGroup}).
 */
public record RuleTestFile(List<String> ruleFiles, long evaluationIntervalMs, List<String> groupEvalOrder,
    List<TestGroup> tests) {

  public record InputSeries(String series, String values) {}

  public record ExpAlert(Map<String, String> labels, Map<String, String> annotations) {}

  public record AlertTest(long evalTimeMs, String alertname, List<ExpAlert> expAlerts) {}

  public record ExpSample(String labels, double value) {}

  public record ExprTest(String expr, long evalTimeMs, List<ExpSample> expSamples) {}

  public record TestGroup(long intervalMs, List<InputSeries> inputSeries, List<AlertTest> alertTests,
      List<ExprTest> exprTests, Map<String, String> externalLabels, String externalURL, String name) {}

  /** A file promtool refuses to read; the message is promtool's. */
  public static final class FormatException extends Exception {
    public FormatException(String message) {
      super(message);
    }
  }

  private static final class Reader {
    final List<String> errors = new ArrayList<>();
    String fatal;

    Map<String, YamlNode> fields(YamlNode n, String type, Set<String> known) {
      if (n == null || isNull(n)) {
        return Map.of();
      }
      if (!(n instanceof YamlNode.Mapping m)) {
        cannot(n, type);
        return Map.of();
      }
      for (String k : m.values().keySet()) {
        if (!known.contains(k)) {
          errors.add("line " + m.keyLines().get(k) + ": field " + k + " not found in type " + type);
        }
      }
      return m.values();
    }

    List<YamlNode> list(YamlNode n, String type) {
      if (n == null || isNull(n)) {
        return List.of();
      }
      if (!(n instanceof YamlNode.Sequence s)) {
        cannot(n, type);
        return List.of();
      }
      return s.items();
    }

    String string(YamlNode n) {
      if (n == null || isNull(n)) {
        return "";
      }
      if (!(n instanceof YamlNode.Scalar s)) {
        cannot(n, "string");
        return "";
      }
      return s.text();
    }

    long duration(YamlNode n) {
      String s = string(n);
      if (s.isEmpty()) {
        return 0;
      }
      try {
        return Durations.parse(s);
      } catch (IllegalArgumentException e) {
        if (fatal == null) {
          fatal = e.getMessage();
        }
        return 0;
      }
    }

    double number(YamlNode n) {
      if (n == null || isNull(n)) {
        return 0;
      }
      if (n instanceof YamlNode.Scalar s && s.text() != null) {
        switch (s.text()) {
          case ".nan", ".NaN", ".NAN":
            return Double.NaN;
          case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF":
            return Double.POSITIVE_INFINITY;
          case "-.inf", "-.Inf", "-.INF":
            return Double.NEGATIVE_INFINITY;
          default:
            break;
        }
        if (s.kind().equals("!!int") || s.kind().equals("!!float")) {
          try {
            return Double.parseDouble(s.text().replace("_", ""));
          } catch (NumberFormatException e) {
            // falls through to Go's error
          }
        }
      }
      cannot(n, "float64");
      return 0;
    }

    Map<String, String> stringMap(YamlNode n) {
      Map<String, String> out = new LinkedHashMap<>();
      if (n == null || isNull(n)) {
        return out;
      }
      if (!(n instanceof YamlNode.Mapping m)) {
        cannot(n, "map[string]string");
        return out;
      }
      for (var e : m.values().entrySet()) {
        out.put(e.getKey(), string(e.getValue()));
      }
      return out;
    }

    void cannot(YamlNode n, String into) {
      String kind = n instanceof YamlNode.Scalar s ? s.kind() : n instanceof YamlNode.Sequence ? "!!seq" : "!!map";
      String text = n instanceof YamlNode.Scalar s && s.text() != null ? " `" + s.text() + "`" : "";
      errors.add("line " + n.line() + ": cannot unmarshal " + kind + text + " into " + into);
    }

    static boolean isNull(YamlNode n) {
      return n instanceof YamlNode.Scalar s && s.text() == null;
    }
  }

  /** Reads a test file; evaluation_interval 0 when absent (the runner defaults it to 1m). */
  public static RuleTestFile parse(String yaml) throws FormatException {
    YamlNode root;
    try {
      root = YamlNode.parse(yaml);
    } catch (YamlNode.YamlException e) {
      throw new FormatException(e.getMessage());
    }
    Reader r = new Reader();
    Map<String, YamlNode> top = r.fields(root, "main.unitTestFile",
        Set.of("rule_files", "evaluation_interval", "group_eval_order", "tests"));
    List<String> ruleFiles = new ArrayList<>();
    for (YamlNode n : r.list(top.get("rule_files"), "[]string")) {
      ruleFiles.add(r.string(n));
    }
    long evalInterval = r.duration(top.get("evaluation_interval"));
    List<String> order = new ArrayList<>();
    for (YamlNode n : r.list(top.get("group_eval_order"), "[]string")) {
      order.add(r.string(n));
    }
    List<TestGroup> tests = new ArrayList<>();
    for (YamlNode t : r.list(top.get("tests"), "[]main.testGroup")) {
      tests.add(testGroup(r, t));
    }
    if (r.fatal != null) {
      throw new FormatException(r.fatal);
    }
    if (!r.errors.isEmpty()) {
      throw new FormatException("yaml: unmarshal errors:\n  " + String.join("\n  ", r.errors));
    }
    return new RuleTestFile(ruleFiles, evalInterval, order, tests);
  }

  private static TestGroup testGroup(Reader r, YamlNode node) {
    Map<String, YamlNode> f = r.fields(node, "main.testGroup", Set.of("interval", "input_series", "alert_rule_test",
        "promql_expr_test", "external_labels", "external_url", "name"));
    List<InputSeries> series = new ArrayList<>();
    for (YamlNode s : r.list(f.get("input_series"), "[]main.series")) {
      Map<String, YamlNode> sf = r.fields(s, "main.series", Set.of("series", "values"));
      series.add(new InputSeries(r.string(sf.get("series")), r.string(sf.get("values"))));
    }
    List<AlertTest> alerts = new ArrayList<>();
    for (YamlNode a : r.list(f.get("alert_rule_test"), "[]main.alertTestCase")) {
      Map<String, YamlNode> af = r.fields(a, "main.alertTestCase", Set.of("eval_time", "alertname", "exp_alerts"));
      List<ExpAlert> exp = new ArrayList<>();
      for (YamlNode e : r.list(af.get("exp_alerts"), "[]main.alert")) {
        Map<String, YamlNode> ef = r.fields(e, "main.alert", Set.of("exp_labels", "exp_annotations"));
        exp.add(new ExpAlert(r.stringMap(ef.get("exp_labels")), r.stringMap(ef.get("exp_annotations"))));
      }
      alerts.add(new AlertTest(r.duration(af.get("eval_time")), r.string(af.get("alertname")), exp));
    }
    List<ExprTest> exprs = new ArrayList<>();
    for (YamlNode e : r.list(f.get("promql_expr_test"), "[]main.promqlTestCase")) {
      Map<String, YamlNode> ef = r.fields(e, "main.promqlTestCase", Set.of("expr", "eval_time", "exp_samples"));
      List<ExpSample> samples = new ArrayList<>();
      for (YamlNode s : r.list(ef.get("exp_samples"), "[]main.sample")) {
        Map<String, YamlNode> sf = r.fields(s, "main.sample", Set.of("labels", "value"));
        samples.add(new ExpSample(r.string(sf.get("labels")), r.number(sf.get("value"))));
      }
      exprs.add(new ExprTest(r.string(ef.get("expr")), r.duration(ef.get("eval_time")), samples));
    }
    return new TestGroup(r.duration(f.get("interval")), series, alerts, exprs, r.stringMap(f.get("external_labels")),
        r.string(f.get("external_url")), r.string(f.get("name")));
  }
}
