package io.strata.sinks.alertmanager;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Summary;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.function.Supplier;

/**
 * Prometheus's notifier metrics under Strata's prefix ({@code prometheus_notifications_*} →
 * {@code strata_notifications_*}), so dashboards and the Prometheus mixin's alerts carry over. The
 * {@code alertmanager} label is the target's URL, as in Prometheus: its cardinality is bounded by the
 * configuration, not by data. Differences: {@code dropped_total} and {@code queue_length} are per target,
 * because every target has its own queue here.
 */
final class NotifierMetrics {
  static final String LABEL = "alertmanager";
  final Counter sent;
  final Counter errors;
  final Counter dropped;
  final Summary latency;

  NotifierMetrics(PrometheusRegistry registry, Supplier<List<Endpoint>> endpoints, Supplier<DeliveryConfig> config) {
    sent = Counter.builder().name("strata_notifications_sent_total")
        .help("Total number of alerts sent (as Prometheus 2.42: every alert of every request made, failed ones included).")
        .labelNames(LABEL).register(registry);
    errors = Counter.builder().name("strata_notifications_errors_total")
        .help("Total number of errors sending alert notifications (failed requests).").labelNames(LABEL).register(registry);
    dropped = Counter.builder().name("strata_notifications_dropped_total")
        .help("Total number of alerts dropped: queue full (oldest first), or a batch given up after its retries.")
        .labelNames(LABEL).register(registry);
    latency = Summary.builder().name("strata_notifications_latency_seconds")
        .help("Latency quantiles for sending alert notifications.")
        .quantile(0.5, 0.05).quantile(0.9, 0.01).quantile(0.99, 0.001)
        .labelNames(LABEL).register(registry);
    GaugeWithCallback.builder().name("strata_notifications_queue_length")
        .help("The number of alert notifications in the queue.").labelNames(LABEL)
        .callback(cb -> {
          for (Endpoint e : endpoints.get()) {
            cb.call(e.queueLength(), e.name());
          }
        }).register(registry);
    GaugeWithCallback.builder().name("strata_notifications_queue_capacity")
        .help("The capacity of the alert notifications queue (of each target).")
        .callback(cb -> cb.call(config.get().queueCapacity())).register(registry);
    GaugeWithCallback.builder().name("strata_notifications_alertmanagers_discovered")
        .help("The number of alertmanagers discovered and active.")
        .callback(cb -> cb.call(endpoints.get().stream().filter(e -> e.kind() == DeliveryConfig.Target.Kind.ALERTMANAGER).count()))
        .register(registry);
  }

  /** Starts every target's series at 0, as Prometheus does when it discovers an Alertmanager. */
  void init(String name) {
    sent.labelValues(name);
    errors.labelValues(name);
    dropped.labelValues(name);
  }
}
