package io.strata.flink.eval;

import static io.strata.flink.TestSeries.MINUTE;
import static io.strata.flink.TestSeries.SECOND;
import static io.strata.flink.TestSeries.T0;
import static io.strata.flink.TestSeries.series;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.flink.CountingMetrics;
import io.strata.flink.job.AlertRuleJob;
import io.strata.flink.metrics.MetricsHooks;
import io.strata.flink.model.AlertTransition;
import io.strata.flink.model.SeriesSamples;
import io.strata.flink.rules.Fingerprint;
import io.strata.flink.rules.RuleFileLoader;
import io.strata.flink.rules.RuleSet;
import io.strata.schemas.model.StaleMarker;
import java.util.List;
import java.util.UUID;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AlertEvaluatorTest {
  static final String RULES = """
      groups:
        - name: latency
          rules:
            - alert: HighLatency
              expr: latency_seconds{job="api"} > 0.5
              for: 1m
              labels:
                severity: page
              annotations:
                summary: "{{ $labels.job }} latency is {{ $value }}s"
            - alert: InstanceDown
              expr: up == 0
      """;
  static final long LOOKBACK = 5 * MINUTE;

  final CountingMetrics metrics = new CountingMetrics();
  final String hook = "test-" + UUID.randomUUID();
  KeyedOneInputStreamOperatorTestHarness<String, SeriesSamples, AlertTransition> h;

  @BeforeEach
  void open() throws Exception {
    MetricsHooks.register(hook, metrics);
    h = harness(RuleFileLoader.load(RULES, "test.yml"));
    h.open();
  }

  /** A harness that is not opened yet, so a test can restore state into it first. */
  KeyedOneInputStreamOperatorTestHarness<String, SeriesSamples, AlertTransition> harness(RuleSet rules) throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new AlertEvaluator(rules, LOOKBACK, "http://prom.example:9090", hook)),
        new AlertRuleJob.BySeries(), Types.STRING);
  }

  @AfterEach
  void close() throws Exception {
    h.close();
    MetricsHooks.unregister(hook);
  }

  void send(SeriesSamples s) throws Exception {
    h.processElement(s, s.eventTime);
  }

  List<AlertTransition> advanceTo(long watermark) throws Exception {
    int before = h.extractOutputValues().size();
    h.processWatermark(watermark);
    List<AlertTransition> all = h.extractOutputValues();
    return all.subList(before, all.size());
  }

  static SeriesSamples latency(long ts, double v) {
    return series("latency_seconds", "job", "api", "instance", "a:9100").at(ts, v).build();
  }

  @Test
  void pendingUntilForHasPassedThenFiring() throws Exception {
    send(latency(T0, 0.7));
    List<AlertTransition> out = advanceTo(T0);
    assertEquals(1, out.size());
    assertEquals(AlertTransition.PENDING, out.get(0).state);
    assertEquals(T0, out.get(0).activeAtMs);
    assertEquals(AlertTransition.NONE, out.get(0).firedAtMs);

    send(latency(T0 + 30 * SECOND, 0.8));
    assertEquals(List.of(), advanceTo(T0 + 30 * SECOND), "still pending: only 30s of the 1m for");

    send(latency(T0 + 60 * SECOND, 0.9));
    out = advanceTo(T0 + 60 * SECOND);
    assertEquals(1, out.size());
    AlertTransition firing = out.get(0);
    assertEquals(AlertTransition.FIRING, firing.state);
    assertEquals(T0, firing.activeAtMs);
    assertEquals(T0 + 60 * SECOND, firing.firedAtMs);
    assertEquals(0.9, firing.value);
    assertEquals(T0 + 60 * SECOND, firing.evaluatedAtMs);
  }

  @Test
  void ruleWithoutForFiresOnTheFirstActiveSample() throws Exception {
    send(series("up", "job", "node").at(T0, 0).build());
    List<AlertTransition> out = advanceTo(T0);
    assertEquals(1, out.size());
    assertEquals(AlertTransition.FIRING, out.get(0).state);
    assertEquals(T0, out.get(0).firedAtMs);
    assertEquals("InstanceDown", out.get(0).alertName);
  }

  @Test
  void firingAlertResolvesWhenTheConditionStopsAndItsStateIsCleared() throws Exception {
    send(latency(T0, 0.7));
    send(latency(T0 + MINUTE, 0.7));
    advanceTo(T0 + MINUTE);
    assertTrue(h.numKeyedStateEntries() > 0);

    send(latency(T0 + 2 * MINUTE, 0.1));
    List<AlertTransition> out = advanceTo(T0 + 2 * MINUTE);
    assertEquals(1, out.size());
    AlertTransition resolved = out.get(0);
    assertEquals(AlertTransition.RESOLVED, resolved.state);
    assertEquals(T0 + 2 * MINUTE, resolved.resolvedAtMs);
    assertEquals(T0 + MINUTE, resolved.firedAtMs);
    assertEquals(T0, resolved.activeAtMs);
    assertEquals(0.7, resolved.value, "a resolved alert keeps the last value it fired with, as Prometheus does");

    assertEquals(0, h.numKeyedStateEntries(), "no keyed state left for a series without active alerts");
    assertEquals(0, h.numEventTimeTimers(), "no timers left");
  }

  @Test
  void pendingAlertThatStopsBeforeForResolvesWithoutFiring() throws Exception {
    send(latency(T0, 0.7));
    send(latency(T0 + 30 * SECOND, 0.2));
    List<AlertTransition> out = advanceTo(T0 + 30 * SECOND);
    assertEquals(List.of(AlertTransition.PENDING, AlertTransition.RESOLVED), out.stream().map(t -> t.state).toList());
    assertEquals(AlertTransition.NONE, out.get(1).firedAtMs);
    assertEquals(0, h.numKeyedStateEntries());
  }

  @Test
  void staleMarkerResolvesTheAlertAndClearsState() throws Exception {
    send(latency(T0, 0.7));
    send(latency(T0 + MINUTE, 0.7));
    advanceTo(T0 + MINUTE);
    send(latency(T0 + MINUTE + 15 * SECOND, StaleMarker.VALUE));
    List<AlertTransition> out = advanceTo(T0 + 2 * MINUTE);
    assertEquals(1, out.size());
    assertEquals(AlertTransition.RESOLVED, out.get(0).state);
    assertEquals(T0 + MINUTE + 15 * SECOND, out.get(0).resolvedAtMs);
    assertEquals(0, h.numKeyedStateEntries());
    assertEquals(0, h.numEventTimeTimers());
  }

  @Test
  void seriesSilentForTheLookbackDeltaResolves() throws Exception {
    send(latency(T0, 0.7));
    send(latency(T0 + MINUTE, 0.7));
    advanceTo(T0 + MINUTE);
    assertEquals(1, h.numEventTimeTimers(), "one lookback timer while the alert is active");
    assertEquals(List.of(), advanceTo(T0 + MINUTE + LOOKBACK - 1));
    List<AlertTransition> out = advanceTo(T0 + MINUTE + LOOKBACK);
    assertEquals(1, out.size());
    assertEquals(AlertTransition.RESOLVED, out.get(0).state);
    assertEquals(T0 + MINUTE + LOOKBACK, out.get(0).resolvedAtMs);
    assertEquals(0, h.numKeyedStateEntries());
    assertEquals(0, h.numEventTimeTimers());
  }

  @Test
  void samplesArrivingOutOfOrderWithinTheWatermarkAreEvaluatedInTimestampOrder() throws Exception {
    send(latency(T0 + MINUTE, 0.9));
    send(series("latency_seconds", "job", "api", "instance", "a:9100").at(T0 + 30 * SECOND, 0.8).at(T0, 0.7).build());
    List<AlertTransition> out = advanceTo(T0 + MINUTE);
    assertEquals(List.of(AlertTransition.PENDING, AlertTransition.FIRING), out.stream().map(t -> t.state).toList());
    assertEquals(T0, out.get(1).activeAtMs);
  }

  @Test
  void sampleNotAfterTheWatermarkIsDroppedAsLateAndCounted() throws Exception {
    advanceTo(T0 + 10 * MINUTE);
    send(latency(T0, 0.9));
    assertEquals(List.of(), advanceTo(T0 + 11 * MINUTE));
    assertEquals(1, metrics.late.get());
    assertEquals(0, h.numKeyedStateEntries());
  }

  @Test
  void alertCarriesSeriesLabelsWithoutNameRuleLabelsAlertnameAndTemplatedAnnotations() throws Exception {
    send(latency(T0, 0.75));
    AlertTransition t = advanceTo(T0).get(0);
    assertArrayEquals(new String[] {"alertname", "HighLatency", "instance", "a:9100", "job", "api", "severity", "page"}, t.labels);
    assertArrayEquals(new String[] {"summary", "api latency is 0.75s"}, t.annotations);
    assertEquals(Fingerprint.of(t.labels), t.fingerprint);
    assertEquals("latency", t.ruleGroup);
    assertEquals("default", t.tenant);
    assertEquals("http://prom.example:9090/graph?g0.expr=latency_seconds%7Bjob%3D%22api%22%7D+%3E+0.5&g0.tab=1", t.generatorUrl);
  }

  @Test
  void seriesNotSelectedByTheLabelMatchersLeavesNoTrace() throws Exception {
    send(series("latency_seconds", "job", "batch").at(T0, 9).build());
    assertEquals(List.of(), advanceTo(T0));
    assertEquals(0, h.numKeyedStateEntries());
    assertEquals(0, h.numEventTimeTimers());
  }

  @Test
  void progressElementsOnlyMoveEventTime() throws Exception {
    send(SeriesSamples.progress(T0));
    assertEquals(0, h.numKeyedStateEntries());
    assertEquals(0, h.numEventTimeTimers());
  }

  @Test
  void eachSeriesHasItsOwnAlert() throws Exception {
    send(series("up", "job", "node", "instance", "a").at(T0, 0).build());
    send(series("up", "job", "node", "instance", "b").at(T0, 0).build());
    send(series("up", "job", "node", "instance", "c").at(T0, 1).build());
    List<AlertTransition> out = advanceTo(T0);
    assertEquals(2, out.size());
    assertTrue(!out.get(0).fingerprint.equals(out.get(1).fingerprint));
    assertEquals(2, metrics.alerts.get(AlertTransition.FIRING).get());
  }

  @Test
  void pendingStateSurvivesACheckpointAndFiresAfterRestore() throws Exception {
    send(latency(T0, 0.7));
    advanceTo(T0);
    send(latency(T0 + MINUTE, 0.8)); // buffered, not yet evaluated
    OperatorSubtaskState snapshot = h.snapshot(1, T0 + MINUTE);
    h.close();

    h = harness(RuleFileLoader.load(RULES, "test.yml"));
    h.initializeState(snapshot);
    h.open();
    List<AlertTransition> out = advanceTo(T0 + MINUTE);
    assertEquals(1, out.size());
    assertEquals(AlertTransition.FIRING, out.get(0).state);
    assertEquals(T0, out.get(0).activeAtMs, "activeAt restored from the checkpoint");
  }
}
