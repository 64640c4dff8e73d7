package io.strata.sinks.alertmanager;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.avro.AlertEvent;
import io.strata.avro.AlertState;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.registry.SchemaRegistryException;
import io.strata.schemas.serde.AvroWireSerde;
import io.strata.schemas.serde.WireFormatException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery stage: reads the compacted {@code metrics.alerts} topic and sends its alerts to every
 * configured Alertmanager and webhook with Prometheus's notifier contract ({@link AlertTracker},
 * {@link Endpoint}).
 *
 * <p>The topic holds the latest state of every alert, so the stage needs all of it, not a position in it:
 * a plain consumer without a group assigns every partition, reads from the beginning at every start
 * ({@code read_committed}: only what the rule job committed) and commits nothing. Nothing is sent until it
 * has read what the topic held when it started, so a restart re-sends every firing alert with its current
 * state and never a superseded one. A timer (the poll timeout) drives resends with or without new records.
 *
 * <p>Failure semantics: a record without a key or whose value is not wire-format Avro is skipped and counted
 * ({@code strata_delivery_records_skipped_total{reason}}); it is not dead-lettered, because the topic is
 * re-read at every start. An unreachable registry is retried every second on the same record; a missing
 * topic is looked up every second; broker outages are the Kafka client's reconnects. Sending failures are
 * {@link Endpoint}'s.
 */
