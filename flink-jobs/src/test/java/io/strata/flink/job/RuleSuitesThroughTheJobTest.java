package io.strata.flink.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.strata.flink.model.AlertTransition;
import io.strata.flink.model.DecodedBatch;
import io.strata.flink.model.GroupSpec;
import io.strata.flink.model.Routed;
import io.strata.flink.model.RuleSamples;
import io.strata.flink.model.SeriesSamples;
import io.strata.flink.rules.RuleGroups;
import io.strata.promql.engine.Engine;
import io.strata.promql.engine.EngineOptions;
import io.strata.promql.rules.RuleFile;
import io.strata.promql.rules.RuleFiles;
import io.strata.promql.rules.RuleGroup;
import io.strata.promql.rules.eval.EvaluatorSettings;
import io.strata.promql.rules.eval.GroupEvaluation;
import io.strata.promql.rules.eval.GroupEvaluator;
import io.strata.promql.rules.eval.OutgoingAlert;
import io.strata.promql.rules.eval.SampleSink;
import io.strata.promql.rules.unittest.RuleTestFile;
import io.strata.promql.rules.unittest.SeriesNotation;
import io.strata.promql.storage.InMemoryStorage;
import io.strata.promql.storage.Queryable;
import io.strata.promql.storage.SelectHints;
import io.strata.promql.storage.SeriesData;
import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.api.common.typeinfo.Types;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The promtool-format rule suites of the promql module run through the job's operators (router, then
 * evaluator, fed the input series as sample batches, the watermark moved to each evaluation time) give the
 * same samples and the same notifier alerts at every evaluation as {@link GroupEvaluator} alone over the
 * same input. Each group is compared on its own: the job reads other groups' output through the samples
 * topic, which these harnesses do not loop back.
 */
class RuleSuitesThroughTheJobTest {
  static final Path SUITES = Path.of("..", "promql", "src", "test", "resources", "rules-tests");
  static final long DEFAULT_EVALUATION_INTERVAL_MS = 60_000;

