package io.strata.promql.rules;

import io.strata.promql.Durations;
import io.strata.promql.PromQL;
import io.strata.promql.ast.Expr;
import io.strata.promql.parser.PromQLParseException;
import io.strata.promql.template.PromTemplate;
import io.strata.schemas.model.Labels;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads Prometheus rule files ({@code groups:} of recording and alerting rules) and validates them as
 * {@code promtool check rules} does, with the same error texts.
 */
public final class RuleFiles {
  private RuleFiles() {}

  private static final Set<String> GROUP_FIELDS = Set.of("name", "interval", "limit", "rules");
  private static final Set<String> RULE_FIELDS =
      Set.of("record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations");

  /**
   * Parses and validates a rule file.
   *
   * @throws RuleFileException listing every problem, each naming the file, group and rule
   */
  public static RuleFile parse(String yaml, String fileName) {
    List<RuleError> errors = new ArrayList<>();
    RuleFile file = read(yaml, fileName, errors);
    if (!errors.isEmpty()) {
      throw new RuleFileException(errors);
    }
    return file;
  }

  /** Every problem in the file, empty when it is valid. */
  public static List<RuleError> validate(String yaml, String fileName) {
    List<RuleError> errors = new ArrayList<>();
    read(yaml, fileName, errors);
    return errors;
  }

  // ---- structure (Go yaml's strict unmarshal) ---------------------------------------------------------

  /** Collects Go-yaml-style unmarshal errors; any of them stops validation, as in Prometheus. */
  private static final class Structure {
    final List<String> lines = new ArrayList<>();
    String fatal;

    void unknownField(YamlNode.Mapping m, String key, String type) {
      lines.add("line " + m.keyLines().get(key) + ": field " + key + " not found in type " + type);
    }

    void cannotUnmarshal(YamlNode n, String into) {
      String kind = n instanceof YamlNode.Scalar s ? s.kind() : n instanceof YamlNode.Sequence ? "!!seq" : "!!map";
      String text = n instanceof YamlNode.Scalar s && s.text() != null ? " `" + s.text() + "`" : "";
      lines.add("line " + n.line() + ": cannot unmarshal " + kind + text + " into " + into);
    }
  }

  private static RuleFile read(String yaml, String fileName, List<RuleError> errors) {
    YamlNode root;
    try {
      root = YamlNode.parse(yaml);
    } catch (YamlNode.YamlException e) {
      errors.add(fileError(fileName, e.getMessage()));
      return null;
    }
    Structure st = new Structure();
    List<RawGroup> groups = new ArrayList<>();
    if (root instanceof YamlNode.Mapping m) {
      for (var e : m.values().entrySet()) {
        if (!e.getKey().equals("groups")) {
          st.unknownField(m, e.getKey(), "rulefmt.RuleGroups");
        }
      }
      YamlNode gs = m.values().get("groups");
      if (gs instanceof YamlNode.Sequence seq) {
        for (YamlNode g : seq.items()) {
          groups.add(readGroup(g, st));
        }
      } else if (gs != null && !isNull(gs)) {
        st.cannotUnmarshal(gs, "[]rulefmt.RuleGroup");
      }
    } else if (root != null && !isNull(root)) {
      st.cannotUnmarshal(root, "rulefmt.RuleGroups");
    }
    if (st.fatal != null) {
      errors.add(fileError(fileName, st.fatal));
      return null;
    }
    if (!st.lines.isEmpty()) {
      errors.add(fileError(fileName, "yaml: unmarshal errors:\n  " + String.join("\n  ", st.lines)));
      return null;
    }
    return validateGroups(groups, fileName, errors);
  }

  private static boolean isNull(YamlNode n) {
    return n instanceof YamlNode.Scalar s && s.text() == null;
  }

  private static RuleError fileError(String file, String msg) {
    return new RuleError(file, null, 0, null, "", msg);
  }

  /** A group as written, before validation. */
  private record RawGroup(YamlNode node, String name, long intervalMs, int limit, List<RawRule> rules) {}

  /** A rule as written; the scalar nodes keep positions for error messages. */
  private record RawRule(YamlNode node, YamlNode.Scalar record, YamlNode.Scalar alert, YamlNode.Scalar expr,
      YamlNode.Scalar forNode, long forMs, YamlNode.Scalar keepNode, long keepMs, Map<String, String> labels,
      Map<String, String> annotations) {}

