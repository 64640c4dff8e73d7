package io.strata.query.metadata;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.avro.MetricMetadata;
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
 * Reads the compacted {@code metrics.metadata} topic ({@link MetricMetadata} values in Confluent wire
 * format, key = family name) from the beginning into a {@link MetadataCatalog}, then follows it. No
 * consumer group: every query server holds the whole topic (it is small: one record per family), assigns
 * all partitions itself and commits nothing.
 *
 * <p>Failure semantics: a record that is not valid wire-format Avro is skipped and counted by reason
 * ({@code strata_query_metadata_records_skipped_total{reason}}); a registry that cannot be reached is
 * retried every second on the same record; a topic that does not exist yet is looked up again every
 * second; broker outages are the Kafka client's reconnects. The API serves whatever was read so far.
 */
public final class MetadataTopicReader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetadataTopicReader.class);
  /** Wait between lookups of a missing topic and retries of an unreachable registry. */
  static final long RETRY_MS = 1_000;

  private final String topic;
  private final MetadataCatalog catalog;
  private final AvroWireSerde<MetricMetadata> serde;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;
  private final Counter records;
  private final Counter skipped;
  private volatile boolean running = true;
  private volatile boolean caughtUp;
  private Map<TopicPartition, Long> endAtStart;

  /**
   * @param bootstrapServers Kafka
   * @param registryUrl the schema registry ({@code http://...} or {@code mock://scope})
   * @param topic the full topic name ({@code <prefix>metrics.metadata})
   */
  public MetadataTopicReader(String bootstrapServers, String registryUrl, String topic, MetadataCatalog catalog, PrometheusRegistry metrics) {
    this.topic = topic;
    this.catalog = catalog;
    this.serde = new AvroWireSerde<>(SchemaRegistries.forUrl(registryUrl), MetricMetadata.class);
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "strata-query-metadata");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    this.consumer = new KafkaConsumer<>(p);
    this.records = Counter.builder().name("strata_query_metadata_records_total")
        .help("metrics.metadata records applied to the metadata the API serves").register(metrics);
    this.skipped = Counter.builder().name("strata_query_metadata_records_skipped_total")
        .help("metrics.metadata records skipped because they could not be decoded, by reason").labelNames("reason").register(metrics);
    GaugeWithCallback.builder().name("strata_query_metadata_families").help("metric families with metadata, all tenants")
        .callback(cb -> cb.call(catalog.size())).register(metrics);
    this.thread = new Thread(this::run, "query-metadata-reader");
    thread.setDaemon(true);
  }

  public MetadataTopicReader start() {
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
            if (!apply(r)) {
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
      log.debug("metadata topic {} not available yet: {}", topic, e.toString());
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

  /** Applies one record; false when the registry is unreachable and the record must be read again. */
  private boolean apply(ConsumerRecord<byte[], byte[]> r) {
    if (r.key() == null) {
      skipped.labelValues("no_key").inc();
      return true;
    }
    String family = new String(r.key(), StandardCharsets.UTF_8);
    if (r.value() == null) {
      catalog.removeFamily(family);
      records.inc();
      return true;
    }
    MetricMetadata m;
    try {
      m = serde.deserialize(r.value());
    } catch (WireFormatException e) {
      skipped.labelValues(e.reason().name().toLowerCase(Locale.ROOT)).inc();
      log.warn("skipping {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
      return true;
    } catch (SchemaRegistryException e) {
      log.warn("schema registry unavailable, retrying {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
      return false;
    }
    catalog.put(m.getTenant(), m.getMetricFamilyName(), new MetadataCatalog.Entry(m.getType(), m.getHelp(), m.getUnit()));
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
