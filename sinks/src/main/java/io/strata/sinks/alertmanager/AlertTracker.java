package io.strata.sinks.alertmanager;

import io.strata.avro.AlertEvent;
import io.strata.avro.AlertState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prometheus 2.42's resend contract ({@code rules/alerting.go} {@code needsSending}/{@code sendAlerts} and
 * {@code rules/manager.go} {@code SendAlerts}) over the latest {@link AlertEvent} per alert:
 * <ul>
 *   <li>pending alerts are never sent;
 *   <li>a firing alert is sent at once, then again whenever the resend delay has passed since its last send
 *       (strictly: {@code lastSent + resendDelay < now}), with {@code startsAt} = the time it fired and
 *       {@code endsAt} = {@code now + 4 × max(evaluation interval, resend delay)} ({@code now} or the event's
 *       evaluation time if that is later);
 *   <li>a resolved alert is sent at once with {@code endsAt} = the time it resolved, then re-sent at the
 *       resend delay while it is at most 15 minutes old ({@code resolvedRetention}), then forgotten. One
 *       that this process sent as firing is sent resolved at least once, however old;
 *   <li>an alert that resolved while pending (no {@code fired_at_ms}) is forgotten and never sent.
 * </ul>
 * Alerts are identified by the event's tenant and fingerprint, never by the record key; a tombstone
 * removes what the last value under its key described. Not thread-safe: one thread applies events and asks
 * for what is due.
 */
final class AlertTracker {
  private final Map<String, Tracked> alerts = new LinkedHashMap<>();
  /** record key → tenant + fingerprint of the last value under that key (for tombstones). */
  private final Map<String, String> idByRecordKey = new HashMap<>();

  private static final class Tracked {
    AlertEvent event;
    /** null: not sent since the last state change. */
    Instant lastSentAt;
    boolean sentFiring;

    Tracked(AlertEvent event) {
      this.event = event;
    }
  }

  /** Applies the latest value under {@code recordKey}; {@code event} null is a tombstone. */
  void apply(String recordKey, AlertEvent event) {
    if (event == null) {
      String id = idByRecordKey.remove(recordKey);
      if (id != null) {
        alerts.remove(id);
      }
      return;
    }
    String id = event.getTenant() + '\u0000' + event.getFingerprint();
    idByRecordKey.put(recordKey, id);
    Tracked t = alerts.get(id);
    switch (event.getState()) {
      case pending -> {
        // a new activation: whatever was tracked (a resolved alert still being re-sent) is replaced
        alerts.put(id, new Tracked(event));
      }
      case firing -> {
        if (t != null && t.event.getState() == AlertState.firing && sameFiring(t.event, event)) {
          t.event = event; // the same firing alert again (new annotations or value): keep the resend schedule
        } else {
          Tracked n = new Tracked(event);
          n.sentFiring = t != null && t.sentFiring && t.event.getState() == AlertState.firing;
          alerts.put(id, n);
        }
      }
      case resolved -> {
        if (event.getFiredAtMs() == null) {
          alerts.remove(id); // resolved while pending: Prometheus drops it without a word
          return;
        }
        if (t == null) {
          t = new Tracked(event);
          alerts.put(id, t);
        }
        if (t.event.getState() != AlertState.resolved || resolvedAt(t.event) != resolvedAt(event)) {
          t.lastSentAt = null; // resolved since the last send: send now
        }
        t.event = event;
      }
    }
  }

  /** When it resolved; an event without {@code resolved_at_ms} (not written by the rule job) resolved when evaluated. */
  private static long resolvedAt(AlertEvent e) {
    return e.getResolvedAtMs() != null ? e.getResolvedAtMs() : e.getEvaluatedAtMs();
  }

  private static boolean sameFiring(AlertEvent a, AlertEvent b) {
    return java.util.Objects.equals(a.getFiredAtMs(), b.getFiredAtMs()) && a.getActiveAtMs() == b.getActiveAtMs();
  }

  /** What must be sent at {@code now}; marks it sent. Forgets resolved alerts past their retention. */
  List<PostableAlert> due(Instant now, DeliveryConfig cfg) {
    List<PostableAlert> out = new ArrayList<>();
    Duration resend = cfg.resendDelay();
    for (Iterator<Tracked> it = alerts.values().iterator(); it.hasNext(); ) {
      Tracked t = it.next();
      AlertEvent e = t.event;
      switch (e.getState()) {
        case pending -> { }
        case firing -> {
          if (t.lastSentAt == null || t.lastSentAt.plus(resend).isBefore(now)) {
            t.lastSentAt = now;
            t.sentFiring = true;
            // Prometheus's ValidUntil counts from the evaluation time, which is never ahead of its clock; here
            // the evaluation is in event time and may be (samples stamped ahead): endsAt stays after startsAt
            Instant evaluatedAt = Instant.ofEpochMilli(e.getEvaluatedAtMs());
            out.add(postable(e, (evaluatedAt.isAfter(now) ? evaluatedAt : now).plus(cfg.validFor()), cfg));
          }
        }
        case resolved -> {
          Instant resolvedAt = Instant.ofEpochMilli(resolvedAt(e));
          boolean retained = !now.isAfter(resolvedAt.plus(DeliveryConfig.RESOLVED_RETENTION));
          boolean owed = t.lastSentAt == null && t.sentFiring; // we told Alertmanager it fires: tell it it stopped
          if (!retained && !owed) {
            it.remove();
            continue;
          }
          if (t.lastSentAt == null || t.lastSentAt.plus(resend).isBefore(now)) {
            t.lastSentAt = now;
            t.sentFiring = false;
            out.add(postable(e, resolvedAt, cfg));
          }
        }
      }
    }
    return out;
  }

  /** Pending and firing alerts, and resolved ones still re-sent. */
  int size() {
    return alerts.size();
  }

  int count(AlertState state) {
    int n = 0;
    for (Tracked t : alerts.values()) {
      if (t.event.getState() == state) {
        n++;
      }
    }
    return n;
  }

  private static PostableAlert postable(AlertEvent e, Instant endsAt, DeliveryConfig cfg) {
    TreeMap<String, String> labels = new TreeMap<>();
    e.getLabels().forEach((k, v) -> labels.put(k.toString(), v.toString()));
    // Prometheus's Manager.Send: an external label is added only where the alert has no (non-empty) value
    cfg.externalLabels().forEach((k, v) -> {
      if (labels.getOrDefault(k, "").isEmpty()) {
        labels.put(k, v);
      }
    });
    if (!cfg.tenantLabel().isEmpty() && labels.getOrDefault(cfg.tenantLabel(), "").isEmpty()) {
      labels.put(cfg.tenantLabel(), e.getTenant().toString());
    }
    TreeMap<String, String> annotations = new TreeMap<>();
    e.getAnnotations().forEach((k, v) -> annotations.put(k.toString(), v.toString()));
    long firedAt = e.getFiredAtMs() != null ? e.getFiredAtMs() : e.getActiveAtMs();
    return new PostableAlert(labels, annotations, Instant.ofEpochMilli(firedAt), endsAt, e.getGeneratorUrl().toString());
  }
}