  @TestFactory
  Stream<DynamicTest> everySuiteGivesTheSameOutputAtEveryEvaluation() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(SUITES)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".test.yml")).sorted().toList();
    }
    assertFalse(files.isEmpty(), "suites under " + SUITES.toAbsolutePath());
    return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> runSuite(f)));
  }

  private static void runSuite(Path testFile) throws Exception {
    RuleTestFile tf = RuleTestFile.parse(Files.readString(testFile));
    long evalInterval = tf.evaluationIntervalMs() == 0 ? DEFAULT_EVALUATION_INTERVAL_MS : tf.evaluationIntervalMs();
    List<RuleFile> ruleFiles = new ArrayList<>();
    for (String name : tf.ruleFiles()) {
      Path p = SUITES.resolve(name);
      if (Files.exists(p)) {
        ruleFiles.add(RuleFiles.parse(Files.readString(p), name));
      }
    }
    int compared = 0;
    for (RuleTestFile.TestGroup tg : tf.tests()) {
      long maxt = 0;
      for (RuleTestFile.AlertTest at : tg.alertTests()) {
        maxt = Math.max(maxt, at.evalTimeMs());
      }
      for (RuleTestFile.ExprTest et : tg.exprTests()) {
        maxt = Math.max(maxt, et.evalTimeMs());
      }
      long inputInterval = tg.intervalMs() > 0 ? tg.intervalMs() : evalInterval;
      Map<Labels, long[]> ts = new LinkedHashMap<>();
      Map<Labels, double[]> vs = new LinkedHashMap<>();
      for (RuleTestFile.InputSeries is : tg.inputSeries()) {
        Labels l = SeriesNotation.parseMetric(is.series());
        SeriesNotation.Values v = SeriesNotation.expand(is.values());
        List<Long> t = new ArrayList<>();
        List<Double> x = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
          if (v.present()[i]) {
            t.add(i * inputInterval);
            x.add(v.values()[i]);
          }
        }
        ts.put(l, t.stream().mapToLong(Long::longValue).toArray());
        vs.put(l, x.stream().mapToDouble(Double::doubleValue).toArray());
      }
      for (RuleFile rf : ruleFiles) {
        for (RuleGroup g : rf.groups()) {
          long itv = g.intervalMs() != 0 ? g.intervalMs() : inputInterval;
          compared += compare(testFile, rf, g, tg, itv, evalInterval, maxt, ts, vs);
        }
      }
    }
    assertFalse(compared == 0, testFile + ": nothing compared");
  }

  /** Runs one group both ways; returns the evaluations compared. */
  private static int compare(Path testFile, RuleFile rf, RuleGroup g, RuleTestFile.TestGroup tg, long itv,
      long evalInterval, long maxt, Map<Labels, long[]> ts, Map<Labels, double[]> vs) throws Exception {
    String tenant = "default";
    GroupSpec spec = RuleGroups.fileSpecs(tenant, new RuleFile(rf.fileName(), List.of(g))).get(0);
    EvaluateGroups.Options options = new EvaluateGroups.Options(EngineOptions.DEFAULTS.lookbackDeltaMs(), itv,
        EvaluatorSettings.DEFAULT_RESEND_DELAY_MS, tg.externalURL(), tg.externalLabels(), false, 4, 0,
        System::currentTimeMillis);
    // the evaluator's engine uses the group's default interval as subquery step; the reference the same
    Engine engine = new Engine(EngineOptions.DEFAULTS.withDefaultSubqueryStepMs(itv));
    GroupEvaluator ref = new GroupEvaluator(g, engine, new EvaluatorSettings(itv, tg.externalLabels(), tg.externalURL(),
        EvaluatorSettings.DEFAULT_RESEND_DELAY_MS));
    RefStorage refStorage = new RefStorage();

    int n = 0;
    try (BroadcastOperatorTestHarness<DecodedBatch, GroupSpec, Routed> router = ProcessFunctionTestHarnesses
        .forBroadcastProcessFunction(new RouteSamples(List.of(spec), options.lookbackDeltaMs(), itv, null),
            RouteSamples.PUSHED_GROUPS);
        KeyedOneInputStreamOperatorTestHarness<String, Routed, AlertTransition> eval = new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new EvaluateGroups(List.of(spec), options, null)), new RuleJob.ByGroup(), Types.STRING)) {
      eval.open();
      long prev = Long.MIN_VALUE;
      for (long t = 0; t <= maxt; t += itv) {
        // input samples in (prev, t], to both
        DecodedBatch b = new DecodedBatch();
        b.tenant = tenant;
        b.source = "test";
        List<SeriesSamples> series = new ArrayList<>();
        for (var e : ts.entrySet()) {
          long[] st = e.getValue();
          double[] sv = vs.get(e.getKey());
          List<Integer> idx = new ArrayList<>();
          for (int i = 0; i < st.length; i++) {
            if (st[i] > prev && st[i] <= t) {
              idx.add(i);
              refStorage.add(e.getKey(), st[i], sv[i]);
            }
          }
          if (!idx.isEmpty()) {
            series.add(new SeriesSamples(SeriesSamples.pairs(e.getKey()), idx.stream().mapToLong(i -> st[i]).toArray(),
                idx.stream().mapToDouble(i -> sv[i]).toArray()));
          }
        }
        b.series = series.toArray(new SeriesSamples[0]);
        b.maxTimestampMs = t;
        router.processElement(b, t);
        for (Routed r : router.extractOutputValues()) {
          eval.processElement(r, t);
        }
        router.getOutput().clear();
        eval.processWatermark(t);

        List<String> refWritten = new ArrayList<>();
        GroupEvaluation re = ref.evaluate(refStorage, refStorage.recording(refWritten), t);
        List<String> refAlerts = new ArrayList<>();
        for (OutgoingAlert a : re.alerts()) {
          refAlerts.add(alert(a.labels(), a.annotations(), a.startsAtMs(), a.endsAtMs(), a.resolved(), a.generatorURL()));
        }

        List<String> jobWritten = new ArrayList<>();
        var side = eval.getSideOutput(EvaluateGroups.RULE_SAMPLES);
        if (side != null) {
          for (StreamRecord<RuleSamples> r : side) {
            for (SeriesSamples s : r.getValue().series) {
              for (int i = 0; i < s.timestamps.length; i++) {
                jobWritten.add(sample(Labels.of(s.labels), s.timestamps[i], s.values[i]));
              }
            }
          }
          side.clear();
        }
        List<String> jobAlerts = new ArrayList<>();
        for (AlertTransition a : eval.extractOutputValues()) {
          if (AlertTransition.FIRING.equals(a.state) || AlertTransition.RESOLVED.equals(a.state)) {
            jobAlerts.add(alert(map(a.labels), map(a.annotations), a.startsAtMs, a.endsAtMs,
                AlertTransition.RESOLVED.equals(a.state), a.generatorUrl));
          }
        }
        eval.getOutput().clear();
        Collections.sort(refWritten);
        Collections.sort(jobWritten);
        Collections.sort(refAlerts);
        Collections.sort(jobAlerts);
        String where = testFile.getFileName() + " group " + g.name() + " at " + t + " ms";
        assertEquals(refWritten, jobWritten, where + ": samples written");
        assertEquals(refAlerts, jobAlerts, where + ": alerts sent");
        prev = t;
        n++;
      }
    }
    return n;
  }

  private static String sample(Labels l, long t, double v) {
    return l + "@" + t + "=" + Long.toHexString(Double.doubleToRawLongBits(v));
  }

  private static String alert(Map<String, String> labels, Map<String, String> annotations, long startsAt, long endsAt,
      boolean resolved, String url) {
    return Labels.fromMap(labels) + " " + new java.util.TreeMap<>(annotations) + " starts=" + startsAt + " ends=" + endsAt
        + (resolved ? " resolved" : " firing") + " " + url;
  }

  private static Map<String, String> map(String[] pairs) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }

  /** The reference run's storage: input and rule output, refusing what Prometheus's head refuses. */
  static final class RefStorage implements Queryable {
    private final InMemoryStorage data = new InMemoryStorage();
    private final Map<Labels, long[]> last = new HashMap<>();

    void add(Labels l, long t, double v) {
      data.add(l, t, v);
      last.put(l, new long[] {t, Double.doubleToRawLongBits(v)});
    }

    SampleSink recording(List<String> written) {
      return (l, t, v) -> {
        long[] p = last.get(l);
        long bits = Double.doubleToRawLongBits(v);
        if (p != null) {
          if (t < p[0]) {
            throw new IllegalArgumentException("out of order sample");
          }
          if (t == p[0]) {
            if (bits != p[1]) {
              throw new IllegalArgumentException("duplicate sample for timestamp");
            }
            return;
          }
        }
        add(l, t, v);
        written.add(sample(l, t, v));
      };
    }

    @Override
    public List<SeriesData> select(SelectHints hints, List<LabelMatcher> matchers) {
      return data.select(hints, matchers);
    }
  }
}
