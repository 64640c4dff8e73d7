package io.strata.promql.rules.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.promql.engine.Engine;
import io.strata.promql.rules.RuleFiles;
import io.strata.promql.storage.InMemoryStorage;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.StaleMarker;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Prometheus 2.42's {@code RestoreForState} arithmetic: a group started without state restores each alert's
 * {@code activeAt} from {@code ALERTS_FOR_STATE} after its second evaluation, with the outage tolerance (1h)
 * and the grace period (10m).
 */
class ForStateRestoreTest {
  private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  private static final long MIN = 60_000;
  private static final long TOLERANCE = 60 * MIN;
  private static final long GRACE = 10 * MIN;
  private static final Labels UP = Labels.of("__name__", "up", "job", "api");

  private static Labels forState(String alert) {
    return Labels.of("__name__", "ALERTS_FOR_STATE", "alertname", alert, "job", "api", "severity", "page");
  }

  /** One alerting rule on {@code up == 0} with the given {@code for}, evaluated every minute. */
  private final class Restart {
    final InMemoryStorage data = new InMemoryStorage();
    final List<String> alerts = new ArrayList<>();
    final GroupEvaluator ev;
    final String name;

    Restart(String name, String forDuration) {
      this.name = name;
      ev = new GroupEvaluator(RuleFiles.parse("""
          groups:
            - name: g
              rules:
                - alert: %s
                  expr: up == 0
                  for: %s
                  labels: {severity: page}
          """.formatted(name, forDuration), "r.yml").groups().get(0), new Engine(), EvaluatorSettings.of(MIN));
      ev.awaitForStateRestore();
    }

    /** What was written before the outage: ALERTS_FOR_STATE = activeAt (seconds) at each time. */
    Restart before(long activeAt, long from, long to) {
      for (long t = from; t <= to; t += MIN) {
        data.add(forState(name), t, activeAt / 1000);
      }
      return this;
    }

    /** Evaluates at t with up == 0; restores when due, as the rule job does after the evaluation. */
    void eval(long t) {
      data.add(UP, t, 0);
      ev.evaluate(data, (l, ts, v) -> {
        data.add(l, ts, v);
        alerts.add(l.metricName() + "@" + (ts - T0) / MIN + "m=" + v);
      }, t);
      if (ev.forStateRestoreDue()) {
        ev.restoreForState(data, t, TOLERANCE, GRACE);
      }
    }

    AlertSnapshot alert() {
      return ev.alerts(0).get(0);
    }
  }

  @Test
  void anOutageWithinTheToleranceDoesNotCountAsPending() {
    // pending since T0, last written at +10m; down until +20m; evaluated at +20m, +21m, restored at +21m
    Restart r = new Restart("Slow", "30m").before(T0, T0, T0 + 10 * MIN);
    r.eval(T0 + 20 * MIN);
    assertFalse(r.ev.forStateRestoreDue());
    r.eval(T0 + 21 * MIN);
    assertEquals(List.of(), r.alerts, "no ALERTS / ALERTS_FOR_STATE before the restore");
    // 10m were spent pending: 20m remain from the restore, so activeAt moves forward by the 11m outage
    assertEquals(T0 + 11 * MIN, r.alert().activeAtMs());
    r.eval(T0 + 22 * MIN);
    assertTrue(r.alerts.contains("ALERTS_FOR_STATE@22m=" + (double) ((T0 + 11 * MIN) / 1000)), r.alerts.toString());
    r.eval(T0 + 40 * MIN);
    assertEquals(AlertState.PENDING, r.alert().state());
    r.eval(T0 + 41 * MIN);
    assertEquals(AlertState.FIRING, r.alert().state(), "30m of pending in all: 10 before the outage, 20 after");
  }