  private static RawGroup readGroup(YamlNode g, Structure st) {
    if (!(g instanceof YamlNode.Mapping m)) {
      st.cannotUnmarshal(g, "rulefmt.RuleGroup");
      return new RawGroup(g, "", 0, 0, List.of());
    }
    for (String k : m.values().keySet()) {
      if (!GROUP_FIELDS.contains(k)) {
        st.unknownField(m, k, "rulefmt.RuleGroup");
      }
    }
    String name = string(m.values().get("name"), st);
    long interval = duration(m.values().get("interval"), st);
    int limit = 0;
    YamlNode l = m.values().get("limit");
    if (l instanceof YamlNode.Scalar s && "!!int".equals(s.kind())) {
      try {
        limit = Integer.parseInt(s.text());
      } catch (NumberFormatException e) {
        st.cannotUnmarshal(l, "int");
      }
      if (limit < 0) {
        // Prometheus treats a negative limit like none; we keep 0 for "no limit"
        limit = 0;
      }
    } else if (l != null && !isNull(l)) {
      st.cannotUnmarshal(l, "int");
    }
    List<RawRule> rules = new ArrayList<>();
    YamlNode rs = m.values().get("rules");
    if (rs instanceof YamlNode.Sequence seq) {
      for (YamlNode r : seq.items()) {
        rules.add(readRule(r, st));
      }
    } else if (rs != null && !isNull(rs)) {
      st.cannotUnmarshal(rs, "[]rulefmt.RuleNode");
    }
    return new RawGroup(m, name == null ? "" : name, interval, limit, rules);
  }

  private static RawRule readRule(YamlNode r, Structure st) {
    if (!(r instanceof YamlNode.Mapping m)) {
      st.cannotUnmarshal(r, "rulefmt.RuleNode");
      return new RawRule(r, null, null, null, null, 0, null, 0, Map.of(), Map.of());
    }
    for (String k : m.values().keySet()) {
      if (!RULE_FIELDS.contains(k)) {
        st.unknownField(m, k, "rulefmt.RuleNode");
      }
    }
    YamlNode.Scalar forNode = scalar(m.values().get("for"), st);
    YamlNode.Scalar keepNode = scalar(m.values().get("keep_firing_for"), st);
    return new RawRule(m, scalar(m.values().get("record"), st), scalar(m.values().get("alert"), st),
        scalar(m.values().get("expr"), st), forNode, duration(forNode, st), keepNode, duration(keepNode, st),
        stringMap(m.values().get("labels"), st), stringMap(m.values().get("annotations"), st));
  }

  private static YamlNode.Scalar scalar(YamlNode n, Structure st) {
    if (n == null || n instanceof YamlNode.Scalar) {
      return (YamlNode.Scalar) n;
    }
    st.cannotUnmarshal(n, "string");
    return null;
  }

  private static String string(YamlNode n, Structure st) {
    YamlNode.Scalar s = scalar(n, st);
    return s == null || s.text() == null ? null : s.text();
  }

  private static long duration(YamlNode n, Structure st) {
    String s = string(n, st);
    if (s == null) {
      return 0;
    }
    try {
      return Durations.parse(s);
    } catch (IllegalArgumentException e) {
      if (st.fatal == null) {
        st.fatal = e.getMessage();
      }
      return 0;
    }
  }

  private static Map<String, String> stringMap(YamlNode n, Structure st) {
    Map<String, String> out = new LinkedHashMap<>();
    if (n == null || isNull(n)) {
      return out;
    }
    if (!(n instanceof YamlNode.Mapping m)) {
      st.cannotUnmarshal(n, "map[string]string");
      return out;
    }
    for (var e : m.values().entrySet()) {
      String v = string(e.getValue(), st);
      out.put(e.getKey(), v == null ? "" : v);
    }
    return out;
  }

  // ---- validation (rulefmt.RuleGroups.Validate) ------------------------------------------------------

