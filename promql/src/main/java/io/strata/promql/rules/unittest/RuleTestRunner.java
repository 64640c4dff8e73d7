package io.strata.promql.rules.unittest;

import io.strata.promql.PromQL;
import io.strata.promql.ast.GoFormat;
import io.strata.promql.engine.Engine;
import io.strata.promql.engine.EngineOptions;
import io.strata.promql.engine.Sample;
import io.strata.promql.rules.Rule;
import io.strata.promql.rules.RuleError;
import io.strata.promql.rules.RuleFileException;
import io.strata.promql.rules.RuleFiles;
import io.strata.promql.rules.RuleGroup;
import io.strata.promql.rules.eval.EvaluationStorage;
import io.strata.promql.rules.eval.AlertSnapshot;
import io.strata.promql.rules.eval.AlertState;
import io.strata.promql.rules.eval.EvaluatorSettings;
import io.strata.promql.rules.eval.GroupEvaluator;
import io.strata.promql.rules.eval.RuleHealth;
import io.strata.promql.rules.eval.RuleQuery;
import io.strata.promql.rules.unittest.RuleTestFile.AlertTest;
import io.strata.promql.rules.unittest.RuleTestFile.ExpAlert;
import io.strata.promql.rules.unittest.RuleTestFile.ExpSample;
import io.strata.promql.rules.unittest.RuleTestFile.ExprTest;
import io.strata.promql.rules.unittest.RuleTestFile.TestGroup;
import io.strata.schemas.model.Labels;
import io.strata.schemas.prom.PromDuration;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code promtool test rules} (Prometheus 2.42): reads unit-test files, evaluates their rule files with the
 * {@link GroupEvaluator} over the input series, compares firing alerts and expression results, and prints
 * what promtool prints ({@code Unit Testing:  FILE}, {@code   SUCCESS} or {@code   FAILED:} and each failure).
 */
public final class RuleTestRunner {
  /** promtool's test engine holds at most this many samples per query. */
  static final long MAX_SAMPLES = 10_000;
  static final long TIMEOUT_MS = 100_000;
  static final long DEFAULT_EVALUATION_INTERVAL_MS = 60_000;

  private final PrintStream out;
  private final PrintStream err;

  public RuleTestRunner(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Runs every file; 0 when all pass, 1 otherwise (promtool's exit codes). */
  public int run(List<Path> files) {
    boolean failed = false;
    for (Path f : files) {
      List<String> errs = runFile(f);
      if (!errs.isEmpty()) {
        err.println("  FAILED:");
        for (String e : errs) {
          err.println(e);
          out.println();
        }
        failed = true;
      } else {
        out.println("  SUCCESS");
      }
      out.println();
    }
    return failed ? 1 : 0;
  }

  /** Runs one test file; the failures, each as promtool prints it (empty when it passes). */
  public List<String> runFile(Path file) {
    out.println("Unit Testing:  " + file);
    RuleTestFile tf;
    try {
      tf = RuleTestFile.parse(Files.readString(file));
    } catch (NoSuchFileException e) {
      return List.of("open " + file + ": no such file or directory");
    } catch (IOException e) {
      return List.of(String.valueOf(e.getMessage()));
    } catch (RuleTestFile.FormatException e) {
      return List.of(e.getMessage());
    }
    Path base = file.toAbsolutePath().getParent();
    List<Path> ruleFiles = new ArrayList<>();
    for (String rf : tf.ruleFiles()) {
      Path p = Path.of(rf);
      String pattern = rf.isEmpty() || p.isAbsolute() ? rf : file.getParent() == null ? rf : file.getParent().resolve(rf).toString();
      List<Path> m = glob(pattern, base);
      if (m.isEmpty()) {
        err.println("  WARNING: no file match pattern " + pattern);
      }
      ruleFiles.addAll(m);
    }
    long evalInterval = tf.evaluationIntervalMs() == 0 ? DEFAULT_EVALUATION_INTERVAL_MS : tf.evaluationIntervalMs();
    Map<String, Integer> order = new HashMap<>();
    for (int i = 0; i < tf.groupEvalOrder().size(); i++) {
      String g = tf.groupEvalOrder().get(i);
      if (order.put(g, i) != null) {
        return List.of("group name repeated in evaluation order: " + g);
      }
    }
    List<String> errs = new ArrayList<>();
    for (TestGroup tg : tf.tests()) {
      errs.addAll(new GroupRun(tg, evalInterval, order, ruleFiles).run());
    }
    return errs;
  }

  /** Go's filepath.Glob for the last path element (directories are taken literally). */
  private static List<Path> glob(String pattern, Path base) {
    if (pattern.isEmpty()) {
      return List.of();
    }
    Path p = Path.of(pattern);
    String name = p.getFileName() == null ? "" : p.getFileName().toString();
    if (!name.contains("*") && !name.contains("?") && !name.contains("[")) {
      return Files.exists(p) ? List.of(p) : List.of();
    }
    Path dir = p.getParent() == null ? Path.of(".") : p.getParent();
    PathMatcher pm = FileSystems.getDefault().getPathMatcher("glob:" + name);
    TreeSet<Path> found = new TreeSet<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path c : ds) {
        if (pm.matches(c.getFileName())) {
          found.add(p.getParent() == null ? c.getFileName() : c);
        }
      }
    } catch (IOException e) {
      return List.of();
    }
    return new ArrayList<>(found);
  }

