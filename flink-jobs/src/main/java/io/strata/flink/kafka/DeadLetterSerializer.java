package io.strata.flink.kafka;

import io.strata.flink.model.DeadLetter;
import io.strata.schemas.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes a record that failed to decode to the dead-letter topic: the original key and bytes, plus the
 * headers every stage uses ({@link Topics#DLQ_REASON_HEADER}, {@link Topics#DLQ_MESSAGE_HEADER},
 * {@link Topics#DLQ_STAGE_HEADER} = {@value #STAGE}). The message names the source topic, partition and
 * offset.
 */
public class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
  private static final long serialVersionUID = 1L;
  public static final String STAGE = "flink";

  private final String topic;

  public DeadLetterSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(DeadLetter d, KafkaSinkContext ctx, Long timestamp) {
    ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, d.key, d.value);
    String message = d.message + " (" + d.sourceTopic + " partition " + d.sourcePartition + " offset " + d.sourceOffset + ")";
    r.headers().add(Topics.DLQ_REASON_HEADER, d.reason.getBytes(StandardCharsets.UTF_8));
    r.headers().add(Topics.DLQ_MESSAGE_HEADER, message.getBytes(StandardCharsets.UTF_8));
    r.headers().add(Topics.DLQ_STAGE_HEADER, STAGE.getBytes(StandardCharsets.UTF_8));
    return r;
  }
}
