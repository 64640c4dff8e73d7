package io.strata.flink.metrics;

/**
 * What the job's operators count. Implemented over a Prometheus registry by {@link PrometheusStageMetrics}
 * and found by the operators through {@link MetricsHooks}; {@link #NOOP} where no registry is attached
 * (a job submitted to a remote Flink cluster reports through Flink's own metric system instead).
 */
public interface StageMetrics {
  /** Kafka records read from the samples topic (decoded or not). */
  default void recordsRead(long n) {}

  /** Samples decoded from SampleBatches (all series, selected by a group or not). */
  default void samplesDecoded(long n) {}

  /** A record sent to the dead-letter topic, by reason. */
  default void deadLettered(String reason) {}

  /** Routed samples whose timestamp was not after the watermark when they reached their group. */
  default void lateSamples(long n) {}

  /** Routed samples a group kept (a sample routed to two groups counts twice). */
  default void samplesRouted(long n) {}

  /** Routed samples not kept, by reason ({@code no_group}: the group's definition had not arrived). */
  default void samplesDropped(String reason, long n) {}

  /** One group evaluation, how long it took and how many of its rules failed. */
  default void groupEvaluated(long nanos, int failedRules) {}

  /** Evaluation times a group skipped because the watermark had already passed the next one. */
  default void iterationsMissed(long n) {}

  /** Samples the rules wrote back to the samples topic (recording rules, ALERTS, stale markers). */
  default void ruleSamplesWritten(long n) {}

  /** An alert event emitted, by state (pending, firing, resolved, tombstone). */
  default void alertEmitted(String state) {}

  /** A rule group update from the rules topic that could not be used (it is ignored). */
  default void badRuleUpdate() {}

  StageMetrics NOOP = new StageMetrics() {};
}
