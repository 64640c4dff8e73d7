package io.strata.flink.rules;

import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import java.io.Serializable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One alerting rule as data: where it came from, its threshold condition ({@code selector op number}),
 * {@code for}, labels and annotations. Serializable so it travels in the job graph today and through the
 * rules broadcast later. Templates are parsed once here; the label matchers are compiled lazily in each
 * task (they hold a regex that is not serializable).
 */
public final class AlertRule implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String namespace;
  private final String group;
  private final int index;
  private final String name;
  private final String expr;
  private final List<MatcherSpec> matchers;
  private final Comparison op;
  private final double threshold;
  private final long forMs;
  private final TreeMap<String, String> labels;
  private final TreeMap<String, String> annotations;
  private final String[] labelNames;
  private final AlertTemplate[] labelTemplates;
  private final String[] annotationNames;
  private final AlertTemplate[] annotationTemplates;
  private final String id;
  private transient LabelMatcher[] compiled;

  /**
   * @param namespace the rule file (later: the tenant/namespace of metrics.rules)
   * @param group the rule group name
   * @param index position of the rule in its group (0-based); with the names it makes the rule's state id
   * @param name the alert name (the {@code alertname} label)
   * @param expr the PromQL source, for the generator URL and messages
   * @param matchers the vector selector's matchers ({@code __name__} included)
   * @param op the comparison, with the selector on the left
   * @param threshold the number on the right
   * @param forMs how long the condition must hold before the alert fires; 0 fires at once
   */
  public AlertRule(String namespace, String group, int index, String name, String expr, List<MatcherSpec> matchers,
      Comparison op, double threshold, long forMs, Map<String, String> labels, Map<String, String> annotations) {
    this.namespace = require("namespace", namespace);
    this.group = require("group", group);
    this.name = require("alert", name);
    this.expr = require("expr", expr);
    if (index < 0) {
      throw new IllegalArgumentException("rule " + name + ": index must be >= 0, got " + index);
    }
    this.index = index;
    if (matchers == null || matchers.isEmpty()) {
      throw new IllegalArgumentException("rule " + name + ": a vector selector needs at least one matcher");
    }
    this.matchers = List.copyOf(matchers);
    if (op == null) {
      throw new IllegalArgumentException("rule " + name + ": comparison operator is missing");
    }
    this.op = op;
    this.threshold = threshold;
    if (forMs < 0) {
      throw new IllegalArgumentException("rule " + name + ": for must be >= 0, got " + forMs + " ms");
    }
    this.forMs = forMs;
    this.labels = new TreeMap<>(labels == null ? Map.of() : labels);
    this.annotations = new TreeMap<>(annotations == null ? Map.of() : annotations);
    for (String l : this.labels.keySet()) {
      if (!Labels.isValidName(l) || l.startsWith("__")) {
        throw new IllegalArgumentException("rule " + name + ": invalid label name \"" + l + "\"");
      }
    }
    for (String a : this.annotations.keySet()) {
      if (!Labels.isValidName(a)) {
        throw new IllegalArgumentException("rule " + name + ": invalid annotation name \"" + a + "\"");
      }
    }
    this.labelNames = this.labels.keySet().toArray(new String[0]);
    this.labelTemplates = templates(this.labels);
    this.annotationNames = this.annotations.keySet().toArray(new String[0]);
    this.annotationTemplates = templates(this.annotations);
    this.id = namespace + "/" + group + "/" + index + "/" + name;
    compile(); // fail fast on a bad regex
  }

  private static String require(String what, String v) {
    if (v == null || v.isEmpty()) {
      throw new IllegalArgumentException("rule " + what + " must not be empty");
    }
    return v;
  }

  private static AlertTemplate[] templates(TreeMap<String, String> m) {
    AlertTemplate[] t = new AlertTemplate[m.size()];
    int i = 0;
    for (String v : m.values()) {
      t[i++] = AlertTemplate.parse(v);
    }
    return t;
  }

  /** Stable id of the rule's state inside a series' keyed state: namespace/group/index/name. */
  public String id() {
    return id;
  }

  public String namespace() {
    return namespace;
  }

  public String group() {
    return group;
  }

  public int index() {
    return index;
  }

  public String name() {
    return name;
  }

  public String expr() {
    return expr;
  }

  public List<MatcherSpec> matchers() {
    return matchers;
  }

  public Comparison op() {
    return op;
  }

  public double threshold() {
    return threshold;
  }

  public long forMs() {
    return forMs;
  }

  public Map<String, String> labels() {
    return java.util.Collections.unmodifiableMap(labels);
  }

  public Map<String, String> annotations() {
    return java.util.Collections.unmodifiableMap(annotations);
  }

  /** The metric name the selector requires ({@code __name__="x"}), or null when it matches by other labels. */
  public String metricName() {
    for (MatcherSpec m : matchers) {
      if (m.name().equals(Labels.METRIC_NAME) && m.type() == LabelMatcher.Type.EQ) {
        return m.value();
      }
    }
    return null;
  }

  /** Template actions that stay verbatim, as "label x: {{ ... }}" strings, for a start-up warning. */
  public List<String> unsupportedTemplateActions() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < labelNames.length; i++) {
      for (String a : labelTemplates[i].unsupportedActions()) {
        out.add("label " + labelNames[i] + ": " + a);
      }
    }
    for (int i = 0; i < annotationNames.length; i++) {
      for (String a : annotationTemplates[i].unsupportedActions()) {
        out.add("annotation " + annotationNames[i] + ": " + a);
      }
    }
    return out;
  }

  private LabelMatcher[] compile() {
    LabelMatcher[] c = compiled;
    if (c == null) {
      c = new LabelMatcher[matchers.size()];
      for (int i = 0; i < c.length; i++) {
        c[i] = matchers.get(i).compile();
      }
      compiled = c;
    }
    return c;
  }

  /** Whether the selector selects the series (sorted label pairs, {@code __name__} included). */
  public boolean matches(String[] seriesPairs) {
    LabelMatcher[] c = compile();
    for (LabelMatcher m : c) {
      if (!m.matches(AlertTemplate.labelValue(seriesPairs, m.name()))) {
        return false;
      }
    }
    return true;
  }

  /** Whether a sample value satisfies the condition, i.e. the series is in the expression's result. */
  public boolean isActive(double value) {
    return op.test(value, threshold);
  }

  /**
   * The alert's labels as Prometheus builds them: the series labels without {@code __name__}, then the
   * rule's labels (templated; an empty result removes the label), then {@code alertname}. Sorted pairs.
   */
  public String[] alertLabels(String[] seriesPairs, double value) {
    TreeMap<String, String> m = new TreeMap<>();
    for (int i = 0; i < seriesPairs.length; i += 2) {
      if (!seriesPairs[i].equals(Labels.METRIC_NAME)) {
        m.put(seriesPairs[i], seriesPairs[i + 1]);
      }
    }
    for (int i = 0; i < labelNames.length; i++) {
      String v = labelTemplates[i].expand(seriesPairs, value);
      if (v.isEmpty()) {
        m.remove(labelNames[i]);
      } else {
        m.put(labelNames[i], v);
      }
    }
    m.put("alertname", name);
    return flatten(m);
  }

  /** The annotations, templated with the series labels and the value. Sorted pairs. */
  public String[] annotations(String[] seriesPairs, double value) {
    String[] out = new String[annotationNames.length * 2];
    for (int i = 0; i < annotationNames.length; i++) {
      out[2 * i] = annotationNames[i];
      out[2 * i + 1] = annotationTemplates[i].expand(seriesPairs, value);
    }
    return out;
  }

  /** Prometheus's generator URL: {@code <external url>/graph?g0.expr=<expr>&g0.tab=1}; empty without a URL. */
  public String generatorUrl(String externalUrl) {
    if (externalUrl == null || externalUrl.isEmpty()) {
      return "";
    }
    String base = externalUrl.endsWith("/") ? externalUrl.substring(0, externalUrl.length() - 1) : externalUrl;
    return base + "/graph?g0.expr=" + URLEncoder.encode(expr, StandardCharsets.UTF_8) + "&g0.tab=1";
  }

  private static String[] flatten(TreeMap<String, String> m) {
    String[] p = new String[m.size() * 2];
    int i = 0;
    for (var e : m.entrySet()) {
      p[i++] = e.getKey();
      p[i++] = e.getValue();
    }
    return p;
  }

  @Override
  public String toString() {
    return "alert " + name + " (group " + group + " in " + namespace + "): " + expr + (forMs > 0 ? " for " + forMs + "ms" : "");
  }
}
