package io.strata.query.topics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.registry.SchemaRegistryException;
import io.strata.schemas.serde.AvroWireSerde;
import io.strata.schemas.serde.WireFormatException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.IntSupplier;
import org.apache.avro.specific.SpecificRecord;
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
 * Reads a small compacted topic of Avro values (Confluent wire format, UTF-8 keys) from the beginning, hands
 * every record to {@link #apply}, then follows the topic. No consumer group: every query server holds the
 * whole topic, assigns all partitions itself and commits nothing.
 *
 * <p>Failure semantics: a record without a key or whose value is not valid wire-format Avro is skipped and
 * counted by reason ({@code strata_query_<name>_records_skipped_total{reason}}); a registry that cannot be
 * reached is retried every second on the same record; a topic that does not exist yet is looked up again
 * every second; broker outages are the Kafka client's reconnects. Readers serve whatever was read so far.
 */
public abstract class CompactedTopicReader<V extends SpecificRecord> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CompactedTopicReader.class);
  /** Wait between lookups of a missing topic and retries of an unreachable registry. */
  static final long RETRY_MS = 1_000;

  private final String topic;
  private final AvroWireSerde<V> serde;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;
  private final Counter records;
  private final Counter skipped;
  private volatile boolean running = true;
  private volatile boolean caughtUp;
  private Map<TopicPartition, Long> endAtStart;

  /**
   * @param name short name for the client id, thread and metrics ({@code metadata} gives
   *     {@code strata_query_metadata_records_total})
   * @param registryUrl the schema registry ({@code http://...} or {@code mock://scope})
   * @param topic the full topic name, prefix included
   * @param held a gauge of what the reader holds: {@code strata_query_<held.suffix>}
   */
  protected CompactedTopicReader(String name, Class<V> type, String bootstrapServers, String registryUrl, String topic,
      PrometheusRegistry metrics, Held held) {
    this.topic = topic;
    this.serde = new AvroWireSerde<>(SchemaRegistries.forUrl(registryUrl), type);
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "strata-query-" + name);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    this.consumer = new KafkaConsumer<>(p);
    this.records = Counter.builder().name("strata_query_" + name + "_records_total")
        .help(topic + " records applied to what the API serves").register(metrics);
    this.skipped = Counter.builder().name("strata_query_" + name + "_records_skipped_total")
        .help(topic + " records skipped because they could not be decoded, by reason").labelNames("reason").register(metrics);
    GaugeWithCallback.builder().name("strata_query_" + held.suffix()).help(held.help())
        .callback(cb -> cb.call(held.size().getAsInt())).register(metrics);
    this.thread = new Thread(this::run, "query-" + name + "-reader");
    thread.setDaemon(true);
  }

  /** The gauge of what a reader holds (families, alerts): metric name suffix, help, current size. */
  public record Held(String suffix, String help, IntSupplier size) {}

  /** Applies a record: {@code value} is null for a tombstone. */
  protected abstract void apply(String key, V value);

  public CompactedTopicReader<V> start() {
    thread.start();
    return this;
  }

  /** True once everything that was on the topic when reading started has been read. */
  public boolean caughtUp() {
    return caughtUp;
  }

  private void run() {
    try {
      while (running && !assign()) {
        Thread.sleep(RETRY_MS);
      }
      while (running) {
        try {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            if (!decodeAndApply(r)) {
              consumer.seek(new TopicPartition(r.topic(), r.partition()), r.offset());
              Thread.sleep(RETRY_MS);
              break;
            }
          }
          checkCaughtUp();
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
    if (r.value() == null) {
      apply(key, null);
      records.inc();
      return true;
    }
    V value;
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
    apply(key, value);
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
  }

  @Override
  public void close() {
    running = false;
    if (!thread.isAlive()) {
      if (thread.getState() == Thread.State.NEW) {
        consumer.close(Duration.ofSeconds(5));
      }
      return;
    }
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
