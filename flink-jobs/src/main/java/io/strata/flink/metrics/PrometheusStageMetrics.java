package io.strata.flink.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** {@link StageMetrics} as Prometheus counters on a registry; {@link #close()} unregisters them. */
public final class PrometheusStageMetrics implements StageMetrics, AutoCloseable {
  private final PrometheusRegistry registry;
  private final Counter records;
  private final Counter samples;
  private final Counter deadletter;
  private final Counter late;
  private final Counter evaluated;
  private final Counter alerts;
  private final Gauge rules;
  private final Gauge running;

  public PrometheusStageMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    records = Counter.builder().name("strata_flink_records_total")
        .help("Kafka records read from the samples topic by the rule job").register(registry);
    samples = Counter.builder().name("strata_flink_samples_total")
        .help("Samples decoded from the samples topic by the rule job").register(registry);
    deadletter = Counter.builder().name("strata_flink_deadletter_total")
        .help("Records the rule job sent to the dead-letter topic, by reason").labelNames("reason").register(registry);
    late = Counter.builder().name("strata_flink_late_samples_total")
        .help("Samples dropped because their timestamp was not after the watermark").register(registry);
    evaluated = Counter.builder().name("strata_flink_samples_evaluated_total")
        .help("Samples evaluated against at least one alerting rule").register(registry);
    alerts = Counter.builder().name("strata_flink_alerts_emitted_total")
        .help("Alert events written to the alerts topic, by state").labelNames("state").register(registry);
    rules = Gauge.builder().name("strata_flink_alerting_rules")
        .help("Alerting rules loaded into the rule job").register(registry);
    running = Gauge.builder().name("strata_flink_job_running")
        .help("1 while the rule job is submitted to the local MiniCluster and not cancelled").register(registry);
  }

  public void setRules(int n) {
    rules.set(n);
  }

  public void setRunning(boolean r) {
    running.set(r ? 1 : 0);
  }

  @Override
  public void recordsRead(long n) {
    records.inc(n);
  }

  @Override
  public void samplesDecoded(long n) {
    samples.inc(n);
  }

  @Override
  public void deadLettered(String reason) {
    deadletter.labelValues(reason).inc();
  }

  @Override
  public void lateSamples(long n) {
    late.inc(n);
  }

  @Override
  public void samplesEvaluated(long n) {
    evaluated.inc(n);
  }

  @Override
  public void alertEmitted(String state) {
    alerts.labelValues(state).inc();
  }

  @Override
  public void close() {
    registry.unregister(records);
    registry.unregister(samples);
    registry.unregister(deadletter);
    registry.unregister(late);
    registry.unregister(evaluated);
    registry.unregister(alerts);
    registry.unregister(rules);
    registry.unregister(running);
  }
}
