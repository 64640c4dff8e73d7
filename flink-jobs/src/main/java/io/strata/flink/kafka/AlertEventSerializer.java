package io.strata.flink.kafka;

import io.strata.avro.AlertEvent;
import io.strata.avro.AlertState;
import io.strata.flink.model.AlertTransition;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.registry.SchemaRegistry;
import io.strata.schemas.serde.AvroWireSerde;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes an {@link AlertTransition} as an {@code AlertEvent} in Confluent wire format, keyed by
 * {@code tenant + "/" + fingerprint} (UTF-8), so the compacted alerts topic keeps the latest state per alert
 * and tenant; a tombstone transition becomes a record with a null value, which retires the key.
 */
public class AlertEventSerializer implements KafkaRecordSerializationSchema<AlertTransition> {
  private static final long serialVersionUID = 1L;

  private final String topic;
  private final String registryUrl;
  private transient SchemaRegistry registry;
  private transient AvroWireSerde<AlertEvent> serde;

  public AlertEventSerializer(String topic, String registryUrl) {
    this.topic = topic;
    this.registryUrl = registryUrl;
  }

  @Override
  public void open(SerializationSchema.InitializationContext ctx, KafkaSinkContext sinkCtx) {
    registry = SchemaRegistries.forUrl(registryUrl);
    serde = new AvroWireSerde<>(registry, AlertEvent.class);
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(AlertTransition t, KafkaSinkContext ctx, Long timestamp) {
    byte[] key = t.key().getBytes(StandardCharsets.UTF_8);
    return new ProducerRecord<>(topic, key, t.isTombstone() ? null : serde.serialize(topic, toAvro(t)));
  }

  public static AlertEvent toAvro(AlertTransition t) {
    return AlertEvent.newBuilder()
        .setFingerprint(t.fingerprint)
        .setTenant(t.tenant)
        .setRuleGroup(t.ruleGroup)
        .setAlertName(t.alertName)
        .setState(AlertState.valueOf(t.state))
        .setLabels(toMap(t.labels))
        .setAnnotations(toMap(t.annotations))
        .setValue(t.value)
        .setActiveAtMs(t.activeAtMs == AlertTransition.NONE ? 0 : t.activeAtMs)
        .setFiredAtMs(t.firedAtMs == AlertTransition.NONE ? null : t.firedAtMs)
        .setResolvedAtMs(t.resolvedAtMs == AlertTransition.NONE ? null : t.resolvedAtMs)
        .setEvaluatedAtMs(t.evaluatedAtMs)
        .setGeneratorUrl(t.generatorUrl == null ? "" : t.generatorUrl)
        .setStartsAtMs(t.startsAtMs == AlertTransition.NONE ? null : t.startsAtMs)
        .setEndsAtMs(t.endsAtMs == AlertTransition.NONE ? null : t.endsAtMs)
        .build();
  }

  private static Map<String, String> toMap(String[] pairs) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }
}
