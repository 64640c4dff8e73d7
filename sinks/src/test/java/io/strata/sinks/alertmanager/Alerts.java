package io.strata.sinks.alertmanager;

import io.strata.avro.AlertEvent;
import io.strata.avro.AlertState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

/** Intent-named builders of alert events and a clock tests move by hand. */
final class Alerts {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private Alerts() {}

  static Builder alert(String name) {
    return new Builder(name);
  }

  static final class Builder {
    private final String name;
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final Map<String, String> annotations = new LinkedHashMap<>();
    private String tenant = "default";
    private Instant activeAt = T0;

    Builder(String name) {
      this.name = name;
      labels.put("alertname", name);
    }

    Builder label(String k, String v) {
      labels.put(k, v);
      return this;
    }

    Builder annotation(String k, String v) {
      annotations.put(k, v);
      return this;
    }

    Builder tenant(String t) {
      tenant = t;
      return this;
    }

    Builder activeAt(Instant t) {
      activeAt = t;
      return this;
    }

    /** Fingerprint stand-in: unique per label set (the real one is the rule job's). */
    String fingerprint() {
      return Integer.toHexString(new java.util.TreeMap<>(labels).hashCode());
    }

    AlertEvent pending() {
      return event(AlertState.pending, null, null);
    }

    AlertEvent firing(Instant firedAt) {
      return event(AlertState.firing, firedAt, null);
    }

    AlertEvent resolved(Instant firedAt, Instant resolvedAt) {
      return event(AlertState.resolved, firedAt, resolvedAt);
    }

    private AlertEvent event(AlertState state, Instant firedAt, Instant resolvedAt) {
      Instant eval = resolvedAt != null ? resolvedAt : firedAt != null ? firedAt : activeAt;
      return AlertEvent.newBuilder().setFingerprint(fingerprint()).setTenant(tenant).setRuleGroup("g").setAlertName(name)
          .setState(state).setLabels(new LinkedHashMap<>(labels)).setAnnotations(new LinkedHashMap<>(annotations)).setValue(1)
          .setActiveAtMs(activeAt.toEpochMilli()).setFiredAtMs(firedAt == null ? null : firedAt.toEpochMilli())
          .setResolvedAtMs(resolvedAt == null ? null : resolvedAt.toEpochMilli()).setEvaluatedAtMs(eval.toEpochMilli())
          .setGeneratorUrl("http://strata:9090/graph?g0.expr=up+%3D%3D+0&g0.tab=1").build();
    }
  }

  /** A clock that only moves when told. */
  static final class FakeClock extends Clock {
    private Instant now;

    FakeClock(Instant start) {
      now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
