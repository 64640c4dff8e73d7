package io.strata.schemas.kafka;

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
import java.util.function.Consumer;
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
 * Reads a compacted topic of Avro values (Confluent wire format, UTF-8 keys) from the beginning, hands every
 * record to a {@link Handler}, then follows the topic, on a thread of its own. No consumer group: the reader
 * assigns every partition itself, reads from the beginning at every start and commits nothing, because a
 * compacted "latest state per key" topic is needed whole, not from a position (the query server's metadata
 * and alerts, the delivery stage's alerts).
 *
 * <p>Failure semantics: a record without a key is skipped as {@code no_key}; a value that is not valid
 * wire-format Avro is skipped by {@link WireFormatException.Reason} in lower case; a record the handler
 * cannot apply (it throws) is skipped as {@code invalid_event}: each is counted through {@link Counts} and
 * the reader carries on (nothing is dead-lettered: the topic is re-read at every start). A registry that
 * cannot be reached is retried every second on the same record; a topic that does not exist yet is looked
 * up again every second; broker outages are the Kafka client's reconnects.
 */
public final class CompactedTopicReader<V extends SpecificRecord> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CompactedTopicReader.class);
  /** Wait between lookups of a missing topic and retries of an unreachable registry or broker. */
  public static final long RETRY_MS = 1_000;
  /** The skip reason of a record the handler could not apply. */
  public static final String INVALID_EVENT = "invalid_event";

  /** What the reader does with the records, called on the reader's thread. */
  public interface Handler<V> {
    /**
     * Applies a record: {@code value} is null for a tombstone. An exception skips the record (counted as
     * {@link #INVALID_EVENT}).
     */
    void apply(String key, V value);

    /** Called once, when everything the topic held at start has been read. */
    default void caughtUp() {}

    /** Called after every poll, records or not (at least every poll timeout): a timer for the stage. */
    default void polled(boolean caughtUp) {}
  }

  /** Where the reader counts records (the stage's own metrics). */
  public interface Counts {
    /** A record (tombstones included) was applied. */
    void applied();

    /** A record was skipped: {@code no_key}, a wire-format reason in lower case, or {@link #INVALID_EVENT}. */
    void skipped(String reason);

    static Counts of(Runnable applied, Consumer<String> skipped) {
      return new Counts() {
        @Override
        public void applied() {
          applied.run();
        }

        @Override
        public void skipped(String reason) {
          skipped.accept(reason);
        }
      };
    }
  }

  /**
   * How the stage reads.
   *
   * @param clientId the Kafka client id
   * @param threadName the reader thread's name
   * @param pollTimeout the longest wait for records, so the longest gap between {@link Handler#polled} calls
   * @param readCommitted {@code isolation.level=read_committed}: only what transactional writers committed,
   *     and the end offsets caught up against are the last stable offsets
   */
  public record Options(String clientId, String threadName, Duration pollTimeout, boolean readCommitted) {}

  private final String topic;
  private final AvroWireSerde<V> serde;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Handler<V> handler;
  private final Counts counts;
  private final Duration pollTimeout;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean caughtUp;
  /** What ended the thread other than {@link #close()}, or null. */
  private volatile Throwable died;
  private Map<TopicPartition, Long> endAtStart;

  /**
   * @param registryUrl the schema registry ({@code http://...} or {@code mock://scope})
   * @param topic the full topic name, prefix included
   */
  public CompactedTopicReader(Class<V> type, String bootstrapServers, String registryUrl, String topic, Options options, Handler<V> handler,
      Counts counts) {
    this(type, bootstrapServers, Map.of(), registryUrl, topic, options, handler, counts);
  }

  /** @param kafkaClient extra consumer properties (e.g. a SASL login) */
  public CompactedTopicReader(Class<V> type, String bootstrapServers, Map<String, String> kafkaClient, String registryUrl, String topic,
      Options options, Handler<V> handler, Counts counts) {
    this.topic = topic;
    this.handler = handler;
    this.counts = counts;
    this.pollTimeout = options.pollTimeout();
    this.serde = new AvroWireSerde<>(SchemaRegistries.forUrl(registryUrl), type);
    Properties p = new Properties();
    p.putAll(kafkaClient);
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, options.clientId());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, IdleFetch.FETCH_MAX_WAIT_MS);
    if (options.readCommitted()) {
      p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    }
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    this.consumer = new KafkaConsumer<>(p);
    this.thread = new Thread(this::run, options.threadName());
    thread.setDaemon(true);
  }

  public CompactedTopicReader<V> start() {
    thread.start();
    return this;
  }

  /** True once everything that was on the topic when reading started has been read. */
  public boolean caughtUp() {
    return caughtUp;
  }

  public String topic() {
    return topic;
  }

  /**
   * Null while the reading thread runs (or was not started yet, or was closed); else why it ended: an error
   * the loop does not retry (a bug in a handler), after which nothing is read until a new reader starts.
   */
  public String failure() {
    if (!running || thread.getState() == Thread.State.NEW || thread.isAlive()) {
      return null;
    }
    Throwable t = died;
    return t == null ? "the reading thread ended" : t.toString();
  }

  private void run() {
    try {
      while (running && !assign()) {
        Thread.sleep(RETRY_MS);
      }
      while (running) {
        try {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(pollTimeout)) {
            if (!decodeAndApply(r)) {
              consumer.seek(new TopicPartition(r.topic(), r.partition()), r.offset());
              Thread.sleep(RETRY_MS);
              break;
            }
          }
          checkCaughtUp();
          handler.polled(caughtUp);
        } catch (WakeupException e) {
          throw e;
        } catch (KafkaException e) {
          log.warn("reading {} failed, retrying: {}", topic, e.toString());
          Thread.sleep(RETRY_MS);
        }
      }
    } catch (WakeupException | InterruptedException e) {
      // closing
    } catch (RuntimeException | Error e) {
      died = e;
      log.error("reading {} stopped: {}", topic, e.toString(), e);
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
    // with read_committed the end offsets are the last stable offsets, what a position can reach
    endAtStart = consumer.endOffsets(tps, Duration.ofSeconds(10));
    return true;
  }

  /** False when the registry is unreachable and the record must be read again. */
  private boolean decodeAndApply(ConsumerRecord<byte[], byte[]> r) {
    if (r.key() == null) {
      counts.skipped("no_key");
      return true;
    }
    String key = new String(r.key(), StandardCharsets.UTF_8);
    V value = null;
    if (r.value() != null) {
      try {
        value = serde.deserialize(r.value());
      } catch (WireFormatException e) {
        counts.skipped(e.reason().name().toLowerCase(Locale.ROOT));
        log.warn("skipping {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
        return true;
      } catch (SchemaRegistryException e) {
        log.warn("schema registry unavailable, retrying {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
        return false;
      }
    }
    try {
      handler.apply(key, value);
    } catch (RuntimeException e) {
      // a value the schema allows but the stage cannot use
      counts.skipped(INVALID_EVENT);
      log.warn("skipping {}-{}@{}: cannot apply the record: {}", r.topic(), r.partition(), r.offset(), e.toString());
      return true;
    }
    counts.applied();
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
    handler.caughtUp();
  }

  /** Stops the thread (waits up to 10 s) and closes the consumer. */
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
  }
}
