package io.strata.streams.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.schemas.serde.WireFormatException;

/**
 * The rollup stage's own metrics, registered on the registry the caller gives (the one its
 * {@code /metrics} serves). Counters are incremented once per batch, not per sample. They live in memory,
 * outside Kafka transactions: after a task is retried they may count a batch twice.
 */
public final class RollupMetrics implements AutoCloseable {
  /** Reasons a decoded sample is dropped before aggregation (label {@code reason}). */
  public enum DropReason {
    /** Timestamp not after the series' last accepted sample (out of order, or a re-sent duplicate). */
    out_of_order,
    /** Timestamp more than {@code streams.max.future.skew} after its Kafka record's timestamp. */
    too_far_in_future
  }

  private final PrometheusRegistry registry;
  private final Counter samples;
  private final Counter lateSamples;
  private final Counter staleMarkers;
  private final Counter droppedSamples;
  private final Counter deadletter;
  private final Counter windowsEmitted;
  private final Counter batchesEmitted;

  public RollupMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    samples = Counter.builder().name("strata_streams_samples_total")
        .help("Samples aggregated into a rollup window").register(registry);
    lateSamples = Counter.builder().name("strata_streams_late_samples_total")
        .help("Samples dropped because their window had already closed (later than the grace period)").register(registry);
    staleMarkers = Counter.builder().name("strata_streams_stale_markers_total")
        .help("Prometheus stale markers skipped (they end a series, they are not samples)").register(registry);
    droppedSamples = Counter.builder().name("strata_streams_dropped_samples_total")
        .help("Samples dropped before aggregation, by reason").labelNames("reason").register(registry);
    deadletter = Counter.builder().name("strata_streams_deadletter_total")
        .help("Input records sent to the dead-letter topic, by reason").labelNames("reason").register(registry);
    windowsEmitted = Counter.builder().name("strata_streams_windows_emitted_total")
        .help("Closed series windows written to a rollup topic, by resolution").labelNames("resolution").register(registry);
    batchesEmitted = Counter.builder().name("strata_streams_batches_emitted_total")
        .help("RollupBatch records written to a rollup topic, by resolution").labelNames("resolution").register(registry);
    for (WireFormatException.Reason r : WireFormatException.Reason.values()) {
      deadletter.labelValues(r.name()).inc(0); // every reason shows from the start, at 0
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

  public void lateSamples(long n) {
    if (n > 0) {
      lateSamples.inc(n);
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

  public void deadlettered(WireFormatException.Reason reason) {
    deadletter.labelValues(reason.name()).inc();
  }

  public void emitted(String resolution, long windows, long batches) {
    windowsEmitted.labelValues(resolution).inc(windows);
    batchesEmitted.labelValues(resolution).inc(batches);
  }

  /** Removes these metrics from the registry, so a new instance can register them again. */
  @Override
  public void close() {
    registry.unregister(samples);
    registry.unregister(lateSamples);
    registry.unregister(staleMarkers);
    registry.unregister(droppedSamples);
    registry.unregister(deadletter);
    registry.unregister(windowsEmitted);
    registry.unregister(batchesEmitted);
  }
}
