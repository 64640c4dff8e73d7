package io.strata.streams.rollup;

import io.strata.avro.SampleBatch;
import io.strata.schemas.Topics;
import io.strata.schemas.registry.SchemaRegistryException;
import io.strata.schemas.serde.AvroWireSerde;
import io.strata.schemas.serde.WireFormatException;
import io.strata.streams.metrics.RollupMetrics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes each input record as a wire-format SampleBatch and forwards it to the rollup processor. A record
 * that cannot be decoded goes to the dead-letter sink with its original key, value and headers plus the
 * reason, message and stage headers, and is counted; it never stops the topology. A registry that cannot
 * be reached is not the record's fault: that error is thrown (the task fails and is retried from its last
 * committed offset).
 */
public final class DecodeProcessor implements Processor<byte[], byte[], byte[], Object> {
  private static final Logger LOG = LoggerFactory.getLogger(DecodeProcessor.class);
  public static final String STAGE = "streams";

  private final AvroWireSerde<SampleBatch> serde;
  private final RollupMetrics metrics;
  private final String rollupChild;
  private final String deadletterChild;
  private ProcessorContext<byte[], Object> context;

  public DecodeProcessor(AvroWireSerde<SampleBatch> serde, RollupMetrics metrics, String rollupChild, String deadletterChild) {
    this.serde = serde;
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
      deadletter(record, e.reason(), e.getMessage());
      return;
    } catch (SchemaRegistryException e) {
      throw e; // transient: the registry client already retried; fail the task so it is retried
    } catch (RuntimeException e) {
      // The decoder threw something it does not classify: still the record's bytes, so dead-letter it.
      LOG.warn("unclassified decode error, dead-lettering as {}", WireFormatException.Reason.BAD_AVRO, e);
      deadletter(record, WireFormatException.Reason.BAD_AVRO, e.toString());
      return;
    }
    context.forward(record.withValue(batch), rollupChild);
  }

  private void deadletter(Record<byte[], byte[]> record, WireFormatException.Reason reason, String message) {
    RecordHeaders headers = new RecordHeaders(record.headers().toArray());
    headers.remove(Topics.DLQ_REASON_HEADER);
    headers.remove(Topics.DLQ_MESSAGE_HEADER);
    headers.remove(Topics.DLQ_STAGE_HEADER);
    headers.add(Topics.DLQ_REASON_HEADER, reason.name().getBytes(StandardCharsets.UTF_8));
    headers.add(Topics.DLQ_MESSAGE_HEADER, String.valueOf(message).getBytes(StandardCharsets.UTF_8));
    headers.add(Topics.DLQ_STAGE_HEADER, STAGE.getBytes(StandardCharsets.UTF_8));
    context.forward(new Record<byte[], Object>(record.key(), record.value(), record.timestamp(), headers), deadletterChild);
    metrics.deadlettered(reason);
  }
}
