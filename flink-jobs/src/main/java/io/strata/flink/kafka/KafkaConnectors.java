package io.strata.flink.kafka;

import io.strata.flink.AlertRuleSettings;
import io.strata.flink.model.AlertTransition;
import io.strata.flink.model.DeadLetter;
import io.strata.flink.model.RawRecord;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** The Kafka source and sinks of the rule job, built from the service's settings. */
public final class KafkaConnectors {
  private KafkaConnectors() {}

  /**
   * Reads the samples topic. Offsets come from the checkpoint when the job restores one; otherwise from the
   * group's committed offsets, and without those from {@code startFrom}. Offsets are committed to the group
   * on each completed checkpoint (progress is visible with kafka-consumer-groups).
   */
  @SuppressWarnings("deprecation") // OffsetResetStrategy: the connector's API still takes it
  public static KafkaSource<RawRecord> samplesSource(String bootstrap, String topic, AlertRuleSettings s) {
    OffsetResetStrategy reset = s.startFrom() == AlertRuleSettings.StartFrom.EARLIEST
        ? OffsetResetStrategy.EARLIEST : OffsetResetStrategy.LATEST;
    return KafkaSource.<RawRecord>builder()
        .setBootstrapServers(bootstrap)
        .setTopics(topic)
        .setGroupId(s.consumerGroup())
        .setClientIdPrefix(s.consumerGroup())
        .setStartingOffsets(OffsetsInitializer.committedOffsets(reset))
        .setDeserializer(new RawRecordDeserializer())
        .setProperty("commit.offsets.on.checkpoint", "true")
        // new partitions of the samples topic are picked up within a minute
        .setProperty("partition.discovery.interval.ms", "60000")
        .build();
  }

  /**
   * At-least-once: a restore replays from the last checkpoint, so an alert event can be written twice.
   * The topic is compacted and keyed by fingerprint; a repeated event carries the same state, so readers
   * of the latest state see no difference. (Exactly-once would need transactions, which DEPENDENCIES.md
   * reports broken with some Kafka client versions, and would delay alerts to checkpoint completion.)
   */
  public static KafkaSink<AlertTransition> alertsSink(String bootstrap, String topic, String registryUrl) {
    return KafkaSink.<AlertTransition>builder()
        .setBootstrapServers(bootstrap)
        .setRecordSerializer(new AlertEventSerializer(topic, registryUrl))
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .setProperty("acks", "all")
        .setProperty("enable.idempotence", "true")
        .setProperty("linger.ms", "5")
        .build();
  }

  public static KafkaSink<DeadLetter> deadLetterSink(String bootstrap, String topic) {
    return KafkaSink.<DeadLetter>builder()
        .setBootstrapServers(bootstrap)
        .setRecordSerializer(new DeadLetterSerializer(topic))
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .setProperty("acks", "all")
        .setProperty("enable.idempotence", "true")
        .build();
  }
}
