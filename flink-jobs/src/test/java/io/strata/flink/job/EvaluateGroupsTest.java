package io.strata.flink.job;

import static io.strata.flink.TestSeries.MINUTE;
import static io.strata.flink.TestSeries.SECOND;
import static io.strata.flink.TestSeries.T0;
import static io.strata.flink.TestSeries.series;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.flink.CountingMetrics;
import io.strata.flink.TestSeries;
import io.strata.flink.metrics.MetricsHooks;
import io.strata.flink.model.AlertTransition;
import io.strata.flink.model.GroupSpec;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EvaluateGroupsTest {
  static final String ALERT_FOR = """
      groups:
        - name: g
          interval: 1m
          rules:
            - alert: High
              expr: x > 5
              for: 2m
              labels: {severity: page}
              annotations: {summary: "x is {{ $value }}"}
      """;
  static final String KEY = "default/rules.yml/g";

  private final CountingMetrics metrics = new CountingMetrics();
  private String hook;

  @BeforeEach
  void hook() {
    hook = "eval-" + UUID.randomUUID();
    MetricsHooks.register(hook, metrics);
  }

  @AfterEach
  void unhook() {
    MetricsHooks.unregister(hook);
  }

  private GroupHarness harness(List<GroupSpec> files, OperatorSubtaskState restore) throws Exception {
    return new GroupHarness(files, GroupHarness.options(MINUTE), hook, restore);
  }

  private static TestSeries x(long t, double v) {
    return series("x", "job", "api").at(t, v);
  }

  @Test
  void aGroupIsEvaluatedOnItsGridOnceTheWatermarkHasPassedEachTime() throws Exception {
    List<GroupSpec> files = Groups.file("default", "rules.yml", """
        groups:
          - name: g
            rules:
              - record: job:up:sum
                expr: sum(up)
        """);
    try (GroupHarness g = harness(files, null)) {
      g.define(files.get(0));
      g.watermark(T0 - MINUTE); // first watermark: first evaluation, at T0 - 1m; no data yet
      assertEquals(List.of(), g.written());
      g.samples(KEY, series("up", "job", "a").at(T0 - 30 * SECOND, 1).at(T0, 1), series("up", "job", "b").at(T0, 1));
      g.watermark(T0 - 1);
      assertEquals(List.of(), g.written(), "T0 is not evaluated before the watermark reaches it");
      g.watermark(T0);
      assertEquals(List.of("job:up:sum{}@" + T0 + "=2.0"), g.written());
      g.watermark(T0 + 59 * SECOND);
      assertEquals(List.of(), g.written());
      g.watermark(T0 + MINUTE);
      assertEquals(List.of("job:up:sum{}@" + (T0 + MINUTE) + "=2.0"), g.written());
      assertEquals(3, metrics.evaluations.get());
      assertEquals(1, g.h.numEventTimeTimers(), "one timer per group: its next evaluation");
    }
  }

  @Test
  void anAlertGoesPendingFiringResolvedAndIsRetiredAfterFifteenMinutes() throws Exception {
    List<GroupSpec> files = Groups.file("default", "rules.yml", ALERT_FOR);
    try (GroupHarness g = harness(files, null)) {
      g.define(files.get(0));
      g.watermark(T0 - MINUTE);
      g.samples(KEY, x(T0, 10));
      g.watermark(T0);
      List<AlertTransition> a = g.alerts();
      assertEquals(1, a.size());
      assertEquals(AlertTransition.PENDING, a.get(0).state);
      assertEquals(T0, a.get(0).activeAtMs);
      assertEquals("default", a.get(0).tenant);
      assertArrayEquals(new String[] {"alertname", "High", "job", "api", "severity", "page"}, a.get(0).labels);
      assertTrue(g.written().contains("ALERTS{alertname=\"High\", alertstate=\"pending\", job=\"api\", severity=\"page\"}@" + T0 + "=1.0"));

      g.samples(KEY, x(T0 + MINUTE, 10));
      g.watermark(T0 + MINUTE);
      assertEquals(List.of(), g.alerts(), "still pending: nothing to send");
      g.samples(KEY, x(T0 + 2 * MINUTE, 10));
      g.watermark(T0 + 2 * MINUTE);
      a = g.alerts();
      assertEquals(1, a.size());
      assertEquals(AlertTransition.FIRING, a.get(0).state);
      assertEquals(T0 + 2 * MINUTE, a.get(0).startsAtMs);
      assertEquals(T0 + 2 * MINUTE + 4 * MINUTE, a.get(0).endsAtMs, "endsAt = evaluation + 4 x max(interval, resend delay)");
      assertArrayEquals(new String[] {"summary", "x is 10"}, a.get(0).annotations);

      g.samples(KEY, x(T0 + 3 * MINUTE, 1));
      g.watermark(T0 + 3 * MINUTE);
      a = g.alerts();
      assertEquals(1, a.size());
      assertEquals(AlertTransition.RESOLVED, a.get(0).state);
      assertEquals(T0 + 2 * MINUTE, a.get(0).startsAtMs);
      assertEquals(T0 + 3 * MINUTE, a.get(0).endsAtMs);

      AlertTransition tombstone = null;
      for (long t = T0 + 4 * MINUTE; t <= T0 + 20 * MINUTE; t += MINUTE) {
        g.samples(KEY, x(t, 1));
        g.watermark(t);
        for (AlertTransition e : g.alerts()) {
          if (e.isTombstone()) {
            assertNull(tombstone, "one tombstone");
            tombstone = e;
          }
        }
      }
      assertTrue(tombstone != null && tombstone.evaluatedAtMs >= T0 + 18 * MINUTE, "retired after the 15 m resolved retention: " + tombstone);
      assertEquals("default/" + tombstone.fingerprint, tombstone.key());
    }
  }

  @Test
  void aGroupKeepsOnlyTheSamplesItsNextEvaluationCanRead() throws Exception {
    List<GroupSpec> files = Groups.file("default", "rules.yml", """
        groups:
          - name: g
            rules:
              - record: x:rate5m
                expr: rate(x[5m])
        """);
    try (GroupHarness g = harness(files, null)) {
      g.define(files.get(0));
      g.watermark(T0 - 11 * MINUTE);
      for (long t = T0 - 10 * MINUTE; t <= T0 + 5 * MINUTE; t += MINUTE) {
        TestSeries s = series("x", "job", "api");
        for (long u = t - 45 * SECOND; u <= t; u += 15 * SECOND) {
          s.at(u, u / 1000.0);
        }
        g.samples(KEY, s);
        g.watermark(t);
      }
      long[] kept = g.kept(KEY, series("x", "job", "api"));
      // the next evaluation (T0 + 6m) reads (T0 + 1m, T0 + 6m]: older samples are gone
      assertEquals(T0 + MINUTE, kept[0]);
      assertEquals(T0 + 5 * MINUTE, kept[kept.length - 1]);
      assertEquals(17, kept.length);
      assertTrue(g.written().contains("x:rate5m{job=\"api\"}@" + (T0 + 5 * MINUTE) + "=1.0"));
    }
  }

  @Test
  void aLateSampleIsCountedAndStillReadByLaterEvaluations() throws Exception {
    List<GroupSpec> files = Groups.file("default", "rules.yml", """
        groups:
          - name: g
            rules:
              - record: x:count10m
                expr: count_over_time(x[10m])
        """);
    try (GroupHarness g = harness(files, null)) {
      g.define(files.get(0));
      g.watermark(T0 - MINUTE);
      g.samples(KEY, x(T0, 1), x(T0 + MINUTE, 1), x(T0 + 2 * MINUTE, 1));
      g.watermark(T0 + 2 * MINUTE);
      g.written();
      g.samples(KEY, x(T0 + 90 * SECOND, 1)); // behind the watermark
      assertEquals(1, metrics.late.get());
      g.watermark(T0 + 3 * MINUTE);
      assertEquals(List.of("x:count10m{job=\"api\"}@" + (T0 + 3 * MINUTE) + "=4.0"), g.written());
    }
  }

  @Test
  void whenTheWatermarkJumpsEveryGridTimeInBetweenIsEvaluatedInOrder() throws Exception {
    List<GroupSpec> files = Groups.file("default", "rules.yml", ALERT_FOR);
    try (GroupHarness g = harness(files, null)) {
      g.define(files.get(0));
      g.watermark(T0 - MINUTE);
      // a backlog: the samples of five minutes arrive before the watermark moves
      g.samples(KEY, x(T0, 10), x(T0 + MINUTE, 10), x(T0 + 2 * MINUTE, 10), x(T0 + 3 * MINUTE, 10), x(T0 + 4 * MINUTE, 10));
      long before = metrics.evaluations.get();
      g.watermark(T0 + 4 * MINUTE);
      assertEquals(before + 5, metrics.evaluations.get(), "T0 .. T0 + 4m");
      List<AlertTransition> a = g.alerts();
      assertEquals(List.of(AlertTransition.PENDING, AlertTransition.FIRING, AlertTransition.FIRING),
          a.stream().map(e -> e.state).toList());
      assertEquals(List.of(T0, T0 + 2 * MINUTE, T0 + 4 * MINUTE), a.stream().map(e -> e.evaluatedAtMs).toList(),
          "firing re-sent once the resend delay has passed (after T0 + 3m)");
      assertEquals(T0, a.get(1).activeAtMs);
      assertEquals(T0 + 2 * MINUTE, a.get(1).firedAtMs, "fired at the evaluation the data says, not when the backlog was read");
      assertEquals(0, metrics.missed.get());
    }
  }

  @Test
  void evaluationTimesOlderThanTheMaximumAgeAreSkippedAndCounted() throws Exception {
    List<GroupSpec> files = Groups.file("default", "rules.yml", ALERT_FOR);
    EvaluateGroups.Options o = GroupHarness.options(MINUTE);
    o = new EvaluateGroups.Options(o.lookbackDeltaMs(), o.defaultIntervalMs(), o.resendDelayMs(), o.externalUrl(),
        o.externalLabels(), false, 4, 10 * MINUTE, () -> T0 + 60 * MINUTE);
    try (GroupHarness g = new GroupHarness(files, o, hook, null)) {
      g.define(files.get(0));
      g.watermark(T0);
      for (long t = T0 + MINUTE; t <= T0 + 60 * MINUTE; t += MINUTE) {
        g.samples(KEY, x(t, 1)); // a backlog, read before the watermark moves
      }
      long before = metrics.evaluations.get();
      g.watermark(T0 + 60 * MINUTE);
      assertEquals(before + 11, metrics.evaluations.get(), "T0 + 50m .. T0 + 60m: within 10 minutes of the wall clock");
      assertEquals(1 + 49, metrics.missed.get(), "T0 at the first watermark, then T0 + 1m .. T0 + 49m");
      assertEquals(T0 + 56 * MINUTE, g.kept(KEY, series("x", "job", "api"))[0], "only what the next evaluation reads is kept");
    }
  }

  @Test
  void absentFiresWithNoSampleAtAllAsTheWatermarkMoves() throws Exception {
    List<GroupSpec> files = Groups.file("default", "rules.yml", """
        groups:
          - name: g
            rules:
              - alert: NoHeartbeat
                expr: absent(heartbeat)
        """);
    try (GroupHarness g = harness(files, null)) {
      g.define(files.get(0));
      g.watermark(T0);
      List<AlertTransition> a = g.alerts();
      assertEquals(1, a.size());
      assertEquals(AlertTransition.FIRING, a.get(0).state);
      assertEquals("NoHeartbeat", a.get(0).alertName);
    }
  }

  @Test
  void aDeletedGroupMarksItsSeriesStaleRetiresItsAlertsAndLeavesNoStateOrTimers() throws Exception {
    GroupSpec v1 = Groups.pushed("t1", "ns", 5, """
        groups:
          - name: g
            rules:
              - record: job:x:sum
                expr: sum by (job) (x)
              - alert: Any
                expr: x > 0
        """);
    try (GroupHarness g = harness(List.of(), null)) {
      g.define(v1);
      g.watermark(T0 - MINUTE);
      g.samples(v1.key, x(T0, 3));
      g.watermark(T0);
      assertEquals(AlertTransition.FIRING, g.alerts().get(0).state);
      g.written();
      g.h.processElement(io.strata.flink.model.Routed.group(Groups.deleted(v1.key, "t1", 4)), T0);
      assertTrue(g.h.numKeyedStateEntries() > 0, "a tombstone older than the definition is ignored");
      g.h.processElement(io.strata.flink.model.Routed.group(Groups.deleted(v1.key, "t1", 6)), T0);
      List<String> stale = g.written();
      assertTrue(stale.contains("job:x:sum{job=\"api\"}@" + (T0 + 1) + "=stale"), stale.toString());
      assertTrue(stale.contains("ALERTS{alertname=\"Any\", alertstate=\"firing\", job=\"api\"}@" + (T0 + 1) + "=stale"), stale.toString());
      List<AlertTransition> a = g.alerts();
      assertEquals(1, a.size());
      assertTrue(a.get(0).isTombstone());
      assertEquals(0, g.h.numKeyedStateEntries());
      assertEquals(0, g.h.numEventTimeTimers());
      g.watermark(T0 + 10 * MINUTE);
      assertEquals(List.of(), g.written());
      assertEquals(0, g.h.numKeyedStateEntries());
    }
  }

  @Test
  void aRuleFileGroupGoneAfterARestartIsDeletedAtItsNextEvaluationTime() throws Exception {
    List<GroupSpec> files = Groups.file("default", "rules.yml", ALERT_FOR);
    OperatorSubtaskState snap;
    try (GroupHarness g = harness(files, null)) {
      g.define(files.get(0));
      g.watermark(T0 - MINUTE);
      g.samples(KEY, x(T0, 10));
      g.watermark(T0);
      snap = g.snapshot();
    }
    try (GroupHarness g = harness(List.of(), snap)) {
      assertTrue(g.h.numKeyedStateEntries() > 0);
      g.watermark(T0 + MINUTE);
      assertEquals(0, g.h.numKeyedStateEntries());
      assertEquals(0, g.h.numEventTimeTimers());
      assertTrue(g.alerts().get(0).isTombstone(), "its pending alert is retired");
    }
  }

  @Test
  void forKeepsCountingAcrossARestoreFromASnapshot() throws Exception {
    List<GroupSpec> files = Groups.file("default", "rules.yml", ALERT_FOR);
    OperatorSubtaskState snap;
    try (GroupHarness g = harness(files, null)) {
      g.define(files.get(0));
      g.watermark(T0 - MINUTE);
      g.samples(KEY, x(T0, 10), x(T0 + MINUTE, 10));
      g.watermark(T0);
      g.watermark(T0 + MINUTE);
      assertEquals(AlertTransition.PENDING, g.alerts().get(0).state);
      snap = g.snapshot();
    }
    try (GroupHarness g = harness(files, snap)) {
      g.samples(KEY, x(T0 + 2 * MINUTE, 10));
      g.watermark(T0 + 2 * MINUTE);
      List<AlertTransition> a = g.alerts();
      assertEquals(1, a.size());
      assertEquals(AlertTransition.FIRING, a.get(0).state);
      assertEquals(T0, a.get(0).activeAtMs, "pending since T0, not since the restore");
      assertEquals(T0 + 2 * MINUTE, a.get(0).firedAtMs);
    }
  }

  @Test
  void aPushedUpdateTakesEffectAtTheNextEvaluationAndKeepsTheAlertsState() throws Exception {
    GroupSpec v1 = Groups.pushed("t1", "ns", 1, ALERT_FOR);
    GroupSpec v2 = Groups.pushed("t1", "ns", 2, ALERT_FOR.replace("x > 5", "x > 4").replace("for: 2m", "for: 3m"));
    try (GroupHarness g = harness(List.of(), null)) {
      g.define(v1);
      g.watermark(T0 - MINUTE);
      g.samples(v1.key, x(T0, 10), x(T0 + MINUTE, 10), x(T0 + 2 * MINUTE, 10), x(T0 + 3 * MINUTE, 10));
      g.watermark(T0);
      assertEquals(AlertTransition.PENDING, g.alerts().get(0).state);
      g.define(v2);
      g.define(v1); // a late copy of the older version changes nothing
      g.watermark(T0 + MINUTE);
      g.watermark(T0 + 2 * MINUTE);
      assertEquals(List.of(), g.alerts(), "for is 3m now: still pending at T0 + 2m");
      g.watermark(T0 + 3 * MINUTE);
      List<AlertTransition> a = g.alerts();
      assertEquals(AlertTransition.FIRING, a.get(0).state);
      assertEquals(T0, a.get(0).activeAtMs);
      assertEquals(LongStream.of(T0 + 3 * MINUTE).boxed().toList(), List.of(a.get(0).startsAtMs));
    }
  }
  /** ALERTS_FOR_STATE as a previous run wrote it: pending since T0 - 20m, last written at T0 - 10m. */
  static final class PreviousRun implements ForStateSource {
    private static final long serialVersionUID = 1L;
    static final List<String> READS = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public io.strata.promql.storage.Queryable read(String tenant, List<io.strata.schemas.model.Labels> series, long mint,
        long maxt) {
      READS.add(tenant + " " + series + " [" + (mint - T0) / MINUTE + "m, " + (maxt - T0) / MINUTE + "m]");
      var store = new io.strata.promql.storage.InMemoryStorage();
      for (long t = T0 - 20 * MINUTE; t <= T0 - 10 * MINUTE; t += MINUTE) {
        store.add(io.strata.schemas.model.Labels.of("__name__", "ALERTS_FOR_STATE", "alertname", "Slow", "job", "api",
            "severity", "page"), t, (T0 - 20 * MINUTE) / 1000);
      }
      return store;
    }
  }

  @Test
  void aGroupStartingWithoutStateRestoresForFromAlertsForStateAfterTwoEvaluations() throws Exception {
    List<GroupSpec> files = Groups.file("default", "rules.yml", ALERT_FOR.replace("High", "Slow").replace("for: 2m", "for: 30m"));
    EvaluateGroups.Options o = GroupHarness.options(MINUTE);
    o = new EvaluateGroups.Options(o.lookbackDeltaMs(), o.defaultIntervalMs(), o.resendDelayMs(), o.externalUrl(),
        o.externalLabels(), false, 4, 0, o.clock(), new ForStateSource.Restore(new PreviousRun(), 60 * MINUTE, 10 * MINUTE));
    PreviousRun.READS.clear();
    try (GroupHarness g = new GroupHarness(files, o, hook, null)) {
      g.define(files.get(0));
      g.samples(KEY, x(T0, 10), x(T0 + MINUTE, 10), x(T0 + 2 * MINUTE, 10)); // a backlog: first evaluated at T0
      g.watermark(T0);
      g.watermark(T0 + MINUTE);
      assertEquals(List.of(), g.written(), "no ALERTS / ALERTS_FOR_STATE before the restore");
      assertEquals(List.of("default [ALERTS_FOR_STATE{alertname=\"Slow\", job=\"api\", severity=\"page\"}] [-59m, 1m]"),
          PreviousRun.READS, "read once, at the second evaluation, over the outage tolerance");
      g.watermark(T0 + 2 * MINUTE);
      // 10m pending before the outage (T0-20m..T0-10m), down 11m until the restore at T0+1m: activeAt T0-9m
      long activeAt = T0 - 9 * MINUTE;
      List<String> written = g.written();
      assertTrue(written.contains("ALERTS_FOR_STATE{alertname=\"Slow\", job=\"api\", severity=\"page\"}@"
          + (T0 + 2 * MINUTE) + "=" + (double) (activeAt / 1000)), written.toString());
      List<AlertTransition> a = g.alerts();
      assertEquals(activeAt, a.get(a.size() - 1).activeAtMs);
    }
  }
}
