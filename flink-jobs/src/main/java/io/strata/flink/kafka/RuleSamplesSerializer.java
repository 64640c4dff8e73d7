package io.strata.flink.kafka;

import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.flink.model.DecodedBatch;
import io.strata.flink.model.RuleSamples;
import io.strata.flink.model.SeriesSamples;
import io.strata.schemas.model.Labels;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.registry.SchemaRegistry;
import io.strata.schemas.serde.AvroWireSerde;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes what one group evaluation wrote to one partition as a {@code SampleBatch} (source
 * {@value DecodedBatch#RULE_SOURCE}) on that partition, without a key, as ingest writes its batches.
 */
public class RuleSamplesSerializer implements KafkaRecordSerializationSchema<RuleSamples> {
  private static final long serialVersionUID = 1L;

  private final String topic;
  private final String registryUrl;
  private transient SchemaRegistry registry;
  private transient AvroWireSerde<SampleBatch> serde;

  public RuleSamplesSerializer(String topic, String registryUrl) {
    this.topic = topic;
    this.registryUrl = registryUrl;
  }

  @Override
  public void open(SerializationSchema.InitializationContext ctx, KafkaSinkContext sinkCtx) {
    registry = SchemaRegistries.forUrl(registryUrl);
    serde = new AvroWireSerde<>(registry, SampleBatch.class);
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(RuleSamples r, KafkaSinkContext ctx, Long timestamp) {
    return new ProducerRecord<>(topic, r.partition, null, serde.serialize(topic, toAvro(r)));
  }

  public static SampleBatch toAvro(RuleSamples r) {
    List<Series> series = new ArrayList<>(r.series.length);
    for (SeriesSamples s : r.series) {
      List<Sample> samples = new ArrayList<>(s.timestamps.length);
      for (int i = 0; i < s.timestamps.length; i++) {
        samples.add(new Sample(s.timestamps[i], s.values[i]));
      }
      series.add(new Series(Labels.of(s.labels).toAvro(), samples));
    }
    return new SampleBatch(r.tenant, DecodedBatch.RULE_SOURCE, series);
  }
}
