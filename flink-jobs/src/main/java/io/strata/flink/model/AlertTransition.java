package io.strata.flink.model;

/**
 * One alert state change as the evaluator emits it; the Kafka sink turns it into an
 * {@code io.strata.avro.AlertEvent}. Kept as a Flink POJO with flat label arrays so the stream needs no
 * Avro or Kryo serializer inside Flink.
 */
public class AlertTransition {
  /** Marks an absent optional timestamp (fired_at_ms, resolved_at_ms are null in Avro then). */
  public static final long NONE = Long.MIN_VALUE;

  public static final String PENDING = "pending";
  public static final String FIRING = "firing";
  public static final String RESOLVED = "resolved";

  public String fingerprint;
  public String tenant;
  public String ruleGroup;
  public String alertName;
  /** {@link #PENDING}, {@link #FIRING} or {@link #RESOLVED}. */
  public String state;
  /** Sorted alert label pairs (alertname included). */
  public String[] labels;
  /** Annotation pairs, sorted by name. */
  public String[] annotations;
  public double value;
  public long activeAtMs;
  public long firedAtMs = NONE;
  public long resolvedAtMs = NONE;
  public long evaluatedAtMs;
  public String generatorUrl = "";

  public AlertTransition() {}

  @Override
  public String toString() {
    return alertName + "/" + state + " " + fingerprint + " value=" + value + " activeAt=" + activeAtMs
        + " firedAt=" + (firedAtMs == NONE ? "-" : firedAtMs) + " resolvedAt=" + (resolvedAtMs == NONE ? "-" : resolvedAtMs)
        + " evaluatedAt=" + evaluatedAtMs;
  }
}