  /** One entry of {@code tests:}: its storage, groups and evaluation loop. */
  private final class GroupRun {
    private final TestGroup tg;
    private final long evalInterval;
    private final Map<String, Integer> order;
    private final List<Path> ruleFiles;

    GroupRun(TestGroup tg, long evalInterval, Map<String, Integer> order, List<Path> ruleFiles) {
      this.tg = tg;
      this.evalInterval = evalInterval;
      this.order = order;
      this.ruleFiles = ruleFiles;
    }

    List<String> run() {
      // input series, as promtool's lazy loader holds them: samples appended once the evaluation reaches them
      Map<Labels, List<long[]>> pending = new LinkedHashMap<>();
      Map<Labels, List<Double>> pendingValues = new LinkedHashMap<>();
      for (RuleTestFile.InputSeries is : tg.inputSeries()) {
        Labels labels;
        SeriesNotation.Values vals;
        try {
          labels = SeriesNotation.parseMetric(is.series());
          vals = SeriesNotation.expand(is.values());
        } catch (IllegalArgumentException e) {
          return List.of("parse error: " + is.series() + " " + is.values() + ": " + e.getMessage());
        }
        List<long[]> ts = new ArrayList<>();
        List<Double> vs = new ArrayList<>();
        for (int i = 0; i < vals.size(); i++) {
          if (vals.present()[i]) {
            ts.add(new long[] {i * tg.intervalMs()});
            vs.add(vals.values()[i]);
          }
        }
        pending.put(labels, ts); // a series given twice: the last one wins, as in promtool
        pendingValues.put(labels, vs);
      }
      Engine engine = new Engine(new EngineOptions(EngineOptions.DEFAULTS.lookbackDeltaMs(), MAX_SAMPLES, TIMEOUT_MS,
          evalInterval, EngineOptions.DEFAULTS.maxPointsPerSeries()));
      List<GroupEvaluator> groups = new ArrayList<>();
      List<String> loadErrors = new ArrayList<>();
      for (Path f : ruleFiles) {
        try {
          for (RuleGroup g : RuleFiles.parse(Files.readString(f), f.toString()).groups()) {
            long itv = g.intervalMs() != 0 ? g.intervalMs() : tg.intervalMs() > 0 ? tg.intervalMs() : evalInterval;
            groups.add(new GroupEvaluator(g, engine,
                new EvaluatorSettings(itv, tg.externalLabels(), tg.externalURL(), EvaluatorSettings.DEFAULT_RESEND_DELAY_MS)));
          }
        } catch (RuleFileException e) {
          for (RuleError re : e.errors()) {
            loadErrors.add(re.toString());
          }
          return loadErrors;
        } catch (IOException e) {
          return List.of("open " + f + ": " + e.getMessage());
        }
      }
      // group_eval_order; groups it does not name come first, in file order
      groups.sort(Comparator.comparingInt(g -> order.getOrDefault(g.group().name(), 0)));

      TreeMap<Long, List<AlertTest>> alertTests = new TreeMap<>();
      for (AlertTest at : tg.alertTests()) {
        if (at.alertname().isEmpty()) {
          String in = tg.name().isEmpty() ? "" : " (in TestGroup " + tg.name() + ")";
          return List.of("an item under alert_rule_test misses required attribute alertname at eval_time "
              + PromDuration.format(at.evalTimeMs()) + in);
        }
        alertTests.computeIfAbsent(at.evalTimeMs(), k -> new ArrayList<>()).add(at);
      }
      long maxt = 0;
      for (AlertTest at : tg.alertTests()) {
        maxt = Math.max(maxt, at.evalTimeMs());
      }
      for (ExprTest et : tg.exprTests()) {
        maxt = Math.max(maxt, et.evalTimeMs());
      }

      EvaluationStorage storage = new EvaluationStorage();
      List<String> errs = new ArrayList<>();
      for (long ts = 0; ts <= maxt; ts += evalInterval) {
        String appendError = appendTill(storage, pending, pendingValues, ts);
        if (appendError != null) {
          errs.add(appendError);
        }
        List<String> evalErrs = new ArrayList<>();
        for (GroupEvaluator g : groups) {
          g.evaluate(storage, storage, ts);
          for (int i = 0; i < g.group().rules().size(); i++) {
            if (g.ruleStatus(i).health() == RuleHealth.ERR) {
              evalErrs.add("    rule: " + g.group().rules().get(i).name() + ", time: " + GoText.goDuration(ts)
                  + ", err: " + g.ruleStatus(i).lastError());
            }
          }
        }
        errs.addAll(evalErrs);
        if (!evalErrs.isEmpty()) {
          return errs;
        }
        // alert tests whose eval_time falls in [ts, ts + interval) are checked against this evaluation
        for (var e : alertTests.subMap(ts, true, ts + evalInterval, false).entrySet()) {
          for (AlertTest at : e.getValue()) {
            String f = checkAlerts(at, groups);
            if (f != null) {
              errs.add(f);
            }
          }
        }
      }
      for (ExprTest et : tg.exprTests()) {
        String f = checkExpr(et, engine, storage);
        if (f != null) {
          errs.add(f);
        }
      }
      return errs;
    }