  private static RuleFile validateGroups(List<RawGroup> groups, String file, List<RuleError> errors) {
    Set<String> seen = new HashSet<>();
    List<RuleGroup> out = new ArrayList<>();
    for (RawGroup g : groups) {
      String pos = g.node().line() + ":" + g.node().column();
      if (g.name().isEmpty()) {
        errors.add(new RuleError(file, g.name(), 0, null, pos, "Groupname must not be empty"));
      }
      if (!seen.add(g.name())) {
        errors.add(new RuleError(file, g.name(), 0, null, pos, "groupname: \"" + g.name() + "\" is repeated in the same file"));
      }
      List<Rule> rules = new ArrayList<>();
      for (int i = 0; i < g.rules().size(); i++) {
        Rule r = validateRule(g.rules().get(i), file, g.name(), i + 1, errors);
        if (r != null) {
          rules.add(r);
        }
      }
      out.add(new RuleGroup(g.name(), g.intervalMs(), g.limit(), rules));
    }
    return errors.isEmpty() ? new RuleFile(file, out) : null;
  }

  private static String text(YamlNode.Scalar s) {
    return s == null || s.text() == null ? "" : s.text();
  }

  private static String pos(YamlNode.Scalar s) {
    return s == null ? "0:0" : s.line() + ":" + s.column();
  }

  private static Rule validateRule(RawRule r, String file, String group, int index, List<RuleError> errors) {
    String record = text(r.record());
    String alert = text(r.alert());
    String name = alert.isEmpty() ? record : alert;
    List<String[]> problems = new ArrayList<>(); // {position, message}
    if (!record.isEmpty() && !alert.isEmpty()) {
      problems.add(new String[] {pos(r.record()) + ": " + pos(r.alert()), "only one of 'record' and 'alert' must be set"});
    }
    if (record.isEmpty() && alert.isEmpty()) {
      YamlNode.Scalar at = r.record() != null ? r.record() : r.alert();
      problems.add(new String[] {pos(at), "one of 'record' or 'alert' must be set"});
    }
    Expr expr = null;
    String exprText = text(r.expr());
    if (exprText.isEmpty()) {
      problems.add(new String[] {pos(r.expr()), "field 'expr' must be set in rule"});
    } else {
      try {
        expr = PromQL.parse(exprText);
      } catch (PromQLParseException e) {
        problems.add(new String[] {pos(r.expr()), "could not parse expression: " + e.getMessage()});
      }
    }
    if (!record.isEmpty()) {
      if (!r.annotations().isEmpty()) {
        problems.add(new String[] {pos(r.record()), "invalid field 'annotations' in recording rule"});
      }
      if (r.forMs() != 0) {
        problems.add(new String[] {pos(r.record()), "invalid field 'for' in recording rule"});
      }
      if (r.keepMs() != 0) {
        problems.add(new String[] {pos(r.record()), "invalid field 'keep_firing_for' in recording rule"});
      }
      if (!Labels.isValidMetricName(record)) {
        problems.add(new String[] {pos(r.record()), "invalid recording rule name: " + record});
      }
    }
    for (var e : r.labels().entrySet()) {
      if (!Labels.isValidName(e.getKey()) || e.getKey().equals(Labels.METRIC_NAME)) {
        problems.add(new String[] {"", "invalid label name: " + e.getKey()});
      }
    }
    for (String k : r.annotations().keySet()) {
      if (!Labels.isValidName(k)) {
        problems.add(new String[] {"", "invalid annotation name: " + k});
      }
    }
    if (!alert.isEmpty()) {
      for (var e : r.labels().entrySet()) {
        String err = PromTemplate.check("__alert_" + alert, e.getValue());
        if (err != null) {
          problems.add(new String[] {"", "label " + io.strata.promql.ast.GoFormat.quote(e.getKey()) + ": " + err});
        }
      }
      for (var e : r.annotations().entrySet()) {
        String err = PromTemplate.check("__alert_" + alert, e.getValue());
        if (err != null) {
          problems.add(new String[] {"", "annotation " + io.strata.promql.ast.GoFormat.quote(e.getKey()) + ": " + err});
        }
      }
    }
    for (String[] p : problems) {
      errors.add(new RuleError(file, group, index, name, p[0], p[1]));
    }
    if (!problems.isEmpty()) {
      return null;
    }
    Rule.Kind kind = alert.isEmpty() ? Rule.Kind.RECORDING : Rule.Kind.ALERTING;
    return new Rule(kind, name, exprText, expr, r.forMs(), r.keepMs(), r.labels(), r.annotations());
  }
}
