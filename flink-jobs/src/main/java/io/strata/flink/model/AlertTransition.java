package io.strata.flink.model;

/**
 * One alert event as the evaluator emits it; the Kafka sink turns it into an {@code io.strata.avro.AlertEvent}
 * keyed by {@code tenant/fingerprint}, or into a tombstone of that key when {@link #state} is null. A Flink
 * POJO with flat label arrays so the stream needs no Avro or Kryo serializer inside Flink.
 */
public class AlertTransition {
  /** Marks an absent optional timestamp (null in Avro). */
  public static final long NONE = Long.MIN_VALUE;

  public static final String PENDING = "pending";
  public static final String FIRING = "firing";
  public static final String RESOLVED = "resolved";

  public String fingerprint;
  public String tenant;
  public String ruleGroup;
  public String alertName;
  /** {@link #PENDING}, {@link #FIRING}, {@link #RESOLVED}, or null for a tombstone (the alert is gone). */
  public String state;
  /** Sorted alert label pairs (alertname included). */
  public String[] labels;
  /** Annotation pairs, sorted by name. */
  public String[] annotations;
  public double value;
  public long activeAtMs = NONE;
  public long firedAtMs = NONE;
  public long resolvedAtMs = NONE;
  public long evaluatedAtMs;
  public long startsAtMs = NONE;
  public long endsAtMs = NONE;
  public String generatorUrl = "";

  public AlertTransition() {}

  public boolean isTombstone() {
    return state == null;
  }

  /** The record key on the alerts topic: tenant, "/", fingerprint. */
  public String key() {
    return tenant + "/" + fingerprint;
  }

  @Override
  public String toString() {
    return alertName + "/" + (state == null ? "tombstone" : state) + " " + key() + " value=" + value
        + " activeAt=" + (activeAtMs == NONE ? "-" : activeAtMs) + " firedAt=" + (firedAtMs == NONE ? "-" : firedAtMs)
        + " resolvedAt=" + (resolvedAtMs == NONE ? "-" : resolvedAtMs) + " startsAt=" + (startsAtMs == NONE ? "-" : startsAtMs)
        + " endsAt=" + (endsAtMs == NONE ? "-" : endsAtMs) + " evaluatedAt=" + evaluatedAtMs;
  }
}
