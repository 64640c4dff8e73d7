package io.strata.flink.kafka;

import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.flink.model.DeadLetter;
import io.strata.flink.model.DecodedBatch;
import io.strata.flink.model.RawRecord;
import io.strata.flink.model.SeriesSamples;
import io.strata.schemas.model.Labels;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.registry.SchemaRegistry;
import io.strata.schemas.serde.AvroWireSerde;
import io.strata.schemas.serde.WireFormatException;
import java.util.List;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes {@code SampleBatch} records (Confluent wire format) inside the Kafka source, so each partition's
 * watermark follows the sample timestamps it carries. A record that does not decode becomes a
 * {@link DecodedBatch#dead dead letter} with its original key and bytes; a registry that cannot be reached
 * is not the record's fault: that exception fails the job, which restarts from its last checkpoint.
 */
public class SampleBatchDeserializer implements KafkaRecordDeserializationSchema<DecodedBatch> {
  private static final long serialVersionUID = 1L;

  private final String registryUrl;
  private transient SchemaRegistry registry;
  private transient AvroWireSerde<SampleBatch> serde;

  public SampleBatchDeserializer(String registryUrl) {
    this.registryUrl = registryUrl;
  }

  @Override
  public void open(DeserializationSchema.InitializationContext ctx) {
    registry = SchemaRegistries.forUrl(registryUrl);
    serde = new AvroWireSerde<>(registry, SampleBatch.class);
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<DecodedBatch> out) {
    out.collect(decode(r.key(), r.value(), r.topic(), r.partition(), r.offset()));
  }

  DecodedBatch decode(byte[] key, byte[] value, String topic, int partition, long offset) {
    RawRecord raw = new RawRecord(key, value, topic, partition, offset);
    if (value == null || value.length == 0) {
      return DecodedBatch.dead(new DeadLetter(raw, WireFormatException.Reason.EMPTY.name(), "empty record value"));
    }
    SampleBatch batch;
    try {
      batch = serde.deserialize(value);
    } catch (WireFormatException e) {
      return DecodedBatch.dead(new DeadLetter(raw, e.reason().name(), e.getMessage()));
    }
    return toDecoded(batch);
  }

  public static DecodedBatch toDecoded(SampleBatch batch) {
    DecodedBatch b = new DecodedBatch();
    b.tenant = batch.getTenant();
    b.source = batch.getSource();
    b.series = new SeriesSamples[batch.getSeries().size()];
    long max = Long.MIN_VALUE;
    int i = 0;
    for (Series s : batch.getSeries()) {
      List<Sample> samples = s.getSamples();
      long[] ts = new long[samples.size()];
      double[] vs = new double[ts.length];
      for (int k = 0; k < ts.length; k++) {
        ts[k] = samples.get(k).getTimestampMs();
        vs[k] = samples.get(k).getValue();
        max = Math.max(max, ts[k]);
      }
      b.series[i++] = new SeriesSamples(SeriesSamples.pairs(Labels.fromAvro(s.getLabels())), ts, vs);
    }
    b.maxTimestampMs = max;
    return b;
  }

  @Override
  public TypeInformation<DecodedBatch> getProducedType() {
    return TypeInformation.of(DecodedBatch.class);
  }
}
