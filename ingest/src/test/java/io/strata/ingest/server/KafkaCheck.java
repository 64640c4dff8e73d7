package io.strata.ingest.server;

import io.strata.avro.MetricMetadata;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.embedded.junit.TestCluster;
import io.strata.schemas.model.Labels;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.serde.AvroWireSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads what ingest wrote: all records of a topic, decoded samples, metadata. */
public final class KafkaCheck {
  /** One decoded sample. */
  public record Point(String tenant, String source, Labels labels, long timestampMs, double value) {}

  private final TestCluster cluster;

  public KafkaCheck(TestCluster cluster) {
    this.cluster = cluster;
  }

  /** Polls until at least {@code atLeast} records arrived (10 s at most), then once more for stragglers. */
  public List<ConsumerRecord<byte[], byte[]>> records(String topic, int atLeast) {
    Properties c = new Properties();
    c.put("bootstrap.servers", cluster.bootstrapServers());
    c.put("group.id", "check-" + topic + System.nanoTime());
    c.put("auto.offset.reset", "earliest");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.currentTimeMillis() + 10_000;
      while (System.currentTimeMillis() < deadline && out.size() < atLeast) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      consumer.poll(Duration.ofMillis(atLeast == 0 ? 1500 : 500)).forEach(out::add);
    }
    return out;
  }

  public List<Point> samples(String topic, int atLeastRecords) {
    var serde = new AvroWireSerde<>(SchemaRegistries.forUrl(cluster.registryUrl()), SampleBatch.class);
    List<Point> out = new ArrayList<>();
    for (var r : records(topic, atLeastRecords)) {
      SampleBatch b = serde.deserialize(r.value());
      for (Series s : b.getSeries()) {
        Labels l = Labels.fromAvro(s.getLabels());
        for (var p : s.getSamples()) {
          out.add(new Point(b.getTenant(), b.getSource(), l, p.getTimestampMs(), p.getValue()));
        }
      }
    }
    return out;
  }

  public List<MetricMetadata> metadata(String topic, int atLeast) {
    var serde = new AvroWireSerde<>(SchemaRegistries.forUrl(cluster.registryUrl()), MetricMetadata.class);
    List<MetricMetadata> out = new ArrayList<>();
    for (var r : records(topic, atLeast)) {
      MetricMetadata m = serde.deserialize(r.value());
      if (!new String(r.key(), java.nio.charset.StandardCharsets.UTF_8).equals(m.getMetricFamilyName())) {
        throw new AssertionError("metadata record key " + new String(r.key()) + " is not the family name " + m.getMetricFamilyName());
      }
      out.add(m);
    }
    return out;
  }
}
