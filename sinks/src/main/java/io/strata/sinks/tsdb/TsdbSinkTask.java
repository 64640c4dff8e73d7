package io.strata.sinks.tsdb;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.avro.RollupBatch;
import io.strata.avro.RollupSeries;
import io.strata.avro.RollupWindow;
import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.schemas.Topics;
import io.strata.schemas.deadletter.DeadLetters;
import io.strata.schemas.kafka.PartitionCounts;
import io.strata.schemas.model.SampleBatchCheck;
import io.strata.schemas.model.Labels;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.registry.SchemaRegistry;
import io.strata.schemas.serde.AvroWireSerde;
import io.strata.schemas.serde.WireFormatException;
import io.strata.tsdb.AppendResult;
import io.strata.tsdb.Resolution;
import io.strata.tsdb.RollupPoint;
import io.strata.tsdb.SharedStores;
import io.strata.tsdb.Store;
import io.strata.tsdb.Stores;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends each record's samples (or rollup windows) to the shared store. Kafka is the write-ahead log:
 * {@link #preCommit} makes the store durable with the offsets first and only then lets Connect commit
 * them, and {@link #open} rewinds each partition to the offset stored with the data, so a crash loses
 * nothing and a replay is a no-op (appends are idempotent).
 */
public final class TsdbSinkTask extends SinkTask {
  private static final Logger log = LoggerFactory.getLogger(TsdbSinkTask.class);
  private static final PrometheusRegistry METRICS = PrometheusRegistry.defaultRegistry;
  private static final Counter APPENDS = Counter.builder().name("strata_sink_appends_total")
      .help("Samples and rollup windows handed to the store, by resolution and result").labelNames("resolution", "result").register(METRICS);
  private static final Counter DEADLETTER = Counter.builder().name("strata_sink_deadletter_total")
      .help("Records the sink could not decode or refused (series check), sent to the dead-letter topic, by reason").labelNames("reason").register(METRICS);

  /**
   * What the store refuses of a sample after ingest acknowledged it: another value at a stored timestamp, or a
   * timestamp older than the out-of-order window allows. The record goes to the dead-letter topic once per
   * reason (its appended samples stay stored: a replay of the dead letter appends them again as no-ops).
   */
  static final List<AppendResult> REFUSED = List.of(AppendResult.CONFLICTING_VALUE, AppendResult.TOO_OLD);

  static {
    for (String r : DeadLetters.sampleReasons()) {
      DEADLETTER.labelValues(r).inc(0); // every reason shows from the start, at 0
    }
    for (AppendResult r : REFUSED) {
      DEADLETTER.labelValues(r.name()).inc(0);
    }
  }

  public static final String STAGE = "sink";

  private TsdbSinkConfig cfg;
  private Store store;
  /** The sink's consumer group ({@code connect-<connector name>}); null when the config does not say. */
  private String group;
  private AvroWireSerde<SampleBatch> samples;
  private AvroWireSerde<RollupBatch> rollups;
  private Admin admin;
  private PartitionCounts partitionCounts;
  /** Writes dead letters; null when no dead-letter topic is configured. */
  private KafkaProducer<byte[], byte[]> deadletters;
  /** The first failed dead-letter write: the task fails at the next put or commit, before its offsets move. */
  private final AtomicReference<Exception> deadletterFailure = new AtomicReference<>();

  @Override
  public String version() {
    return Version.VERSION;
  }

  @Override
  public void start(Map<String, String> props) {
    cfg = new TsdbSinkConfig(props);
    if (cfg.dataDir == null) {
      store = WorkerStore.get();
      if (store == null) {
        throw new ConnectException(TsdbSinkConfig.DATA_DIR + " is empty and this Connect worker has no store of its own: run the worker "
            + "with `strata connect`, which opens one under its --data-dir, or name a directory in " + TsdbSinkConfig.DATA_DIR);
      }
    } else {
      // the first user in this JVM opens it (in `strata up` the app, so the query server shares it)
      store = SharedStores.acquire(cfg.dataDir, dir -> Stores.open(cfg.tsdb, METRICS));
    }
    // the sink's consumer group, whose committed offsets open() compares with the store's
    String name = props.get("name");
    group = props.getOrDefault("consumer.override.group.id", name == null ? null : "connect-" + name);
    SchemaRegistry registry = SchemaRegistries.forUrl(cfg.registryUrl);
    samples = new AvroWireSerde<>(registry, SampleBatch.class);
    rollups = new AvroWireSerde<>(registry, RollupBatch.class);
    Map<String, Object> adminProps = new HashMap<>(cfg.kafkaClient);
    adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.kafkaBootstrap);
    admin = Admin.create(adminProps);
    partitionCounts = PartitionCounts.cached(admin);
    if (!cfg.deadletterTopic.isEmpty()) {
      Map<String, Object> p = new HashMap<>(cfg.kafkaClient);
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.kafkaBootstrap);
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      deadletters = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }
  }

  /**
   * Where each newly assigned partition resumes: the later of the offset stored with this store's data and the
   * group's committed offset. The stored one is later after a crash between the store's commit and Kafka's (nothing
   * re-delivered that is already durable here); the committed one is later when the partition was written by
   * another worker since this store last held it (its data is in that worker's store: re-reading it here would only
   * copy it). Without a committed offset at hand (no group name, the broker not answering in time) the stored one
   * is used: at worst a copy the query fan-out merges away, never a gap.
   */
  @Override
  public void open(Collection<TopicPartition> partitions) {
    Map<String, Long> stored = store.committedOffsets();
    Map<TopicPartition, Long> ours = new HashMap<>();
    for (TopicPartition tp : partitions) {
      Long next = stored.get(key(tp));
      if (next != null) {
        ours.put(tp, next);
      }
    }
    if (ours.isEmpty()) {
      return; // the consumer starts at the committed offsets
    }
    Map<TopicPartition, Long> rewind = resumeOffsets(ours, committed(ours.keySet()));
    if (!rewind.isEmpty()) {
      log.info("resuming from offsets stored with the data: {}", rewind);
      context.offset(rewind);
    }
  }

  /** Of the offsets stored with the data, those ahead of the group's committed ones (or with none committed). */
  static Map<TopicPartition, Long> resumeOffsets(Map<TopicPartition, Long> stored, Map<TopicPartition, Long> committed) {
    Map<TopicPartition, Long> out = new HashMap<>();
    stored.forEach((tp, next) -> {
      Long c = committed.get(tp);
      if (c == null || next > c) {
        out.put(tp, next);
      }
    });
    return out;
  }

  /** The sink group's committed offsets of these partitions; empty when they cannot be read. */
  private Map<TopicPartition, Long> committed(java.util.Set<TopicPartition> partitions) {
    if (group == null) {
      return Map.of();
    }
    try {
      Map<TopicPartition, OffsetAndMetadata> got = admin.listConsumerGroupOffsets(Map.of(group,
              new org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec().topicPartitions(partitions)))
          .partitionsToOffsetAndMetadata(group).get(10, java.util.concurrent.TimeUnit.SECONDS);
      Map<TopicPartition, Long> out = new HashMap<>();
      got.forEach((tp, om) -> {
        if (om != null) {
          out.put(tp, om.offset());
        }
      });
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Map.of();
    } catch (Exception e) {
      log.warn("cannot read the committed offsets of group {} ({}): resuming from the offsets stored with the data", group, e.toString());
      return Map.of();
    }
  }

  static String key(TopicPartition tp) {
    return tp.topic() + "/" + tp.partition();
  }

  @Override
  public void put(Collection<SinkRecord> records) {
    failIfDeadLetterWriteFailed();
    for (SinkRecord r : records) {
      byte[] value = (byte[]) r.value();
      if (value == null) {
        continue; // a tombstone carries no samples
      }
      try {
        if (r.topic().contains(Topics.ROLLUP_PREFIX)) {
          appendRollups(rollups.deserialize(value));
        } else {
          SampleBatch batch = samples.deserialize(value);
          SampleBatchCheck.Rejection refused = SampleBatchCheck.check(batch, r.kafkaPartition(), partitionCounts.of(r.topic()));
          if (refused != null) {
            deadletter(r, refused.reason().name(), refused.message());
            continue; // nothing of a refused batch is stored
          }
          appendSamples(r, batch);
        }
      } catch (WireFormatException e) {
        deadletter(r, e.reason().name(), e.getMessage());
      }
    }
  }

  /**
   * Sends the record as it was read (key, value, headers) with the {@link DeadLetters} headers. Written before
   * the offsets that pass it are committed ({@link #preCommit} flushes first): at least once.
   */
  private void deadletter(SinkRecord r, String reason, String message) {
    deadletter(r, reason, message, true);
  }

  /** As above; {@code failWithout}: without a dead-letter topic, fail the task (else only count and log). */
  private void deadletter(SinkRecord r, String reason, String message, boolean failWithout) {
    DEADLETTER.labelValues(reason).inc();
    if (deadletters == null && !failWithout) {
      log.warn("{} at {}/{}@{} (no {} configured): {}", reason, r.topic(), r.kafkaPartition(), r.kafkaOffset(),
          TsdbSinkConfig.DEADLETTER_TOPIC, message);
      return;
    }
    if (deadletters == null) {
      throw new ConnectException(reason + " at " + r.topic() + "/" + r.kafkaPartition() + "@" + r.kafkaOffset()
          + " and no " + TsdbSinkConfig.DEADLETTER_TOPIC + " configured: " + message);
    }
    List<Header> original = new ArrayList<>();
    for (org.apache.kafka.connect.header.Header h : r.headers()) {
      original.add(new RecordHeader(h.key(), headerBytes(h.value())));
    }
    DeadLetters.Source source = new DeadLetters.Source(r.topic(), r.kafkaPartition(), r.kafkaOffset(),
        r.timestamp() == null ? -1 : r.timestamp());
    byte[] key = r.key() instanceof byte[] k ? k : null;
    deadletters.send(new ProducerRecord<>(cfg.deadletterTopic, null, null, key, (byte[]) r.value(),
        DeadLetters.headers(original, STAGE, reason, message, source)), (md, e) -> {
          if (e != null) {
            deadletterFailure.compareAndSet(null, e);
          }
        });
  }

  /** A header's bytes: as read with {@code header.converter=ByteArrayConverter}, or its text otherwise. */
  private static byte[] headerBytes(Object v) {
    if (v == null || v instanceof byte[]) {
      return (byte[]) v;
    }
    return String.valueOf(v).getBytes(StandardCharsets.UTF_8);
  }

  private void failIfDeadLetterWriteFailed() {
    Exception e = deadletterFailure.get();
    if (e != null) {
      throw new ConnectException("cannot write to the dead-letter topic " + cfg.deadletterTopic + ": " + e, e);
    }
  }

  private void appendSamples(SinkRecord r, SampleBatch b) {
    String tenant = b.getTenant();
    int[] refused = null; // per REFUSED reason: how many samples
    String[] first = null; // per REFUSED reason: the first refused sample
    long total = 0;
    for (Series s : b.getSeries()) {
      Labels labels = Labels.fromAvro(s.getLabels());
      for (Sample sample : s.getSamples()) {
        AppendResult res = store.append(tenant, labels, sample.getTimestampMs(), sample.getValue());
        APPENDS.labelValues("raw", res.name().toLowerCase(java.util.Locale.ROOT)).inc();
        total++;
        int i = REFUSED.indexOf(res);
        if (i >= 0) {
          if (refused == null) {
            refused = new int[REFUSED.size()];
            first = new String[REFUSED.size()];
          }
          if (refused[i]++ == 0) {
            first[i] = labels + " at " + sample.getTimestampMs() + " with value " + sample.getValue();
          }
        }
      }
    }
    if (refused != null) {
      for (int i = 0; i < REFUSED.size(); i++) {
        if (refused[i] > 0) {
          deadletter(r, REFUSED.get(i).name(), refusalMessage(REFUSED.get(i)) + ": " + refused[i] + " of the " + total
              + " samples of the record not stored, the first " + first[i], false);
        }
      }
    }
  }

  /** Prometheus's words for what its store refuses (the 400 answers of its remote_write receiver). */
  static String refusalMessage(AppendResult r) {
    return switch (r) {
      case CONFLICTING_VALUE -> "duplicate sample for timestamp";
      case TOO_OLD -> "too old sample";
      default -> throw new IllegalStateException("BUG: " + r + " is not a refusal");
    };
  }

  private void appendRollups(RollupBatch b) {
    Resolution resolution = Resolution.parse(b.getResolution());
    for (RollupSeries s : b.getSeries()) {
      Labels labels = Labels.fromAvro(s.getLabels());
      for (RollupWindow w : s.getWindows()) {
        AppendResult res = store.appendRollup(b.getTenant(), labels, resolution, point(w));
        APPENDS.labelValues(resolution.name(), res.name().toLowerCase(java.util.Locale.ROOT)).inc();
      }
    }
  }

  /**
   * Every field of the window as the record has it: exact windows (RollupBatch v2) and legacy ones (written
   * by the old stage; the reader's defaults give them exact false and 0 in the fields they lack).
   */
  static RollupPoint point(RollupWindow w) {
    return new RollupPoint(w.getWindowStartMs(), w.getCount(), w.getSum(), w.getMin(), w.getMax(), w.getLast(), w.getCounter(), w.getFirstMs(),
        w.getFirst(), w.getLastMs(), w.getCorrection(), w.getResets(), w.getChanges(), w.getExact());
  }

  @Override
  public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
    Map<String, Long> offsets = new HashMap<>();
    currentOffsets.forEach((tp, om) -> offsets.put(key(tp), om.offset()));
    if (deadletters != null) {
      deadletters.flush(); // the dead letters of these offsets are written before the offsets are committed
      failIfDeadLetterWriteFailed();
    }
    store.commit(offsets); // data first, then offsets: only what is durable is committed to Kafka
    return currentOffsets;
  }

  @Override
  public void stop() {
    if (deadletters != null) {
      deadletters.close(Duration.ofSeconds(5));
      deadletters = null;
    }
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
      admin = null;
    }
    if (store != null) {
      if (cfg.dataDir != null) {
        SharedStores.release(cfg.dataDir);
      } // the worker's store is its owner's to close
      store = null;
    }
  }
}
