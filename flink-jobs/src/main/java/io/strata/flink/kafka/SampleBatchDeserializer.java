package io.strata.flink.kafka;

import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.flink.model.DeadLetter;
import io.strata.flink.model.DecodedBatch;
import io.strata.flink.model.RawRecord;
import io.strata.flink.model.SeriesSamples;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.SampleBatchCheck;
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
import org.apache.kafka.common.header.Header;

/**
 * Decodes {@code SampleBatch} records (Confluent wire format) inside the Kafka source, so each partition's
 * watermark follows the sample timestamps it carries. A record that does not decode, or that
 * {@link SampleBatchCheck} refuses, becomes a {@link DecodedBatch#dead dead letter} with its original key, bytes
 * and headers; a registry that cannot be reached
 * is not the record's fault: that exception fails the job, which restarts from its last checkpoint.
 */
public class SampleBatchDeserializer implements KafkaRecordDeserializationSchema<DecodedBatch> {
  private static final long serialVersionUID = 1L;

  private final String registryUrl;
  private final int partitions;
  private transient SchemaRegistry registry;
  private transient AvroWireSerde<SampleBatch> serde;

  /**
   * @param partitions the samples topic's partition count (read at job start, as the rule output's partitioning
   *     uses it): a batch whose series belong on another partition than the one it was read from is refused
   */
  public SampleBatchDeserializer(String registryUrl, int partitions) {
    this.registryUrl = registryUrl;
    this.partitions = partitions;
  }

  @Override
  public void open(DeserializationSchema.InitializationContext ctx) {
    registry = SchemaRegistries.forUrl(registryUrl);
    serde = new AvroWireSerde<>(registry, SampleBatch.class);
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<DecodedBatch> out) {
    Header[] headers = r.headers().toArray();
    String[] keys = new String[headers.length];
    byte[][] values = new byte[headers.length][];
    for (int i = 0; i < headers.length; i++) {
      keys[i] = headers[i].key();
      values[i] = headers[i].value();
    }
    out.collect(decode(new RawRecord(r.key(), r.value(), r.topic(), r.partition(), r.offset(), r.timestamp(), keys, values)));
  }

  /**
   * The decoded batch, or a dead letter when the value is not a wire-format SampleBatch or {@link SampleBatchCheck}
   * refuses it (nothing of a refused record is evaluated).
   */
  DecodedBatch decode(RawRecord raw) {
    SampleBatch batch;
    try {
      batch = serde.deserialize(raw.value);
    } catch (WireFormatException e) {
      return DecodedBatch.dead(new DeadLetter(raw, e.reason().name(), e.getMessage()));
    }
    SampleBatchCheck.Rejection refused = SampleBatchCheck.check(batch, raw.partition, partitions);
    if (refused != null) {
      return DecodedBatch.dead(new DeadLetter(raw, refused.reason().name(), refused.message()));
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