    private String appendTill(EvaluationStorage storage, Map<Labels, List<long[]>> ts, Map<Labels, List<Double>> vs, long till) {
      for (var e : ts.entrySet()) {
        List<long[]> t = e.getValue();
        List<Double> v = vs.get(e.getKey());
        int n = 0;
        while (n < t.size() && t.get(n)[0] <= till) {
          try {
            storage.append(e.getKey(), t.get(n)[0], v.get(n));
          } catch (IllegalArgumentException ex) {
            return ex.getMessage();
          }
          n++;
        }
        t.subList(0, n).clear();
        v.subList(0, n).clear();
      }
      return null;
    }

    private String checkAlerts(AlertTest at, List<GroupEvaluator> groups) {
      List<LabelsAndAnnotations> got = new ArrayList<>();
      for (GroupEvaluator g : groups) {
        for (int i = 0; i < g.group().rules().size(); i++) {
          Rule r = g.group().rules().get(i);
          if (!r.isAlerting() || !r.name().equals(at.alertname())) {
            continue;
          }
          for (AlertSnapshot a : g.alerts(i)) {
            if (a.isActive() && a.state() == AlertState.FIRING) {
              got.add(new LabelsAndAnnotations(Labels.fromMap(a.labels()), Labels.fromMap(a.annotations())));
            }
          }
        }
      }
      List<LabelsAndAnnotations> exp = new ArrayList<>();
      for (ExpAlert ea : at.expAlerts()) {
        Map<String, String> l = new TreeMap<>(ea.labels());
        l.put("alertname", at.alertname());
        exp.add(new LabelsAndAnnotations(Labels.fromMap(l), Labels.fromMap(ea.annotations())));
      }
      got.sort(null);
      exp.sort(null);
      if (exp.equals(got)) {
        return null;
      }
      String name = tg.name().isEmpty() ? "" : "    name: " + tg.name() + ",\n";
      return name + "    alertname: " + at.alertname() + ", time: " + PromDuration.format(at.evalTimeMs()) + ", \n"
          + "        exp:" + GoText.indentLines(LabelsAndAnnotations.toString(exp), "            ") + ", \n"
          + "        got:" + GoText.indentLines(LabelsAndAnnotations.toString(got), "            ");
    }

