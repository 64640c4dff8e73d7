package io.strata.flink.kafka;

import io.strata.avro.RuleGroupStatus;
import io.strata.flink.model.GroupStatus;
import io.strata.flink.rules.GroupStatuses;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.serde.AvroWireSerde;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes a {@link GroupStatus} as a {@code RuleGroupStatus} in Confluent wire format keyed by
 * {@code tenant/namespace/group} (UTF-8); a removed group becomes a tombstone of its key.
 */
public class GroupStatusSerializer implements KafkaRecordSerializationSchema<GroupStatus> {
  private static final long serialVersionUID = 1L;

  private final String topic;
  private final String registryUrl;
  private transient AvroWireSerde<RuleGroupStatus> serde;

  public GroupStatusSerializer(String topic, String registryUrl) {
    this.topic = topic;
    this.registryUrl = registryUrl;
  }

  @Override
  public void open(SerializationSchema.InitializationContext ctx, KafkaSinkContext sinkCtx) {
    serde = new AvroWireSerde<>(SchemaRegistries.forUrl(registryUrl), RuleGroupStatus.class);
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(GroupStatus s, KafkaSinkContext ctx, Long timestamp) {
    byte[] key = s.key.getBytes(StandardCharsets.UTF_8);
    return new ProducerRecord<>(topic, key, s.isTombstone() ? null : serde.serialize(topic, GroupStatuses.decode(s.avro)));
  }
}
