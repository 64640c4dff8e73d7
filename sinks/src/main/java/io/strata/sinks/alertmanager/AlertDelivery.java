package io.strata.sinks.alertmanager;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.avro.AlertEvent;
import io.strata.avro.AlertState;
import io.strata.schemas.kafka.CompactedTopicReader;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery stage: reads the compacted {@code metrics.alerts} topic and sends its alerts to every
 * configured Alertmanager and webhook with Prometheus's notifier contract ({@link AlertTracker},
 * {@link Endpoint}).
 *
 * <p>The topic holds the latest state of every alert, so the stage needs all of it, not a position in it:
 * schemas' {@link CompactedTopicReader} (a plain consumer without a group) assigns every partition, reads
 * from the beginning at every start ({@code read_committed}: only what the rule job committed) and commits
 * nothing. Nothing is sent until it has read what the topic held when it started, so a restart re-sends
 * every firing alert with its current state and never a superseded one. A timer (the poll timeout) drives
 * resends with or without new records.
 *
 * <p>Failure semantics ({@link CompactedTopicReader}'s): a record without a key, whose value is not
 * wire-format Avro, or that cannot be applied is skipped and counted
 * ({@code strata_delivery_records_skipped_total{reason}}); it is not dead-lettered, because the topic is
 * re-read at every start. An unreachable registry is retried every second on the same record; a missing
 * topic is looked up every second; broker outages are the Kafka client's reconnects. Sending failures are
 * {@link Endpoint}'s.
 */
public final class AlertDelivery implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AlertDelivery.class);
  /** How often due resends are checked: the precision of the resend delay. */
  static final Duration TICK = Duration.ofMillis(250);

  private final Notifier notifier;
  /** Makes a reader of the alerts topic (the first one, and one to replace a reader that died). */
  private final java.util.function.Supplier<CompactedTopicReader<AlertEvent>> readers;
  private volatile CompactedTopicReader<AlertEvent> reader;
  private volatile int[] held = new int[AlertState.values().length];

  /**
   * @param topic the full alerts topic name, prefix included
   * @param clock the time alerts are sent at ({@code Clock.systemUTC()} outside tests)
   */
  public AlertDelivery(String bootstrapServers, String registryUrl, String topic, DeliveryConfig config, PrometheusRegistry metrics, Clock clock) {
    this(bootstrapServers, java.util.Map.of(), registryUrl, topic, config, metrics, clock);
  }

  /** @param kafkaClient extra properties of the alerts topic's consumer (e.g. a SASL login) */
  public AlertDelivery(String bootstrapServers, java.util.Map<String, String> kafkaClient, String registryUrl, String topic,
      DeliveryConfig config, PrometheusRegistry metrics, Clock clock) {
    this(bootstrapServers, kafkaClient, registryUrl, topic,
        new Notifier(config, clock, t -> new HttpTransport(t.http()), Endpoint.Sleeper.REAL, true, metrics), metrics);
  }

  private AlertDelivery(String bootstrapServers, java.util.Map<String, String> kafkaClient, String registryUrl, String topic,
      Notifier notifier, PrometheusRegistry metrics) {
    this.notifier = notifier;
    Counter records = Counter.builder().name("strata_delivery_records_total").help(topic + " records applied to the alert state")
        .register(metrics);
    Counter skipped = Counter.builder().name("strata_delivery_records_skipped_total")
        .help(topic + " records skipped because they could not be decoded, by reason").labelNames("reason").register(metrics);
    GaugeWithCallback.builder().name("strata_delivery_alerts").help("Alerts the delivery stage holds, by state (resolved: still re-sent)")
        .labelNames("state").callback(cb -> {
          int[] h = held;
          for (AlertState s : AlertState.values()) {
            cb.call(h[s.ordinal()], s.name());
          }
        }).register(metrics);
    this.readers = () -> new CompactedTopicReader<>(AlertEvent.class, bootstrapServers, kafkaClient, registryUrl, topic,
        new CompactedTopicReader.Options("strata-delivery", "delivery-alerts-reader", TICK, true), new CompactedTopicReader.Handler<>() {
          @Override
          public void apply(String key, AlertEvent value) {
            notifier.apply(key, value);
          }

          @Override
          public void caughtUp() {
            log.info("delivery: read {} ({} alerts held), sending to {} target(s)", topic, notifier.tracker().size(),
                notifier.config().targets().size());
          }

          @Override
          public void polled(boolean caughtUp) {
            if (caughtUp) {
              try {
                notifier.tick();
              } catch (RuntimeException e) {
                log.error("BUG: computing the alerts due failed; retrying at the next tick", e);
              }
            }
            countHeld();
          }
        }, CompactedTopicReader.Counts.of(records::inc, reason -> skipped.labelValues(reason).inc()));
    this.reader = readers.get();
  }

  public AlertDelivery start() {
    reader.start();
    return this;
  }

  /** Null while the alerts topic is being read; else why reading stopped (until {@link #restartReader()}). */
  public String failure() {
    return reader.failure();
  }

  /**
   * Replaces a reader that stopped: the new one reads the topic from its start, as a restart of the stage does;
   * the alert state and the targets' queues stay, so the alerts read again are the ones already held.
   */
  public synchronized void restartReader() {
    reader.close();
    reader = readers.get().start();
  }

  /** True once everything the topic held at start has been read (and sending has begun). */
  public boolean caughtUp() {
    return reader.caughtUp();
  }

  /** Applies a new configuration (targets, resend delay, external labels...); alert state stays. */
  public void reload(DeliveryConfig config) {
    notifier.reload(config);
    log.info("delivery: configuration reloaded, {} target(s)", config.targets().size());
  }

  public DeliveryConfig config() {
    return notifier.config();
  }

  private void countHeld() {
    int[] h = new int[AlertState.values().length];
    for (AlertState s : AlertState.values()) {
      h[s.ordinal()] = notifier.tracker().count(s);
    }
    held = h;
  }

  @Override
  public synchronized void close() {
    reader.close();
    notifier.close();
  }
}
