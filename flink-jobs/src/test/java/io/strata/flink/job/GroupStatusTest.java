package io.strata.flink.job;

import static io.strata.flink.TestSeries.MINUTE;
import static io.strata.flink.TestSeries.SECOND;
import static io.strata.flink.TestSeries.T0;
import static io.strata.flink.TestSeries.series;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.avro.RuleEvaluationStatus;
import io.strata.avro.RuleGroupStatus;
import io.strata.avro.RuleHealth;
import io.strata.avro.RuleType;
import io.strata.flink.CountingMetrics;
import io.strata.flink.metrics.MetricsHooks;
import io.strata.flink.model.GroupSpec;
import io.strata.flink.model.Routed;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the evaluator publishes on {@link EvaluateGroups#GROUP_STATUS} (the {@code /api/v1/rules} view of a
 * group): the definition with every rule {@code unknown} when a group is defined, health, last error and
 * timings after its evaluations (one status per timer, however many grid times it evaluated), a removal when
 * the group is deleted.
 */
class GroupStatusTest {
  static final String RULES = """
      groups:
        - name: g
          interval: 1m
          limit: 1
          rules:
            - record: job:x:sum
              expr: sum  by (job)(x)
            - alert: PerInstance
              expr: x > 0
              for: 2m
              keep_firing_for: 1m
              labels: {severity: page}
              annotations: {summary: "{{ $labels.instance }} is up"}
      """;
  static final String KEY = "t1/team.yml/g";

  private final CountingMetrics metrics = new CountingMetrics();
  private String hook;

  @BeforeEach
  void hook() {
    hook = "status-" + UUID.randomUUID();
    MetricsHooks.register(hook, metrics);
  }

  @AfterEach
  void unhook() {
    MetricsHooks.unregister(hook);
  }

  @Test
  void aDefinedGroupIsPublishedWithItsRulesUnknownUntilEvaluated() throws Exception {
    GroupSpec spec = Groups.pushed("t1", "team.yml", 3, RULES);
    try (GroupHarness g = new GroupHarness(List.of(), GroupHarness.options(MINUTE), hook, null)) {
      g.define(spec);
      var statuses = g.statuses();
      assertEquals(1, statuses.size());
      assertEquals(KEY, statuses.get(0).getKey());
      RuleGroupStatus s = statuses.get(0).getValue();
      assertEquals("t1", s.getTenant());
      assertEquals("team.yml", s.getNamespace());
      assertEquals("g", s.getName());
      assertEquals(MINUTE, s.getIntervalMs());
      assertEquals(1, s.getLimit());
      assertNull(s.getLastEvaluationMs(), "never evaluated: Go's zero time in the API");
      assertNull(s.getEvaluatedAtMs());
      assertEquals(0.0, s.getEvaluationTimeSeconds());
      RuleEvaluationStatus rec = s.getRules().get(0);
      assertEquals(RuleType.recording, rec.getType());
      assertEquals("job:x:sum", rec.getName());
      assertEquals("sum by (job) (x)", rec.getQuery(), "the canonical form, as Prometheus's rule.Query().String()");
      RuleEvaluationStatus alert = s.getRules().get(1);
      assertEquals(RuleType.alerting, alert.getType());
      assertEquals(2 * MINUTE, alert.getForMs());
      assertEquals(MINUTE, alert.getKeepFiringForMs());
      assertEquals(Map.of("severity", "page"), alert.getLabels());
      assertEquals(Map.of("summary", "{{ $labels.instance }} is up"), alert.getAnnotations());
      for (RuleEvaluationStatus r : s.getRules()) {
        assertEquals(RuleHealth.unknown, r.getHealth());
        assertEquals("", r.getLastError());
        assertNull(r.getLastEvaluationMs());
      }
    }
  }