public final class AlertDelivery implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AlertDelivery.class);
  /** How often due resends are checked: the precision of the resend delay. */
  static final Duration TICK = Duration.ofMillis(250);
  private static final long RETRY_MS = 1_000;

  private final String topic;
  private final AvroWireSerde<AlertEvent> serde;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Notifier notifier;
  private final Thread thread;
  private final Counter records;
  private final Counter skipped;
  private volatile boolean running = true;
  private volatile boolean caughtUp;
  private volatile int[] held = new int[AlertState.values().length];
  private Map<TopicPartition, Long> endAtStart;

  /**
   * @param topic the full alerts topic name, prefix included
   * @param clock the time alerts are sent at ({@code Clock.systemUTC()} outside tests)
   */
  public AlertDelivery(String bootstrapServers, String registryUrl, String topic, DeliveryConfig config, PrometheusRegistry metrics, Clock clock) {
    this(bootstrapServers, registryUrl, topic, new Notifier(config, clock, t -> new HttpTransport(t.http()), Endpoint.Sleeper.REAL, true, metrics),
        metrics);
  }

  private AlertDelivery(String bootstrapServers, String registryUrl, String topic, Notifier notifier, PrometheusRegistry metrics) {
    this.topic = topic;
    this.notifier = notifier;
    this.serde = new AvroWireSerde<>(SchemaRegistries.forUrl(registryUrl), AlertEvent.class);
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "strata-delivery");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    this.consumer = new KafkaConsumer<>(p);
    this.records = Counter.builder().name("strata_delivery_records_total").help(topic + " records applied to the alert state")
        .register(metrics);
    this.skipped = Counter.builder().name("strata_delivery_records_skipped_total")
        .help(topic + " records skipped because they could not be decoded, by reason").labelNames("reason").register(metrics);
    GaugeWithCallback.builder().name("strata_delivery_alerts").help("Alerts the delivery stage holds, by state (resolved: still re-sent)")
        .labelNames("state").callback(cb -> {
          int[] h = held;
          for (AlertState s : AlertState.values()) {
            cb.call(h[s.ordinal()], s.name());
          }
        }).register(metrics);
    this.thread = new Thread(this::run, "delivery-alerts-reader");
    thread.setDaemon(true);
  }

  public AlertDelivery start() {
    thread.start();
    return this;
  }

  /** True once everything the topic held at start has been read (and sending has begun). */
  public boolean caughtUp() {
    return caughtUp;
  }

  /** Applies a new configuration (targets, resend delay, external labels...); alert state stays. */
  public void reload(DeliveryConfig config) {
    notifier.reload(config);
    log.info("delivery: configuration reloaded, {} target(s)", config.targets().size());
  }

  public DeliveryConfig config() {
    return notifier.config();
  }

  private void run() {
    try {
      while (running && !assign()) {
        Thread.sleep(RETRY_MS);
      }
      while (running) {
        try {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(TICK)) {
            if (!decodeAndApply(r)) {
              consumer.seek(new TopicPartition(r.topic(), r.partition()), r.offset());
              Thread.sleep(RETRY_MS);
              break;
            }
          }
          checkCaughtUp();
          if (caughtUp) {
            try {
              notifier.tick();
            } catch (RuntimeException e) {
              log.error("BUG: computing the alerts due failed; retrying at the next tick", e);
            }
          }
          countHeld();
        } catch (WakeupException e) {
          throw e;
        } catch (KafkaException e) {
          log.warn("reading {} failed, retrying: {}", topic, e.toString());
          Thread.sleep(RETRY_MS);
        }
      }
    } catch (WakeupException | InterruptedException e) {
      // closing
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private boolean assign() {
    List<PartitionInfo> parts;
    try {
      parts = consumer.partitionsFor(topic, Duration.ofSeconds(5));
    } catch (WakeupException e) {
      throw e;
    } catch (KafkaException e) {
      log.debug("topic {} not available yet: {}", topic, e.toString());
      return false;
    }
    if (parts == null || parts.isEmpty()) {
      return false;
    }
    List<TopicPartition> tps = new ArrayList<>();
    for (PartitionInfo pi : parts) {
      tps.add(new TopicPartition(pi.topic(), pi.partition()));
    }
    consumer.assign(tps);
    consumer.seekToBeginning(tps);
    // read_committed: the end offsets are the last stable offsets, what a position can reach
    endAtStart = consumer.endOffsets(tps, Duration.ofSeconds(10));
    return true;
  }

  /** False when the registry is unreachable and the record must be read again. */
  private boolean decodeAndApply(ConsumerRecord<byte[], byte[]> r) {
    if (r.key() == null) {
      skipped.labelValues("no_key").inc();
      return true;
    }
    String key = new String(r.key(), StandardCharsets.UTF_8);
    AlertEvent value = null;
    if (r.value() != null) {
      try {
        value = serde.deserialize(r.value());
      } catch (WireFormatException e) {
        skipped.labelValues(e.reason().name().toLowerCase(Locale.ROOT)).inc();
        log.warn("skipping {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
        return true;
      } catch (SchemaRegistryException e) {
        log.warn("schema registry unavailable, retrying {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
        return false;
      }
    }
    try {
      notifier.apply(key, value);
    } catch (RuntimeException e) {
      // a value the schema allows but the rule job never writes (e.g. no labels map entries we can read)
      skipped.labelValues("invalid_event").inc();
      log.warn("skipping {}-{}@{}: cannot apply the alert event: {}", r.topic(), r.partition(), r.offset(), e.toString());
      return true;
    }
    records.inc();
    return true;
  }

  private void checkCaughtUp() {
    if (caughtUp || endAtStart == null) {
      return;
    }
    for (Map.Entry<TopicPartition, Long> e : endAtStart.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return;
      }
    }
    caughtUp = true;
    log.info("delivery: read {} ({} alerts held), sending to {} target(s)", topic, notifier.tracker().size(),
        notifier.config().targets().size());
  }

  private void countHeld() {
    int[] h = new int[AlertState.values().length];
    for (AlertState s : AlertState.values()) {
      h[s.ordinal()] = notifier.tracker().count(s);
    }
    held = h;
  }

  @Override
  public void close() {
    running = false;
    if (thread.getState() == Thread.State.NEW) {
      consumer.close(Duration.ofSeconds(5));
    } else if (thread.isAlive()) {
      consumer.wakeup();
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    notifier.close();
  }
}