  @Test
  void lessThanTheGracePeriodLeftFiresTheGracePeriodAfterTheRestore() {
    // for 15m, pending 10m before the outage: 5m left < 10m grace
    Restart r = new Restart("Soon", "15m").before(T0, T0, T0 + 10 * MIN);
    r.eval(T0 + 20 * MIN);
    r.eval(T0 + 21 * MIN);
    assertEquals(T0 + 21 * MIN + GRACE - 15 * MIN, r.alert().activeAtMs());
    r.eval(T0 + 30 * MIN);
    assertEquals(AlertState.PENDING, r.alert().state());
    r.eval(T0 + 31 * MIN);
    assertEquals(AlertState.FIRING, r.alert().state(), "fires the grace period after the restore");
  }

  @Test
  void anAlertThatWasFiringKeepsItsActiveAtAndFiresAtTheNextEvaluation() {
    Restart r = new Restart("Fired", "10m").before(T0, T0, T0 + 12 * MIN);
    r.eval(T0 + 20 * MIN);
    r.eval(T0 + 21 * MIN);
    assertEquals(T0, r.alert().activeAtMs());
    r.eval(T0 + 22 * MIN);
    assertEquals(AlertState.FIRING, r.alert().state());
    assertEquals(T0 + 22 * MIN, r.alert().firedAtMs());
  }

  @Test
  void anOutageLongerThanTheToleranceStartsTheForAfresh() {
    // last written at +10m; restored at +71m: the window [+11m, +71m] holds nothing
    Restart r = new Restart("Slow", "30m").before(T0, T0, T0 + 10 * MIN);
    r.eval(T0 + 70 * MIN);
    r.eval(T0 + 71 * MIN);
    assertEquals(T0 + 70 * MIN, r.alert().activeAtMs(), "the activeAt of its first evaluation after the start");
    r.eval(T0 + 72 * MIN);
    assertTrue(r.alerts.contains("ALERTS_FOR_STATE@72m=" + (double) ((T0 + 70 * MIN) / 1000)), r.alerts.toString());
  }

  @Test
  void anAlertResolvedBeforeTheOutageIsNotRestored() {
    Restart r = new Restart("Slow", "30m").before(T0, T0, T0 + 10 * MIN);
    r.data.add(forState("Slow"), T0 + 11 * MIN, StaleMarker.VALUE);
    r.eval(T0 + 20 * MIN);
    r.eval(T0 + 21 * MIN);
    assertEquals(T0 + 20 * MIN, r.alert().activeAtMs());
  }

  @Test
  void aForShorterThanTheGracePeriodIsNotRestored() {
    Restart r = new Restart("Quick", "5m").before(T0, T0, T0 + 4 * MIN);
    r.eval(T0 + 6 * MIN);
    r.eval(T0 + 7 * MIN);
    assertEquals(T0 + 6 * MIN, r.alert().activeAtMs(), "waits its own 5m");
    assertEquals(List.of(), r.ev.forStateSeriesToRestore(GRACE));
  }

  @Test
  void theSeriesToRestoreAreThoseOfTheActiveAlerts() {
    Restart r = new Restart("Slow", "30m");
    r.eval(T0);
    assertEquals(List.of(forState("Slow")), r.ev.forStateSeriesToRestore(GRACE));
  }

  @Test
  void theCountdownSurvivesAnExportedState() {
    Restart r = new Restart("Slow", "30m").before(T0, T0, T0 + 10 * MIN);
    r.eval(T0 + 20 * MIN);
    GroupState mid = r.ev.exportState();
    assertEquals(2, mid.forStateRestore());
    GroupEvaluator again = new GroupEvaluator(r.ev.group(), new Engine(), EvaluatorSettings.of(MIN));
    again.importState(mid);
    assertFalse(again.forStateRestoreDue());
    r.data.add(UP, T0 + 21 * MIN, 0);
    again.evaluate(r.data, (l, ts, v) -> r.data.add(l, ts, v), T0 + 21 * MIN);
    assertTrue(again.forStateRestoreDue(), "due after the second evaluation since the start");
    assertEquals(0, new GroupEvaluator(r.ev.group(), new Engine(), EvaluatorSettings.of(MIN)).exportState().forStateRestore(),
        "an evaluator not told to wait is restored: rules test, and groups added while running");
  }
}
