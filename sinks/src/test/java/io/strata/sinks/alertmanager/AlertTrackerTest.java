package io.strata.sinks.alertmanager;

import static io.strata.sinks.alertmanager.Alerts.T0;
import static io.strata.sinks.alertmanager.Alerts.alert;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Prometheus 2.42's resend contract, on a fake clock. */
class AlertTrackerTest {
  private static final DeliveryConfig CFG = DeliveryConfig.NONE; // resend 1m, evaluation interval 1m
  private final AlertTracker tracker = new AlertTracker();

  private List<PostableAlert> dueAt(Duration sinceT0) {
    return tracker.due(T0.plus(sinceT0), CFG);
  }

  private static DeliveryConfig with(Map<String, String> external, Duration eval, Duration resend, String tenantLabel) {
    return new DeliveryConfig(List.of(), List.of(), external, eval, resend, 10_000, tenantLabel, DeliveryConfig.Backoff.DEFAULT);
  }

  @Test
  void pendingAlertIsNeverSent() {
    tracker.apply("k", alert("HighLoad").pending());
    for (int m = 0; m < 30; m++) {
      assertTrue(dueAt(Duration.ofMinutes(m)).isEmpty(), "pending alert sent at minute " + m);
    }
  }

  @Test
  void firingAlertIsSentAtOnceWithStartsAtFiredAtAndEndsAtFourResendDelaysAhead() {
    Instant firedAt = T0.minusSeconds(30);
    tracker.apply("k", alert("HighLoad").label("instance", "a").annotation("summary", "load high").activeAt(T0.minusSeconds(90)).firing(firedAt));
    List<PostableAlert> sent = dueAt(Duration.ZERO);
    assertEquals(1, sent.size());
    PostableAlert a = sent.get(0);
    assertEquals(firedAt, a.startsAt(), "Prometheus sends StartsAt = FiredAt, not ActiveAt");
    assertEquals(T0.plus(Duration.ofMinutes(4)), a.endsAt(), "endsAt = now + 4 × max(evaluation interval, resend delay)");
    assertEquals(Map.of("alertname", "HighLoad", "instance", "a"), a.labels());
    assertEquals(Map.of("summary", "load high"), a.annotations());
    assertEquals("http://strata:9090/graph?g0.expr=up+%3D%3D+0&g0.tab=1", a.generatorUrl());
  }

  @Test
  void endsAtUsesTheEvaluationIntervalWhenItIsTheLonger() {
    tracker.apply("k", alert("HighLoad").firing(T0));
    List<PostableAlert> sent = tracker.due(T0, with(Map.of(), Duration.ofMinutes(5), Duration.ofMinutes(1), ""));
    assertEquals(T0.plus(Duration.ofMinutes(20)), sent.get(0).endsAt());
  }

  @Test
  void alertStampedAheadOfTheClockStillEndsAfterItStarts() {
    // event time ahead of the wall clock (pushed data stamped in the future): Alertmanager refuses endsAt < startsAt
    Instant firedAt = T0.plus(Duration.ofMinutes(7));
    tracker.apply("k", alert("HighLoad").activeAt(firedAt).firing(firedAt));
    PostableAlert a = dueAt(Duration.ZERO).get(0);
    assertEquals(firedAt, a.startsAt());
    assertEquals(firedAt.plus(Duration.ofMinutes(4)), a.endsAt());
  }

  @Test
  void firingAlertIsResentOnlyOnceTheResendDelayHasPassed() {
    tracker.apply("k", alert("HighLoad").firing(T0));
    assertEquals(1, dueAt(Duration.ZERO).size());
    assertTrue(dueAt(Duration.ofSeconds(30)).isEmpty());
    assertTrue(dueAt(Duration.ofSeconds(60)).isEmpty(), "Prometheus resends when lastSent + delay is strictly before now");
    List<PostableAlert> again = dueAt(Duration.ofMillis(60_001));
    assertEquals(1, again.size());
    assertEquals(T0.plus(Duration.ofMillis(60_001 + 240_000)), again.get(0).endsAt(), "endsAt moves with every resend");
    assertTrue(dueAt(Duration.ofSeconds(100)).isEmpty());
    assertEquals(1, dueAt(Duration.ofSeconds(121)).size());
  }

  @Test
  void theSameFiringEventAgainKeepsTheResendSchedule() {
    tracker.apply("k", alert("HighLoad").firing(T0));
    assertEquals(1, dueAt(Duration.ZERO).size());
    tracker.apply("k", alert("HighLoad").annotation("summary", "new text").firing(T0));
    assertTrue(dueAt(Duration.ofSeconds(10)).isEmpty());
    assertEquals(Map.of("summary", "new text"), dueAt(Duration.ofSeconds(61)).get(0).annotations());
  }

