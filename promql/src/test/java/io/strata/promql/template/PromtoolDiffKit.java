package io.strata.promql.template;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.promql.engine.Engine;
import io.strata.promql.engine.Scalar;
import io.strata.promql.engine.Value;
import io.strata.promql.engine.Vector;
import io.strata.promql.storage.InMemoryStorage;
import io.strata.schemas.model.Labels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs alerting-rule templates through Debian's {@code promtool test rules} 2.42: each case is an alert
 * rule whose annotation {@code a} is the template; the expected annotations (and labels) are what
 * {@link PromTemplate#expand} gives for each sample the rule's expression returns (evaluated by our
 * engine over the same input series), so promtool passing means Prometheus expands them identically.
 */
final class PromtoolDiffKit {
  static final Path PROMTOOL = Path.of("/usr/bin/promtool");
  static final ObjectMapper JSON = new ObjectMapper();
  static final long EVAL_MS = 120_000;
  static final String EXTERNAL_URL = "http://prom.example.com:9090/prom";
  static final Map<String, String> EXTERNAL_LABELS = Map.of("cluster", "prod-eu", "replica", "a");

  /** Input series: {series, values} at a 1m interval from 0. */
  static final String[][] SERIES = {
      {"up{instance=\"web-1.example.com:9090\", job=\"api\"}", "1 1 1"},
      {"up{instance=\"web-2:9100\", job=\"api\"}", "0 0 0"},
      {"up{instance=\"10.0.0.1:80\", job=\"node\"}", "1 1 1"},
      {"up{instance=\"[::1]:9090\", job=\"node\"}", "1 1 1"},
      {"http_latency_seconds{instance=\"web-1.example.com:9090\", path=\"/api/v1/query\"}", "0.5 0.75 0.95"},
      {"http_latency_seconds{instance=\"web-2:9100\", path=\"/\"}", "0.1 0.2 0.012345"},
      {"disk_free_bytes{mount=\"/\", device=\"sda1\"}", "1e12 1.5e12 1536000000000"},
      {"disk_free_bytes{mount=\"/home\", device=\"sdb1\"}", "1024 2048 1073741824"},
      {"temperature_celsius{sensor=\"cpu\", location=\"rack 1\"}", "-5 -12.5 -40.25"},
      {"build_info{version=\"2.42.0\", goversion=\"go1.19.8\", branch=\"HEAD\"}", "1 1 1"},
  };

  record Case(String expr, String template) {}

  private final Engine engine = new Engine();
  private final InMemoryStorage storage = new InMemoryStorage();

  PromtoolDiffKit() {
    // promtool returns a selector's series in Go map order (random): cases must not depend on it (sortByLabel)
    List<String[]> sorted = new ArrayList<>(List.of(SERIES));
    sorted.sort((a, b) -> compareLabels(parseSeries(a[0]).toMap(), parseSeries(b[0]).toMap()));
    for (String[] s : sorted) {
      Labels l = parseSeries(s[0]);
      String[] vals = s[1].split(" ");
      for (int i = 0; i < vals.length; i++) {
        storage.add(l, i * 60_000L, Double.parseDouble(vals[i]));
      }
    }
  }

  /** Prometheus's labels.Compare: label by label, names then values, then the shorter set first. */
  static int compareLabels(Map<String, String> a, Map<String, String> b) {
    var ia = new TreeMap<>(a).entrySet().iterator();
    var ib = new TreeMap<>(b).entrySet().iterator();
    while (ia.hasNext() && ib.hasNext()) {
      var x = ia.next();
      var y = ib.next();
      int c = x.getKey().compareTo(y.getKey());
      if (c == 0) {
        c = x.getValue().compareTo(y.getValue());
      }
      if (c != 0) {
        return c;
      }
    }
    return Boolean.compare(ia.hasNext(), ib.hasNext());
  }

  private static Labels parseSeries(String s) {
    Map<String, String> m = new TreeMap<>();
    int brace = s.indexOf('{');
    m.put("__name__", s.substring(0, brace));
    for (String kv : s.substring(brace + 1, s.length() - 1).split(", ")) {
      int eq = kv.indexOf('=');
      m.put(kv.substring(0, eq), kv.substring(eq + 2, kv.length() - 1));
    }
    return Labels.fromMap(m);
  }

  QueryRunner runner() {
    return (expr, t) -> {
      Value v = engine.instantQuery(storage, expr, t);
      if (v instanceof Vector vec) {
        List<QueryResult> out = new ArrayList<>();
        vec.samples().forEach(s -> out.add(new QueryResult(s.labels().toMap(), s.value(), s.timestampMs())));
        return out;
      }
      if (v instanceof Scalar sc) {
        return List.of(new QueryResult(Map.of(), sc.value(), sc.timestampMs()));
      }
      throw new Exception("rule result is not a vector or scalar");
    };
  }

  /** The alerts one case produces: labels without __name__ plus alertname comes from promtool; annotation a. */
  List<Map<String, Object>> expectedAlerts(String alert, Case c) throws Exception {
    List<Map<String, Object>> alerts = new ArrayList<>();
    for (QueryResult r : runner().query(c.expr(), EVAL_MS)) {
      TemplateContext ctx = new TemplateContext(r.labels(), r.value(), EXTERNAL_LABELS, EXTERNAL_URL, EVAL_MS,
          runner());
      String a;
      try {
        a = PromTemplate.expand("__alert_" + alert, c.template(), ctx);
      } catch (TemplateException e) {
        a = "<error expanding template: " + e.getMessage() + ">";
      }
      Map<String, String> labels = new TreeMap<>(r.labels());
      labels.remove("__name__");
      Map<String, Object> exp = new LinkedHashMap<>();
      exp.put("exp_labels", labels);
      exp.put("exp_annotations", Map.of("a", a));
      alerts.add(exp);
    }
    return alerts;
  }

  /** Writes the rule and test files for all cases, runs promtool, returns {exit code, output}. */
  Object[] run(Path dir, List<Case> cases) throws Exception {
    StringBuilder rules = new StringBuilder("groups:\n- name: templates\n  rules:\n");
    StringBuilder tests = new StringBuilder("rule_files: [rules.yml]\nevaluation_interval: 1m\ntests:\n");
    tests.append("- interval: 1m\n  external_url: ").append(q(EXTERNAL_URL)).append('\n');
    tests.append("  external_labels: ").append(JSON.writeValueAsString(EXTERNAL_LABELS)).append('\n');
    tests.append("  input_series:\n");
    for (String[] s : SERIES) {
      tests.append("  - series: ").append(q(s[0])).append("\n    values: ").append(q(s[1])).append('\n');
    }
    tests.append("  alert_rule_test:\n");
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      String alert = "T" + i;
      rules.append("  - alert: ").append(alert).append("\n    expr: ").append(q(c.expr()))
          .append("\n    annotations:\n      a: ").append(q(c.template())).append('\n');
      tests.append("  - eval_time: 2m\n    alertname: ").append(alert).append("\n    exp_alerts: ")
          .append(JSON.writeValueAsString(expectedAlerts(alert, c))).append('\n');
    }
    Files.writeString(dir.resolve("rules.yml"), rules, StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("test.yml"), tests, StandardCharsets.UTF_8);
    return exec(dir, "test", "rules", "test.yml");
  }

  static Object[] exec(Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(PROMTOOL.toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("promtool did not finish");
    }
    return new Object[] {p.exitValue(), new String(out, StandardCharsets.UTF_8)};
  }

  static String q(String s) throws IOException {
    return JSON.writeValueAsString(s);
  }
}
