package io.strata.flink.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.schemas.deadletter.DeadLetters;
import java.util.ArrayList;
import java.util.List;

/** {@link StageMetrics} as Prometheus metrics on a registry; {@link #close()} unregisters them. */
public final class PrometheusStageMetrics implements StageMetrics, AutoCloseable {
  private final PrometheusRegistry registry;
  private final List<Collector> all = new ArrayList<>();
  private final Counter records;
  private final Counter samples;
  private final Counter deadletter;
  private final Counter late;
  private final Counter routed;
  private final Counter dropped;
  private final Histogram evaluations;
  private final Counter failures;
  private final Counter missed;
  private final Counter written;
  private final Counter alerts;
  private final Counter badRules;
  private final Gauge fileGroups;
  private final Gauge running;

  public PrometheusStageMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    records = add(Counter.builder().name("strata_flink_records_total")
        .help("Kafka records read from the samples topic by the rule job").register(registry));
    samples = add(Counter.builder().name("strata_flink_samples_total")
        .help("Samples decoded from the samples topic by the rule job").register(registry));
    deadletter = add(Counter.builder().name("strata_flink_deadletter_total")
        .help("Records the rule job sent to the dead-letter topic (undecodable, or refused by the series check), by reason")
        .labelNames("reason").register(registry));
    for (String r : DeadLetters.sampleReasons()) {
      deadletter.labelValues(r).inc(0); // every reason shows from the start, at 0
    }
    late = add(Counter.builder().name("strata_flink_late_samples_total")
        .help("Routed samples whose timestamp was not after the watermark when they reached their group").register(registry));
    routed = add(Counter.builder().name("strata_flink_samples_routed_total")
        .help("Samples kept by a rule group (once per group that selects the series)").register(registry));
    dropped = add(Counter.builder().name("strata_flink_samples_dropped_total")
        .help("Routed samples not kept, by reason").labelNames("reason").register(registry));
    evaluations = add(Histogram.builder().name("strata_flink_group_evaluation_seconds")
        .help("Duration of one rule group evaluation").register(registry));
    failures = add(Counter.builder().name("strata_flink_rule_evaluation_failures_total")
        .help("Rule evaluations that failed (health err)").register(registry));
    missed = add(Counter.builder().name("strata_flink_group_iterations_missed_total")
        .help("Group evaluation times skipped because the watermark had passed the next one").register(registry));
    written = add(Counter.builder().name("strata_flink_rule_samples_written_total")
        .help("Samples rules wrote to the samples topic (recording rules, ALERTS, ALERTS_FOR_STATE, stale markers)").register(registry));
    alerts = add(Counter.builder().name("strata_flink_alerts_emitted_total")
        .help("Alert events written to the alerts topic, by state").labelNames("state").register(registry));
    badRules = add(Counter.builder().name("strata_flink_bad_rule_updates_total")
        .help("Records of the rules topic the job could not use (ignored)").register(registry));
    fileGroups = add(Gauge.builder().name("strata_flink_rule_file_groups")
        .help("Rule groups loaded from rule files (pushed groups are not counted)").register(registry));
    running = add(Gauge.builder().name("strata_flink_job_running")
        .help("1 while the rule job is submitted to the local MiniCluster and not cancelled").register(registry));
  }

  private <T extends Collector> T add(T c) {
    all.add(c);
    return c;
  }

  public void setFileGroups(int n) {
    fileGroups.set(n);
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
  public void samplesRouted(long n) {
    routed.inc(n);
  }

  @Override
  public void samplesDropped(String reason, long n) {
    dropped.labelValues(reason).inc(n);
  }

  @Override
  public void groupEvaluated(long nanos, int failedRules) {
    evaluations.observe(nanos / 1e9);
    failures.inc(failedRules);
  }

  @Override
  public void iterationsMissed(long n) {
    missed.inc(n);
  }

  @Override
  public void ruleSamplesWritten(long n) {
    written.inc(n);
  }

  @Override
  public void alertEmitted(String state) {
    alerts.labelValues(state).inc();
  }

  @Override
  public void badRuleUpdate() {
    badRules.inc();
  }

  @Override
  public void close() {
    for (Collector c : all) {
      registry.unregister(c);
    }
  }
}