  @Test
  void resolvedAlertIsSentAtOnceWithEndsAtResolvedAtThenResentForFifteenMinutes() {
    tracker.apply("k", alert("HighLoad").firing(T0));
    dueAt(Duration.ZERO);
    Instant resolvedAt = T0.plusSeconds(20);
    tracker.apply("k", alert("HighLoad").resolved(T0, resolvedAt));
    List<PostableAlert> sent = dueAt(Duration.ofSeconds(21));
    assertEquals(1, sent.size(), "a resolution is sent at once, not at the next resend");
    assertEquals(resolvedAt, sent.get(0).endsAt());
    assertEquals(T0, sent.get(0).startsAt());
    int resends = 0;
    for (int s = 22; s <= 20 + 15 * 60; s++) {
      for (PostableAlert a : dueAt(Duration.ofSeconds(s))) {
        assertEquals(resolvedAt, a.endsAt());
        resends++;
      }
    }
    assertEquals(14, resends, "re-sent every resend delay while at most 15 m old (at 82 s, 143 s, ... 875 s)");
    assertTrue(dueAt(Duration.ofSeconds(20 + 15 * 60 + 1)).isEmpty());
    assertEquals(0, tracker.size(), "forgotten after the retention");
  }

  @Test
  void oldResolvedAlertReadAtStartIsNotSentButOneWeSentFiringIs() {
    tracker.apply("old", alert("Old").resolved(T0.minus(Duration.ofHours(2)), T0.minus(Duration.ofHours(1))));
    assertTrue(dueAt(Duration.ZERO).isEmpty(), "resolved an hour ago: past Prometheus's 15 m retention");

    tracker.apply("late", alert("Late").firing(T0));
    dueAt(Duration.ZERO);
    // the resolution arrives late (event time far behind): it is still owed to Alertmanager once
    tracker.apply("late", alert("Late").resolved(T0, T0.minus(Duration.ofHours(3))));
    List<PostableAlert> sent = dueAt(Duration.ofSeconds(1));
    assertEquals(1, sent.size());
    assertEquals(T0.minus(Duration.ofHours(3)), sent.get(0).endsAt());
    assertTrue(dueAt(Duration.ofMinutes(5)).isEmpty());
  }

  @Test
  void alertResolvedWhilePendingIsNeverSent() {
    tracker.apply("k", alert("HighLoad").pending());
    tracker.apply("k", alert("HighLoad").resolved(null, T0.plusSeconds(30)));
    assertTrue(dueAt(Duration.ofSeconds(31)).isEmpty());
    assertEquals(0, tracker.size());
  }

  @Test
  void newActivationStopsTheResolvedResends() {
    tracker.apply("k", alert("HighLoad").firing(T0));
    dueAt(Duration.ZERO);
    tracker.apply("k", alert("HighLoad").resolved(T0, T0.plusSeconds(10)));
    assertEquals(1, dueAt(Duration.ofSeconds(11)).size());
    tracker.apply("k", alert("HighLoad").activeAt(T0.plusSeconds(20)).pending());
    assertTrue(dueAt(Duration.ofMinutes(5)).isEmpty(), "pending again: neither the old resolution nor the new alert is sent");
  }

  @Test
  void externalLabelsAreAddedOnlyWhereTheAlertLacksTheLabel() {
    tracker.apply("k", alert("HighLoad").label("cluster", "from-alert").firing(T0));
    List<PostableAlert> sent = tracker.due(T0, with(Map.of("cluster", "eu1", "replica", "r1"), Duration.ofMinutes(1), Duration.ofMinutes(1), ""));
    assertEquals(Map.of("alertname", "HighLoad", "cluster", "from-alert", "replica", "r1"), sent.get(0).labels());
  }

  @Test
  void tenantLabelWhenConfiguredKeepsTenantsApart() {
    tracker.apply("k1", alert("HighLoad").tenant("team-a").firing(T0));
    tracker.apply("k2", alert("HighLoad").tenant("team-b").firing(T0));
    List<PostableAlert> sent = tracker.due(T0, with(Map.of(), Duration.ofMinutes(1), Duration.ofMinutes(1), "tenant"));
    assertEquals(2, sent.size(), "same labels and fingerprint, two tenants: two alerts");
    assertEquals("team-a", sent.get(0).labels().get("tenant"));
    assertEquals("team-b", sent.get(1).labels().get("tenant"));
    AlertTracker untagged = new AlertTracker();
    untagged.apply("k1", alert("HighLoad").tenant("team-a").firing(T0));
    List<PostableAlert> plain = untagged.due(T0, CFG);
    assertEquals(Map.of("alertname", "HighLoad"), plain.get(0).labels(), "without tenant_label the alert keeps its own labels");
  }

  @Test
  void tombstoneForgetsTheAlertUnderItsKey() {
    tracker.apply("key-1", alert("HighLoad").firing(T0));
    dueAt(Duration.ZERO);
    tracker.apply("key-1", null);
    assertEquals(0, tracker.size());
    assertTrue(dueAt(Duration.ofMinutes(2)).isEmpty());
  }

  @Test
  void identityIsTheValuesTenantAndFingerprintNotTheRecordKey() {
    // the same alert under an old-style and a new-style key (the key format is changing): one alert
    tracker.apply("abc", alert("HighLoad").firing(T0));
    tracker.apply("default/abc", alert("HighLoad").firing(T0));
    assertEquals(1, tracker.size());
    assertEquals(1, dueAt(Duration.ZERO).size());
  }
}
