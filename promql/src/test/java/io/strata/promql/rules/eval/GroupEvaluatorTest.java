package io.strata.promql.rules.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.promql.engine.Engine;
import io.strata.promql.rules.RuleFiles;
import io.strata.promql.rules.RuleGroup;
import io.strata.promql.storage.InMemoryStorage;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.StaleMarker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What promtool's unit tests cannot see: notifier alerts, state export/import, stale markers, health. */
class GroupEvaluatorTest {
  private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  private static final long MIN = 60_000;

  private static RuleGroup group(String yaml) {
    return RuleFiles.parse(yaml, "r.yml").groups().get(0);
  }

  private static final String RULES = """
      groups:
        - name: g
          rules:
            - record: copy
              expr: up
            - alert: Down
              expr: up == 0
              for: 2m
      """;

  /** Writes to the store the evaluator reads, as the Flink job's state does, and remembers what was written. */
  private static final class Store {
    final InMemoryStorage data = new InMemoryStorage();
    final List<String> written = new ArrayList<>();

    GroupEvaluation eval(GroupEvaluator ev, long t) {
      return ev.evaluate(data, (l, ts, v) -> {
        data.add(l, ts, v);
        written.add(l + "@" + (ts - T0) / 1000 + "=" + (StaleMarker.isStale(v) ? "stale" : v));
      }, t);
    }
  }

  @Test
  void firingAlertsAreSentWithEndsAtFourIntervalsAheadThenResolved() {
    GroupEvaluator ev = new GroupEvaluator(group(RULES), new Engine(), EvaluatorSettings.of(MIN));
    Store s = new Store();
    Labels up = Labels.of("__name__", "up", "job", "api");
    for (int m = 0; m <= 4; m++) {
      s.data.add(up, T0 + m * MIN, 0);
    }
    s.data.add(up, T0 + 5 * MIN, 1);
    List<List<OutgoingAlert>> sent = new ArrayList<>();
    for (int m = 0; m <= 5; m++) {
      sent.add(s.eval(ev, T0 + m * MIN).alerts());
    }
    assertEquals(List.of(), sent.get(0)); // pending is never sent
    assertEquals(List.of(), sent.get(1));
    OutgoingAlert firing = sent.get(2).get(0);
    assertEquals(Map.of("alertname", "Down", "job", "api"), firing.labels());
    assertEquals(T0 + 2 * MIN, firing.startsAtMs());
    assertEquals(T0 + 2 * MIN + 4 * MIN, firing.endsAtMs());
    assertEquals("/graph?g0.expr=up+%3D%3D+0&g0.tab=1", firing.generatorURL());
    // resend delay 1m: the next send is due only once more than a minute has passed
    assertEquals(List.of(), sent.get(3));
    assertEquals(1, sent.get(4).size());
    OutgoingAlert resolved = sent.get(5).get(0);
    assertTrue(resolved.resolved());
    assertEquals(T0 + 5 * MIN, resolved.endsAtMs());
    assertEquals(T0 + 2 * MIN, resolved.startsAtMs());
  }

  @Test
  void vanishedSeriesGetStaleMarkersAndAlertsSeriesToo() {
    GroupEvaluator ev = new GroupEvaluator(group(RULES), new Engine(), EvaluatorSettings.of(MIN));
    Store s = new Store();
    Labels up = Labels.of("__name__", "up", "job", "api");
    s.data.add(up, T0, 0);
    s.data.add(up, T0 + MIN, StaleMarker.VALUE);
    s.eval(ev, T0);
    s.written.clear();
    s.eval(ev, T0 + MIN);
    assertEquals(List.of("copy{job=\"api\"}@60=stale", "ALERTS{alertname=\"Down\", alertstate=\"pending\", job=\"api\"}@60=stale",
        "ALERTS_FOR_STATE{alertname=\"Down\", job=\"api\"}@60=stale"), s.written);
  }

  @Test
  void stateSurvivesExportAndImportThroughJavaSerialization() throws Exception {
    RuleGroup g = group(RULES);
    GroupEvaluator ev = new GroupEvaluator(g, new Engine(), EvaluatorSettings.of(MIN));
    Store s = new Store();
    Labels up = Labels.of("__name__", "up", "job", "api");
    for (int m = 0; m <= 3; m++) {
      s.data.add(up, T0 + m * MIN, 0);
    }
    s.eval(ev, T0);
    s.eval(ev, T0 + MIN);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
      o.writeObject(ev.exportState());
    }
    GroupState restored;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      restored = (GroupState) in.readObject();
    }
    GroupEvaluator again = new GroupEvaluator(g, new Engine(), EvaluatorSettings.of(MIN));
    again.importState(restored);
    s.eval(again, T0 + 2 * MIN);
    AlertSnapshot a = again.alerts(1).get(0);
    assertEquals(AlertState.FIRING, a.state()); // for: 2m counted from before the restart
    assertEquals(T0, a.activeAtMs());
    assertEquals(RuleHealth.OK, again.ruleStatus(1).health());
  }

  @Test
  void removedRulesSeriesAreMarkedStaleAfterAnUpdate() {
    GroupEvaluator ev = new GroupEvaluator(group(RULES), new Engine(), EvaluatorSettings.of(MIN));
    Store s = new Store();
    s.data.add(Labels.of("__name__", "up", "job", "api"), T0, 1);
    s.eval(ev, T0);
    GroupEvaluator updated = new GroupEvaluator(group("""
        groups:
          - name: g
            rules:
              - alert: Down
                expr: up == 0
                for: 2m
        """), new Engine(), EvaluatorSettings.of(MIN));
    updated.importState(ev.exportState());
    s.written.clear();
    s.eval(updated, T0 + MIN);
    assertEquals(List.of("copy{job=\"api\"}@60=stale"), s.written);
  }

  @Test
  void aFailingRuleReportsPrometheusErrorAndTheOthersStillRun() {
    GroupEvaluator ev = new GroupEvaluator(group("""
        groups:
          - name: g
            limit: 1
            rules:
              - record: many
                expr: m
              - record: ok
                expr: vector(1)
        """), new Engine(), EvaluatorSettings.of(MIN));
    Store s = new Store();
    s.data.add(Labels.of("__name__", "m", "i", "1"), T0, 1);
    s.data.add(Labels.of("__name__", "m", "i", "2"), T0, 1);
    GroupEvaluation r = s.eval(ev, T0);
    assertEquals(RuleHealth.ERR, ev.ruleStatus(0).health());
    assertEquals("exceeded limit of 1 with 2 series", ev.ruleStatus(0).lastError());
    assertEquals(List.of(new GroupEvaluation.RuleError(0, "many", "exceeded limit of 1 with 2 series")), r.errors());
    assertEquals(RuleHealth.OK, ev.ruleStatus(1).health());
    assertEquals(List.of("ok{}@0=1.0"), s.written);
  }
}
