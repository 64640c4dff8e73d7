package io.strata.sinks.alertmanager;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.avro.AlertEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The alert state ({@link AlertTracker}) and one {@link Endpoint} per target. {@link #tick} hands what is
 * due to every target's queue: each Alertmanager replica gets every alert, as Prometheus's notifier sends
 * to all of them. Events, ticks and reloads come from one thread; the endpoints send on their own.
 */
final class Notifier implements AutoCloseable {
  private final AlertTracker tracker = new AlertTracker();
  private final Clock clock;
  private final Function<DeliveryConfig.Target, Transport> transports;
  private final Endpoint.Sleeper sleeper;
  private final boolean startSenders;
  private final NotifierMetrics metrics;
  private volatile DeliveryConfig config;
  private volatile List<Endpoint> endpoints = List.of();

  /**
   * @param transports how to reach a target ({@link HttpTransport} in production)
   * @param startSenders false in unit tests, which drive {@link Endpoint#send} themselves
   */
  Notifier(DeliveryConfig config, Clock clock, Function<DeliveryConfig.Target, Transport> transports, Endpoint.Sleeper sleeper,
      boolean startSenders, PrometheusRegistry registry) {
    this.clock = clock;
    this.transports = transports;
    this.sleeper = sleeper;
    this.startSenders = startSenders;
    this.config = config;
    this.metrics = new NotifierMetrics(registry, () -> endpoints, () -> this.config);
    this.endpoints = build(config);
  }

  private List<Endpoint> build(DeliveryConfig cfg) {
    List<Endpoint> out = new ArrayList<>();
    for (DeliveryConfig.Target t : cfg.targets()) {
      Endpoint e = new Endpoint(t, cfg.queueCapacity(), cfg.backoff(), transports.apply(t), clock, sleeper, metrics);
      out.add(startSenders ? e.start() : e);
    }
    return List.copyOf(out);
  }

  synchronized void apply(String recordKey, AlertEvent event) {
    tracker.apply(recordKey, event);
  }

  /** Queues what is due now on every target; returns how many alerts were due. */
  synchronized int tick() {
    List<PostableAlert> due = tracker.due(clock.instant(), config);
    if (!due.isEmpty()) {
      for (Endpoint e : endpoints) {
        e.offer(due);
      }
    }
    return due.size();
  }

  /**
   * Applies a new configuration: targets are rebuilt (queued notifications of the old ones are dropped, as
   * Prometheus's ApplyConfig does); alert state and resend schedules stay.
   */
  synchronized void reload(DeliveryConfig cfg) {
    List<Endpoint> fresh = build(cfg); // throws (e.g. an unreadable ca_file) before anything changes
    List<Endpoint> old = endpoints;
    config = cfg;
    endpoints = fresh;
    old.forEach(Endpoint::close);
  }

  DeliveryConfig config() {
    return config;
  }

  List<Endpoint> endpoints() {
    return endpoints;
  }

  AlertTracker tracker() {
    return tracker;
  }

  @Override
  public void close() {
    endpoints.forEach(Endpoint::close);
  }
}