    private String checkExpr(ExprTest et, Engine engine, EvaluationStorage storage) {
      String head = "    expr: " + io.strata.promql.ast.GoFormat.quote(et.expr()) + ", time: "
          + PromDuration.format(et.evalTimeMs());
      List<Sample> result;
      try {
        result = RuleQuery.run(engine, storage, PromQL.parse(et.expr()), et.evalTimeMs());
      } catch (RuntimeException e) {
        return head + ", err: " + e.getMessage();
      }
      List<Sample> got = new ArrayList<>();
      for (Sample s : result) {
        got.add(new Sample(s.labels(), 0, s.value()));
      }
      List<Sample> exp = new ArrayList<>();
      for (ExpSample es : et.expSamples()) {
        try {
          exp.add(new Sample(SeriesNotation.parseMetric(es.labels()), 0, es.value()));
        } catch (IllegalArgumentException e) {
          return head + ", err: labels " + io.strata.promql.ast.GoFormat.quote(es.labels()) + ": " + e.getMessage();
        }
      }
      Comparator<Sample> byLabels = Comparator.comparing(Sample::labels);
      got.sort(byLabels);
      exp.sort(byLabels);
      boolean same = got.size() == exp.size();
      for (int i = 0; same && i < got.size(); i++) {
        // Go's reflect.DeepEqual on float64: ==, so NaN never equals NaN
        same = got.get(i).labels().equals(exp.get(i).labels()) && got.get(i).value() == exp.get(i).value();
      }
      if (same) {
        return null;
      }
      return head + ",\n        exp: " + samples(exp) + "\n        got: " + samples(got);
    }

    private static String samples(List<Sample> ss) {
      if (ss.isEmpty()) {
        return "nil";
      }
      StringBuilder sb = new StringBuilder();
      for (Sample s : ss) {
        if (sb.length() > 0) {
          sb.append(", ");
        }
        sb.append(GoFormat.labels(s.labels())).append(' ').append(GoText.floatE(s.value()));
      }
      return sb.toString();
    }
  }

  /** promtool's {@code labelAndAnnotation}, ordered by labels then annotations. */
  private record LabelsAndAnnotations(Labels labels, Labels annotations) implements Comparable<LabelsAndAnnotations> {
    @Override
    public int compareTo(LabelsAndAnnotations o) {
      int c = labels.compareTo(o.labels);
      return c != 0 ? c : annotations.compareTo(o.annotations);
    }

    @Override
    public String toString() {
      return "Labels:" + GoFormat.labels(labels) + "\nAnnotations:" + GoFormat.labels(annotations);
    }

    static String toString(List<LabelsAndAnnotations> la) {
      if (la.isEmpty()) {
        return "[]";
      }
      StringBuilder sb = new StringBuilder("[\n0:").append(GoText.indentLines("\n" + la.get(0), "  "));
      for (int i = 1; i < la.size(); i++) {
        sb.append(",\n").append(i).append(':').append(GoText.indentLines("\n" + la.get(i), "  "));
      }
      return sb.append("\n]").toString();
    }
  }
}
