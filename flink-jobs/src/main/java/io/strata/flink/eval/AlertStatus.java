package io.strata.flink.eval;

import io.strata.flink.model.AlertTransition;

/** Keyed state of one rule on one series while its alert is pending or firing (a Flink POJO). */
public class AlertStatus {
  public boolean firing;
  /** Timestamp of the first sample of this activation. */
  public long activeAtMs;
  /** Timestamp of the sample that made it fire, or {@link AlertTransition#NONE}. */
  public long firedAtMs = AlertTransition.NONE;
  /** The value of the latest sample that satisfied the rule. */
  public double value;

  public AlertStatus() {}

  AlertStatus(long activeAtMs, double value) {
    this.activeAtMs = activeAtMs;
    this.value = value;
  }
}
