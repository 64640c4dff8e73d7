package io.strata.ingest.kafka;

import io.strata.schemas.model.SeriesHasher;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.avro.MetricMetadata;
import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.ingest.exposition.FamilyMetadata;
import io.strata.schemas.Topics;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.registry.SchemaRegistry;
import io.strata.schemas.registry.SchemaRegistryException;
import io.strata.schemas.serde.AvroWireSerde;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes the series of one request or scrape onto {@code metrics.samples}: groups them by the partition
 * Kafka's default partitioner picks for each series key, and sends one {@link SampleBatch} per partition
 * (never one record per sample; more, in order, when a partition's series pass
 * {@link PartitionedBatch#MAX_RECORD_BYTES}). The returned future completes only when Kafka acknowledged every batch
 * (acks=all, idempotent producer); it fails with {@link IngestRejectedException} when the producer's buffer
 * is full or the broker does not answer in time, so the caller answers 503 and the sender retries.
 *
 * <p>Also writes metric metadata to {@code metrics.metadata} (see {@link MetadataPublisher}) and raw keyed
 * records to other topics of the pipeline (the Pushgateway group log), over the same Kafka producer.
 *
 * <p>The non-Kafka override key {@value #ENCODER_KEY} selects how batches are encoded: {@code direct}
 * (default, {@link SampleBatchEncoder}; a {@link PartitionedBatch} is encoded while its request is
 * decoded), {@code direct-series} (a {@link PartitionedBatch} only collects {@link SeriesSamples}, encoded
 * when sent, as before the streaming batch; same bytes, kept to measure the difference) or
 * {@code avro-specific} (one Avro object per sample through {@link AvroWireSerde}; same bytes, kept to
 * measure the difference).
 */
public final class SampleBatchProducer implements AutoCloseable {
  public static final String ENCODER_KEY = "strata.ingest.encoder";
  /**
   * Largest keyed record {@link #sendRecord} writes: a Pushgateway group is one record of the group log (an
   * 8,000-series group is ~1 MB), so that topic is created with a {@code max.message.bytes} that takes it and
   * the producer's {@code max.request.size} is raised to match ({@link #MAX_REQUEST_BYTES}). Samples never
   * need it: their records stay under {@link PartitionedBatch#MAX_RECORD_BYTES}.
   */
  public static final int MAX_KEYED_RECORD_BYTES = 16 << 20;
  /** The producer's and the group log's size bound: the largest keyed record plus room for batch and record headers. */
  public static final int MAX_REQUEST_BYTES = MAX_KEYED_RECORD_BYTES + (64 << 10);

  private final KafkaProducer<byte[], byte[]> producer;
  private final SchemaRegistry registry;
  private final AvroWireSerde<SampleBatch> serde;
  private final String topicPrefix;
  private final String topic;
  private final boolean direct;
  private final boolean streaming;
  private final Map<String, Object> clientConfig;
  private final MetadataPublisher metadata;
  private final ThreadLocal<SeriesHasher> hashers = ThreadLocal.withInitial(SeriesHasher::new);
  private final ThreadLocal<EncoderPool> batchEncoders = ThreadLocal.withInitial(EncoderPool::new);
  private final Counter batches;
  private final Counter samples;
  private volatile int partitions = -1;
  private volatile int schemaId = -1;

  public SampleBatchProducer(String bootstrap, String registryUrl, String topicPrefix, Map<String, String> overrides, PrometheusRegistry metrics) {
    Map<String, String> kafkaOverrides = new HashMap<>(overrides);
    String encoder = kafkaOverrides.remove(ENCODER_KEY);
    if (encoder != null && !encoder.equals("direct") && !encoder.equals("direct-series") && !encoder.equals("avro-specific")) {
      throw new IllegalArgumentException(ENCODER_KEY + " must be direct, direct-series or avro-specific, got " + encoder);
    }
    this.direct = encoder == null || !encoder.equals("avro-specific");
    this.streaming = encoder == null || encoder.equals("direct");
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    // lz4: on the remote_write benchmark it cost no more ingest CPU than none (JNI compression is cheap next to
    // the rest; zstd cost ~1.3 CPU-s more per million samples) and shrinks the repetitive label bytes on disk
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    // batches are already large (one per partition per request): a short linger only merges concurrent requests
    p.put(ProducerConfig.LINGER_MS_CONFIG, "2");
    // one record per partition per request is ~50-100 KB for 2,000 samples: above the 16 KB default every
    // record got a fresh (unpooled) buffer and a batch of its own; 256 KiB buffers are pooled and let the
    // records of concurrent requests share a batch (fewer produce requests for the I/O thread)
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
    // backpressure instead of an unbounded queue: a full buffer fails the request after 1 s, the sender retries
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "1000");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    // Pushgateway group records up to MAX_KEYED_RECORD_BYTES (sample records are split far below it); the
    // buffer (buffer.memory, 32 MiB by default) must stay larger than one such record
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(MAX_REQUEST_BYTES));
    p.putAll(kafkaOverrides);
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    Map<String, Object> client = new HashMap<>(kafkaOverrides);
    client.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    this.clientConfig = Map.copyOf(client);
    this.registry = SchemaRegistries.forUrl(registryUrl);
    this.serde = new AvroWireSerde<>(registry, SampleBatch.class);
    this.topicPrefix = topicPrefix;
    this.topic = topicPrefix + Topics.SAMPLES;
    this.metadata = new MetadataPublisher(this, new AvroWireSerde<>(registry, MetricMetadata.class), topicPrefix + Topics.METADATA, metrics);
    this.batches = Counter.builder().name("strata_ingest_batches_total").help("SampleBatch records acknowledged by Kafka").register(metrics);
    this.samples = Counter.builder().name("strata_ingest_samples_total").help("Samples acknowledged by Kafka").register(metrics);
  }

  public String topic() {
    return topic;
  }

  /** The prefix of every topic name this producer writes (e.g. {@code t7.} in tests, empty by default). */
  public String topicPrefix() {
    return topicPrefix;
  }

  /** Bootstrap servers plus the Kafka overrides, for admin clients and consumers with the same connection settings. */
  public Map<String, Object> clientConfig() {
    return clientConfig;
  }

  /** Writes metric metadata (TYPE/HELP/UNIT) to {@code metrics.metadata}; see {@link MetadataPublisher}. */
  public MetadataPublisher metadata() {
    return metadata;
  }

  private int partitions() {
    int n = partitions;
    if (n <= 0) {
      try {
        n = producer.partitionsFor(topic).size();
      } catch (KafkaException e) {
        throw new IngestRejectedException("cannot read the partitions of " + topic + ": " + e.getMessage(), e);
      }
      partitions = n;
    }
    return n;
  }

  private int schemaId() {
    int id = schemaId;
    if (id < 0) {
      id = registry.register(AvroWireSerde.valueSubject(topic), serde.registeredSchema());
      schemaId = id;
    }
    return id;
  }

  /**
   * Sends the series; completes when Kafka acknowledged them all. Encoded as {@link #send(PartitionedBatch, List)}
   * does (records split at {@link PartitionedBatch#MAX_RECORD_BYTES}); a single series larger than that throws
   * {@link SeriesTooLargeException} before anything is sent.
   */
  public CompletableFuture<Void> send(String tenant, String source, List<SeriesSamples> series) {
    int n = partitions();
    if (direct) {
      try (PartitionedBatch batch = encodingBatch(tenant, source, n)) {
        for (SeriesSamples s : series) {
          batch.add(s);
        }
        return sendPartitions(n, batch.samples(), partition -> batch.records(partition, schemaId()));
      }
    }
    // avro-specific (kept only to measure the direct encoder against): one record per partition, not split
    // series indexes per partition, on primitive arrays: [partition][k] = index into series
    int[][] members = new int[n][];
    int[] counts = new int[n];
    SeriesHasher hasher = hashers.get();
    long total = 0;
    for (int i = 0; i < series.size(); i++) {
      SeriesSamples s = series.get(i);
      if (s.count() == 0) {
        continue;
      }
      EncodedSeries encoded = s.encoded();
      int partition = encoded == null ? -1 : encoded.partition(tenant, n);
      if (partition < 0) {
        partition = hasher.partition(tenant, s.labels(), n);
      }
      int[] m = members[partition];
      if (m == null) {
        m = new int[Math.max(16, series.size() / n + 1)];
        members[partition] = m;
      } else if (counts[partition] == m.length) {
        m = java.util.Arrays.copyOf(m, m.length * 2);
        members[partition] = m;
      }
      m[counts[partition]++] = i;
      total += s.count();
    }
    return sendPartitions(n, total, partition -> counts[partition] == 0 ? List.of()
        : List.of(encodeSpecific(tenant, source, series, members[partition], counts[partition])));
  }

  /** The records of a partition, in order; empty when it has none. */
  private interface PartitionRecords {
    List<byte[]> records(int partition);
  }

  /** Sends each partition's record; completes when Kafka acknowledged them all, then counts batches and samples. */
  private CompletableFuture<Void> sendPartitions(int n, long total, PartitionRecords records) {
    List<CompletableFuture<Void>> acks = new ArrayList<>();
    try {
      for (int partition = 0; partition < n; partition++) {
        for (byte[] value : records.records(partition)) {
          acks.add(sendRecord(new ProducerRecord<>(topic, partition, null, value)));
        }
      }
    } catch (TimeoutException e) {
      acks.forEach(a -> a.cancel(false));
      return CompletableFuture.failedFuture(new IngestRejectedException("producer buffer full or Kafka unavailable: " + e.getMessage(), e));
    } catch (KafkaException e) {
      return CompletableFuture.failedFuture(new IngestRejectedException("Kafka refused the batch: " + e.getMessage(), e));
    } catch (SchemaRegistryException e) {
      return CompletableFuture.failedFuture(new IngestRejectedException("schema registry unavailable: " + e.getMessage(), e));
    }
    long sent = total;
    int nBatches = acks.size();
    return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).thenRun(() -> {
      batches.inc(nBatches);
      samples.inc(sent);
    });
  }

  /**
   * Encoders of one thread's batches, reused from request to request (when their buffers together grew past
   * {@link #MAX_POOLED_BYTES}, the grown ones are dropped instead, so a rare huge request does not pin its
   * memory per Jetty thread).
   */
  private static final class EncoderPool {
    SampleBatchEncoder[] encoders = new SampleBatchEncoder[0];
    boolean inUse;
  }

  /**
   * 1 MiB kept per thread: the records of a 2,000-sample request (Prometheus's max_samples_per_send) with
   * node_exporter labels are ~240 KB in all, whatever the partition count.
   */
  private static final long MAX_POOLED_BYTES = 1 << 20;
  /** Initial buffer of a pooled encoder: grows (doubling) to the largest record of its partition. */
  private static final int POOLED_INITIAL_BYTES = 1024;

  /**
   * A batch for the series of one request of {@code tenant}, to be sent with {@link #send(PartitionedBatch, List)}
   * and closed. With the default encoder it encodes each series into its partition's record as it is added
   * (buffers pooled per thread); when the partitions cannot be read now (Kafka unavailable) or another
   * encoder is configured it only collects the series, and sending fails or encodes them as {@link #send} does.
   */
  public PartitionedBatch batch(String tenant, String source) {
    int n = partitions;
    if (!streaming) {
      return PartitionedBatch.collecting(tenant, source);
    }
    if (n <= 0) {
      try {
        n = partitions();
      } catch (IngestRejectedException e) {
        return PartitionedBatch.collecting(tenant, source); // send() reports it, after the request was validated
      }
    }
    return encodingBatch(tenant, source, n);
  }

  /** An encoding batch for {@code n} partitions, with this thread's pooled encoders when they are free. */
  private PartitionedBatch encodingBatch(String tenant, String source, int n) {
    EncoderPool pool = batchEncoders.get();
    if (pool.inUse) { // a second batch open on this thread: its own buffers
      return PartitionedBatch.encoding(tenant, source, n);
    }
    if (pool.encoders.length < n) {
      SampleBatchEncoder[] grown = java.util.Arrays.copyOf(pool.encoders, n);
      for (int p = pool.encoders.length; p < n; p++) {
        grown[p] = new SampleBatchEncoder(POOLED_INITIAL_BYTES);
      }
      pool.encoders = grown;
    }
    SampleBatchEncoder[] encoders = pool.encoders.length == n ? pool.encoders : java.util.Arrays.copyOf(pool.encoders, n);
    pool.inUse = true;
    return new PartitionedBatch(tenant, source, encoders, () -> {
      long kept = 0;
      for (SampleBatchEncoder e : pool.encoders) {
        kept += e.capacity();
      }
      if (kept > MAX_POOLED_BYTES) {
        for (int p = 0; p < pool.encoders.length; p++) {
          if (pool.encoders[p].capacity() > POOLED_INITIAL_BYTES) {
            pool.encoders[p] = new SampleBatchEncoder(POOLED_INITIAL_BYTES);
          }
        }
      }
      pool.inUse = false;
    });
  }

  /**
   * Sends the series of the batch (one record per partition that got any) and the metadata; completes when
   * Kafka acknowledged all of both. The batch's bytes are copied out: it may be closed as soon as this returns.
   */
  public CompletableFuture<Void> send(PartitionedBatch batch, List<FamilyMetadata> families) {
    if (!batch.encodes()) {
      return send(batch.tenant(), batch.source(), batch.collected(), families);
    }
    int n = partitions();
    if (batch.partitions() != n) {
      throw new IllegalStateException("BUG: batch for " + batch.partitions() + " partitions, topic has " + n);
    }
    CompletableFuture<Void> data = sendPartitions(n, batch.samples(), partition -> batch.records(partition, schemaId()));
    return withMetadata(data, batch.tenant(), families);
  }

  /** Sends the series and the metadata; completes when Kafka acknowledged all of both. */
  public CompletableFuture<Void> send(String tenant, String source, List<SeriesSamples> series, List<FamilyMetadata> families) {
    return withMetadata(send(tenant, source, series), tenant, families);
  }

  private CompletableFuture<Void> withMetadata(CompletableFuture<Void> data, String tenant, List<FamilyMetadata> families) {
    if (families.isEmpty()) {
      return data;
    }
    CompletableFuture<Void> meta;
    try {
      meta = metadata.publish(tenant, families);
    } catch (IngestRejectedException e) {
      meta = CompletableFuture.failedFuture(e);
    }
    return CompletableFuture.allOf(data, meta);
  }

  private byte[] encodeSpecific(String tenant, String source, List<SeriesSamples> series, int[] idx, int count) {
    List<Series> list = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      SeriesSamples s = series.get(idx[k]);
      List<Sample> samplesOf = new ArrayList<>(s.count());
      for (int i = 0; i < s.count(); i++) {
        samplesOf.add(new Sample(s.timestamps()[i], s.values()[i]));
      }
      list.add(new Series(s.labels().toAvro(), samplesOf));
    }
    return serde.serialize(topic, new SampleBatch(tenant, source, list));
  }

  /**
   * Sends one keyed record to a topic of the pipeline; completes when Kafka acknowledged it, or fails with
   * {@link IngestRejectedException}. A null value is a tombstone.
   */
  public CompletableFuture<Void> sendRecord(String recordTopic, byte[] key, byte[] value) {
    try {
      return sendRecord(new ProducerRecord<>(recordTopic, key, value));
    } catch (TimeoutException e) {
      return CompletableFuture.failedFuture(new IngestRejectedException("producer buffer full or Kafka unavailable: " + e.getMessage(), e));
    } catch (KafkaException e) {
      return CompletableFuture.failedFuture(new IngestRejectedException("Kafka refused the record: " + e.getMessage(), e));
    }
  }

  private CompletableFuture<Void> sendRecord(ProducerRecord<byte[], byte[]> record) {
    CompletableFuture<Void> ack = new CompletableFuture<>();
    producer.send(record, (md, ex) -> {
      if (ex != null) {
        ack.completeExceptionally(new IngestRejectedException("Kafka did not acknowledge the record for " + record.topic() + ": " + ex.getMessage(), ex));
      } else {
        ack.complete(null);
      }
    });
    return ack;
  }

  @Override
  public void close() {
    producer.close();
  }
}
