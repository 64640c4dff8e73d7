package io.strata.flink.metrics;

/**
 * What the job's operators count. Implemented over a Prometheus registry by {@link PrometheusStageMetrics}
 * and found by the operators through {@link MetricsHooks}; {@link #NOOP} where no registry is attached
 * (a job submitted to a remote Flink cluster reports through Flink's own metric system instead).
 */
public interface StageMetrics {
  /** Kafka records read from the samples topic (decoded or not). */
  void recordsRead(long n);

  /** Samples decoded from SampleBatches (all series, matched by a rule or not). */
  void samplesDecoded(long n);

  /** A record sent to the dead-letter topic, by reason. */
  void deadLettered(String reason);

  /** Samples dropped because their timestamp was not after the watermark when they arrived. */
  void lateSamples(long n);

  /** Samples evaluated against at least one rule. */
  void samplesEvaluated(long n);

  /** An alert event emitted, by state (pending, firing, resolved). */
  void alertEmitted(String state);

  StageMetrics NOOP = new StageMetrics() {
    @Override
    public void recordsRead(long n) {}

    @Override
    public void samplesDecoded(long n) {}

    @Override
    public void deadLettered(String reason) {}

    @Override
    public void lateSamples(long n) {}

    @Override
    public void samplesEvaluated(long n) {}

    @Override
    public void alertEmitted(String state) {}
  };
}
