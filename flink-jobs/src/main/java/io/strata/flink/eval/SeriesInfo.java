package io.strata.flink.eval;

import io.strata.flink.model.AlertTransition;

/**
 * Keyed state of a series while it has buffered samples or an active alert (a Flink POJO): who it is,
 * when its last sample was evaluated and which lookback timer is set.
 */
public class SeriesInfo {
  public String tenant;
  /** Sorted label pairs, {@code __name__} included. */
  public String[] labels;
  /** Timestamp of the last evaluated sample, or {@link AlertTransition#NONE}. */
  public long lastSampleMs = AlertTransition.NONE;
  /** The event-time timer that resolves alerts when the series goes silent, or {@link AlertTransition#NONE}. */
  public long lookbackTimerMs = AlertTransition.NONE;

  public SeriesInfo() {}

  SeriesInfo(String tenant, String[] labels) {
    this.tenant = tenant;
    this.labels = labels;
  }
}
