package io.strata.flink.kafka;

import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.flink.job.ForStateSource;
import io.strata.promql.storage.InMemoryStorage;
import io.strata.promql.storage.Queryable;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.SeriesPartitioner;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.serde.AvroWireSerde;
import io.strata.schemas.serde.WireFormatException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads {@code ALERTS_FOR_STATE} series back from the samples topic, where the rule job wrote them. Each series
 * lives on one partition (the series-key partitioner's choice, as the job writes it), so only those partitions
 * are read, from the first record stamped at or after {@code mint} (a record is stamped when it is written,
 * never before the samples it carries) to the end offsets at the call ({@code read_committed}: only what
 * committed). Records that do not decode are skipped (the samples source dead-letters them).
 *
 * <p>Why the topic and not the query API: it holds exactly what the job wrote, stale markers included (a query
 * drops them, and a resolved alert would be restored), it needs nothing the job does not already have (the
 * query server may not run where the job runs, and the store lags the topic), and it is what the restarted
 * job would have read had it kept its state. The cost is reading up to the outage tolerance (1h) of those
 * partitions, once per group that has alerts to restore, on the evaluator's task thread.
 */
public final class ForStateReader implements ForStateSource {
  private static final long serialVersionUID = 1L;
  /** A reading that takes longer restores from what was read so far. */
  static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  private final String bootstrap;
  private final String topic;
  private final String registryUrl;
  private final HashMap<String, String> kafkaClient;

  /** @param kafkaClient extra consumer properties (e.g. a SASL login) */
  public ForStateReader(String bootstrap, String topic, String registryUrl, Map<String, String> kafkaClient) {
    this.kafkaClient = new HashMap<>(kafkaClient);
    this.bootstrap = bootstrap;
    this.topic = topic;
    this.registryUrl = registryUrl;
  }

  @Override
  public Queryable read(String tenant, List<Labels> series, long mintMs, long maxtMs) {
    Set<Labels> wanted = new HashSet<>(series);
    Map<Labels, TreeMap<Long, Double>> found = new HashMap<>();
    Properties p = new Properties();
    p.putAll(kafkaClient);
    p.put("bootstrap.servers", bootstrap);
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    p.put("isolation.level", "read_committed");
    p.put("enable.auto.commit", "false");
    p.put("client.id", "strata-flink-for-state-restore");
    AvroWireSerde<SampleBatch> serde = new AvroWireSerde<>(SchemaRegistries.forUrl(registryUrl), SampleBatch.class);
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      int partitions = c.partitionsFor(topic).size();
      Map<TopicPartition, Long> since = new HashMap<>();
      for (Labels l : wanted) {
        since.put(new TopicPartition(topic, SeriesPartitioner.partition(tenant, l, partitions)), mintMs);
      }
      Map<TopicPartition, OffsetAndTimestamp> from = c.offsetsForTimes(since);
      Map<TopicPartition, Long> end = c.endOffsets(since.keySet());
      Map<TopicPartition, Long> todo = new HashMap<>();
      for (var e : from.entrySet()) {
        if (e.getValue() != null && e.getValue().offset() < end.get(e.getKey())) {
          todo.put(e.getKey(), end.get(e.getKey()));
        }
      }
      c.assign(todo.keySet());
      for (TopicPartition tp : todo.keySet()) {
        c.seek(tp, from.get(tp).offset());
      }
      long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
      while (!todo.isEmpty() && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          collect(r.value(), serde, tenant, wanted, mintMs, maxtMs, found);
        }
        todo.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
      }
    }
    InMemoryStorage store = new InMemoryStorage();
    found.forEach((l, samples) -> samples.forEach((t, v) -> store.add(l, t, v)));
    return store;
  }

  private static void collect(byte[] value, AvroWireSerde<SampleBatch> serde, String tenant, Set<Labels> wanted,
      long mint, long maxt, Map<Labels, TreeMap<Long, Double>> found) {
    if (value == null || value.length == 0) {
      return;
    }
    SampleBatch b;
    try {
      b = serde.deserialize(value);
    } catch (WireFormatException e) {
      return;
    }
    if (!tenant.equals(b.getTenant())) {
      return;
    }
    for (Series s : b.getSeries()) {
      Labels l = Labels.fromAvro(s.getLabels());
      if (!wanted.contains(l)) {
        continue;
      }
      for (Sample smp : s.getSamples()) {
        if (smp.getTimestampMs() >= mint && smp.getTimestampMs() <= maxt) {
          found.computeIfAbsent(l, k -> new TreeMap<>()).put(smp.getTimestampMs(), smp.getValue());
        }
      }
    }
  }
}
