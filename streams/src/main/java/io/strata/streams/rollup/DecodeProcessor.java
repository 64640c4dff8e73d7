package io.strata.streams.rollup;

import io.strata.avro.SampleBatch;
import io.strata.schemas.deadletter.DeadLetters;
import io.strata.schemas.kafka.PartitionCounts;
import io.strata.schemas.model.SampleBatchCheck;
import io.strata.schemas.registry.SchemaRegistryException;
import io.strata.schemas.serde.AvroWireSerde;
import io.strata.schemas.serde.WireFormatException;
import io.strata.streams.metrics.RollupMetrics;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes each input record as a wire-format SampleBatch, checks it ({@link SampleBatchCheck}: label names,
 * metric name, duplicates, empty values, the partition rule) and forwards it to the rollup processor. A record
 * that cannot be decoded or is refused goes whole to the dead-letter sink as {@link DeadLetters} says (original
 * key, value and headers plus the error headers) and is counted; it never stops the topology and nothing of it
 * is rolled up. A registry that cannot be reached is not the record's fault: that error is thrown (the task
 * fails and is retried from its last committed offset).
 */
public final class DecodeProcessor implements Processor<byte[], byte[], byte[], Object> {
  private static final Logger LOG = LoggerFactory.getLogger(DecodeProcessor.class);
  public static final String STAGE = "streams";

  private final AvroWireSerde<SampleBatch> serde;
  private final PartitionCounts partitionCounts;
  private final RollupMetrics metrics;
  private final String rollupChild;
  private final String deadletterChild;
  private ProcessorContext<byte[], Object> context;

  public DecodeProcessor(AvroWireSerde<SampleBatch> serde, PartitionCounts partitionCounts, RollupMetrics metrics,
      String rollupChild, String deadletterChild) {
    this.serde = serde;
    this.partitionCounts = partitionCounts;
    this.metrics = metrics;
    this.rollupChild = rollupChild;
    this.deadletterChild = deadletterChild;
  }

  @Override
  public void init(ProcessorContext<byte[], Object> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    SampleBatch batch;
    try {
      batch = serde.deserialize(record.value());
    } catch (WireFormatException e) {
      deadletter(record, e.reason().name(), e.getMessage());
      return;
    } catch (SchemaRegistryException e) {
      throw e; // transient: the registry client already retried; fail the task so it is retried
    } catch (RuntimeException e) {
      // The decoder threw something it does not classify: still the record's bytes, so dead-letter it.
      LOG.warn("unclassified decode error, dead-lettering as {}", WireFormatException.Reason.BAD_AVRO, e);
      deadletter(record, WireFormatException.Reason.BAD_AVRO.name(), e.toString());
      return;
    }
    RecordMetadata m = context.recordMetadata().orElse(null);
    int partition = m == null ? -1 : m.partition();
    SampleBatchCheck.Rejection refused = SampleBatchCheck.check(batch, partition, m == null ? 0 : partitionCounts.of(m.topic()));
    if (refused != null) {
      deadletter(record, refused.reason().name(), refused.message());
      return;
    }
    context.forward(record.withValue(batch), rollupChild);
  }

  private void deadletter(Record<byte[], byte[]> record, String reason, String message) {
    RecordMetadata m = context.recordMetadata().orElse(null);
    DeadLetters.Source source = m == null ? new DeadLetters.Source("", -1, -1, record.timestamp())
        : new DeadLetters.Source(m.topic(), m.partition(), m.offset(), record.timestamp());
    var headers = DeadLetters.headers(record.headers(), STAGE, reason, message, source);
    // stamped now, not with the original time: the dead-letter topic's 7-day retention counts from the refusal
    context.forward(new Record<byte[], Object>(record.key(), record.value(), context.currentSystemTimeMs(), headers), deadletterChild);
    metrics.deadlettered(reason);
  }
}
