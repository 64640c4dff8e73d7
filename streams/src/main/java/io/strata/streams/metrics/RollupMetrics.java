package io.strata.streams.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.schemas.deadletter.DeadLetters;

/**
 * The rollup stage's own metrics, registered on the registry the caller gives (the one its
 * {@code /metrics} serves). Counters are incremented once per batch, not per sample. They live in memory,
 * outside Kafka transactions: after a task is retried they may count a batch twice.
 */
public final class RollupMetrics implements AutoCloseable {
  /**
   * Reasons a decoded sample (or stale marker) is dropped (label {@code reason}): the TSDB's rejections,
   * since the stage keeps exactly the samples the TSDB stores.
   */
  public enum DropReason {
    /** Older than the series' newest timestamp minus {@code streams.out.of.order.window}, and not stored. */
    too_old,
    /** Same series, timestamp and value bits as a stored sample (a re-sent batch): a no-op. */
    duplicate,
    /** Same series and timestamp as a stored sample, other value: the first one stays. */
    conflicting_value
  }

  private final PrometheusRegistry registry;
  private final Counter samples;
  private final Counter staleMarkers;
  private final Counter droppedSamples;
  private final Counter deadletter;
  private final Counter windowsEmitted;
  private final Counter batchesEmitted;

  public RollupMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    samples = Counter.builder().name("strata_streams_samples_total")
        .help("Samples accepted (by the TSDB's rule) and aggregated into their rollup windows").register(registry);
    staleMarkers = Counter.builder().name("strata_streams_stale_markers_total")
        .help("Prometheus stale markers accepted (kept for the duplicate check, not aggregated)").register(registry);
    droppedSamples = Counter.builder().name("strata_streams_dropped_samples_total")
        .help("Samples and stale markers dropped by the TSDB's acceptance rule, by reason").labelNames("reason").register(registry);
    deadletter = Counter.builder().name("strata_streams_deadletter_total")
        .help("Input records sent to the dead-letter topic (undecodable, or refused by the series check), by reason").labelNames("reason").register(registry);
    windowsEmitted = Counter.builder().name("strata_streams_windows_emitted_total")
        .help("Closed series windows written to a rollup topic, by resolution").labelNames("resolution").register(registry);
    batchesEmitted = Counter.builder().name("strata_streams_batches_emitted_total")
        .help("RollupBatch records written to a rollup topic, by resolution").labelNames("resolution").register(registry);
    for (String r : DeadLetters.sampleReasons()) {
      deadletter.labelValues(r).inc(0); // every reason shows from the start, at 0
    }
    for (DropReason r : DropReason.values()) {
      droppedSamples.labelValues(r.name()).inc(0);
    }
  }

  public void samples(long n) {
    if (n > 0) {
      samples.inc(n);
    }
  }

  public void staleMarkers(long n) {
    if (n > 0) {
      staleMarkers.inc(n);
    }
  }

  public void dropped(DropReason reason, long n) {
    if (n > 0) {
      droppedSamples.labelValues(reason.name()).inc(n);
    }
  }

  /** A record sent to the dead-letter topic, by reason code ({@link DeadLetters#sampleReasons()}). */
  public void deadlettered(String reason) {
    deadletter.labelValues(reason).inc();
  }

  /** Windows and RollupBatch records written for one resolution. */
  public void emitted(String resolution, long windows, long batches) {
    windowsEmitted.labelValues(resolution).inc(windows);
    batchesEmitted.labelValues(resolution).inc(batches);
  }

  /** Removes these metrics from the registry, so a new instance can register them again. */
  @Override
  public void close() {
    registry.unregister(samples);
    registry.unregister(staleMarkers);
    registry.unregister(droppedSamples);
    registry.unregister(deadletter);
    registry.unregister(windowsEmitted);
    registry.unregister(batchesEmitted);
  }
}