  @Test
  void afterEvaluationsAGoodRuleIsOkAndOneOverTheLimitIsErrWithPrometheusError() throws Exception {
    GroupSpec spec = Groups.pushed("t1", "team.yml", 3, RULES);
    try (GroupHarness g = new GroupHarness(List.of(), GroupHarness.options(MINUTE), hook, null)) {
      g.define(spec);
      g.watermark(T0 - MINUTE);
      g.statuses();
      // one job (the recording rule writes one series: within the limit), two instances (two alerts: over it)
      g.samples(KEY, series("x", "job", "a", "instance", "i1").at(T0 - 10 * SECOND, 1),
          series("x", "job", "a", "instance", "i2").at(T0 - 10 * SECOND, 1));
      long before = System.currentTimeMillis();
      g.watermark(T0);
      var statuses = g.statuses();
      assertEquals(1, statuses.size(), "one status after the evaluation at T0");
      RuleGroupStatus s = statuses.get(0).getValue();
      assertEquals(T0, s.getEvaluatedAtMs());
      assertTrue(s.getLastEvaluationMs() >= before && s.getLastEvaluationMs() <= System.currentTimeMillis(),
          "lastEvaluation is the wall clock at the evaluation's start, as in Prometheus");
      assertTrue(s.getEvaluationTimeSeconds() > 0);
      RuleEvaluationStatus rec = s.getRules().get(0);
      assertEquals(RuleHealth.ok, rec.getHealth());
      assertEquals("", rec.getLastError());
      assertTrue(rec.getEvaluationTimeSeconds() > 0);
      assertTrue(rec.getLastEvaluationMs() >= s.getLastEvaluationMs());
      RuleEvaluationStatus alert = s.getRules().get(1);
      assertEquals(RuleHealth.err, alert.getHealth());
      assertEquals("exceeded limit of 1 with 2 alerts", alert.getLastError());

      // six grid times passed at once: all evaluated, one status (of the last, when i2's sample is older than
      // the lookback delta and i1 alone is within the limit)
      g.samples(KEY, series("x", "job", "a", "instance", "i1").at(T0 + 350 * SECOND, 1));
      g.watermark(T0 + 6 * MINUTE);
      statuses = g.statuses();
      assertEquals(1, statuses.size());
      assertEquals(T0 + 6 * MINUTE, statuses.get(0).getValue().getEvaluatedAtMs());
      assertEquals(RuleHealth.ok, statuses.get(0).getValue().getRules().get(1).getHealth(), "one instance left: within the limit");
      assertEquals("", statuses.get(0).getValue().getRules().get(1).getLastError());

      g.watermark(T0 + 6 * MINUTE + 59 * SECOND);
      assertEquals(List.of(), g.statuses(), "no evaluation, no status");
    }
  }

  @Test
  void aDeletedGroupAndADeleteOfAnUnknownGroupRemoveTheirStatus() throws Exception {
    GroupSpec v1 = Groups.pushed("t1", "team.yml", 3, RULES);
    try (GroupHarness g = new GroupHarness(List.of(), GroupHarness.options(MINUTE), hook, null)) {
      g.define(v1);
      g.watermark(T0);
      g.statuses();
      g.h.processElement(Routed.group(Groups.deleted(KEY, "t1", 4)), T0);
      var statuses = g.statuses();
      assertEquals(1, statuses.size());
      assertEquals(KEY, statuses.get(0).getKey());
      assertNull(statuses.get(0).getValue(), "a tombstone");

      g.h.processElement(Routed.group(Groups.deleted("t1/old.yml/gone", "t1", 9)), T0);
      statuses = g.statuses();
      assertEquals(1, statuses.size(), "a group deleted while the job kept no state of it");
      assertEquals("t1/old.yml/gone", statuses.get(0).getKey());
      assertNull(statuses.get(0).getValue());
    }
  }

  @Test
  void aChangedDefinitionIsPublishedAtOnceWithItsRulesUnknownAndTheGroupsTimesKept() throws Exception {
    GroupSpec v1 = Groups.pushed("t1", "team.yml", 3, RULES);
    GroupSpec v2 = Groups.pushed("t1", "team.yml", 4, RULES.replace("x > 0", "x > 1"));
    try (GroupHarness g = new GroupHarness(List.of(), GroupHarness.options(MINUTE), hook, null)) {
      g.define(v1);
      g.samples(KEY, series("x", "job", "a", "instance", "i1").at(T0 - 10 * SECOND, 1));
      g.watermark(T0 - MINUTE);
      g.watermark(T0);
      var before = g.statuses();
      RuleGroupStatus evaluated = before.get(before.size() - 1).getValue();
      assertEquals(RuleHealth.ok, evaluated.getRules().get(1).getHealth());
      g.define(v2);
      var statuses = g.statuses();
      assertEquals(1, statuses.size());
      RuleGroupStatus s = statuses.get(0).getValue();
      assertEquals("x > 1", s.getRules().get(1).getQuery());
      assertEquals(RuleHealth.unknown, s.getRules().get(1).getHealth());
      assertEquals(evaluated.getLastEvaluationMs(), s.getLastEvaluationMs(), "the group keeps its last evaluation (CopyState)");
      assertEquals(T0, s.getEvaluatedAtMs());
    }
  }
}
