package io.strata.ingest.kafka;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.schemas.Topics;
import io.strata.schemas.model.SeriesKey;
import io.strata.schemas.model.SeriesPartitioner;
import io.strata.schemas.registry.SchemaRegistries;
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
 * (never one record per sample). The returned future completes only when Kafka acknowledged every batch
 * (acks=all, idempotent producer); it fails with {@link IngestRejectedException} when the producer's buffer
 * is full or the broker does not answer in time, so the caller answers 503 and the sender retries.
 */
public final class SampleBatchProducer implements AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;
  private final AvroWireSerde<SampleBatch> serde;
  private final String topic;
  private final Counter batches;
  private final Counter samples;
  private volatile int partitions = -1;

  public SampleBatchProducer(String bootstrap, String registryUrl, String topicPrefix, Map<String, String> overrides, PrometheusRegistry metrics) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    // batches are already large (one per partition per request): a short linger only merges concurrent requests
    p.put(ProducerConfig.LINGER_MS_CONFIG, "2");
    // backpressure instead of an unbounded queue: a full buffer fails the request after 1 s, the sender retries
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "1000");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    p.putAll(overrides);
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    this.serde = new AvroWireSerde<>(SchemaRegistries.forUrl(registryUrl), SampleBatch.class);
    this.topic = topicPrefix + Topics.SAMPLES;
    this.batches = Counter.builder().name("strata_ingest_batches_total").help("SampleBatch records acknowledged by Kafka").register(metrics);
    this.samples = Counter.builder().name("strata_ingest_samples_total").help("Samples acknowledged by Kafka").register(metrics);
  }

  public String topic() {
    return topic;
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

  /** Sends the series; completes when Kafka acknowledged them all. */
  public CompletableFuture<Void> send(String tenant, String source, List<SeriesSamples> series) {
    int n = partitions();
    Map<Integer, List<Series>> byPartition = new HashMap<>();
    long total = 0;
    for (SeriesSamples s : series) {
      if (s.count() == 0) {
        continue;
      }
      int partition = SeriesPartitioner.partition(SeriesKey.encode(tenant, s.labels()), n);
      List<Sample> list = new ArrayList<>(s.count());
      for (int i = 0; i < s.count(); i++) {
        list.add(new Sample(s.timestamps()[i], s.values()[i]));
      }
      total += s.count();
      byPartition.computeIfAbsent(partition, k -> new ArrayList<>()).add(new Series(s.labels().toAvro(), list));
    }
    List<CompletableFuture<Void>> acks = new ArrayList<>(byPartition.size());
    try {
      for (var e : byPartition.entrySet()) {
        byte[] value = serde.serialize(topic, new SampleBatch(tenant, source, e.getValue()));
        CompletableFuture<Void> ack = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(topic, e.getKey(), null, value), (md, ex) -> {
          if (ex != null) {
            ack.completeExceptionally(new IngestRejectedException("Kafka did not acknowledge the batch: " + ex.getMessage(), ex));
          } else {
            ack.complete(null);
          }
        });
        acks.add(ack);
      }
    } catch (TimeoutException e) {
      acks.forEach(a -> a.cancel(false));
      return CompletableFuture.failedFuture(new IngestRejectedException("producer buffer full or Kafka unavailable: " + e.getMessage(), e));
    } catch (KafkaException e) {
      return CompletableFuture.failedFuture(new IngestRejectedException("Kafka refused the batch: " + e.getMessage(), e));
    }
    long sent = total;
    int nBatches = acks.size();
    return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).thenRun(() -> {
      batches.inc(nBatches);
      samples.inc(sent);
    });
  }

  @Override
  public void close() {
    producer.close();
  }
}
