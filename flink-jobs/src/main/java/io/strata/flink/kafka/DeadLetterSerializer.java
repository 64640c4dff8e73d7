package io.strata.flink.kafka;

import io.strata.flink.model.DeadLetter;
import io.strata.schemas.deadletter.DeadLetters;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Writes a record that failed to decode, or was refused by the series check, to the dead-letter topic: the
 * original key, bytes and headers plus the error headers every stage writes ({@link DeadLetters}, stage
 * {@value #STAGE}).
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
    List<Header> original = new ArrayList<>();
    if (d.headerKeys != null) {
      for (int i = 0; i < d.headerKeys.length; i++) {
        original.add(new RecordHeader(d.headerKeys[i], d.headerValues[i]));
      }
    }
    // no timestamp: stamped when written, so the dead-letter topic's retention counts from the refusal
    return new ProducerRecord<>(topic, null, null, d.key, d.value, DeadLetters.headers(original, STAGE, d.reason, d.message,
        new DeadLetters.Source(d.sourceTopic, d.sourcePartition, d.sourceOffset, d.sourceTimestamp)));
  }
}
