package io.strata.flink.kafka;

import io.strata.flink.AlertRuleSettings;
import io.strata.flink.model.AlertTransition;
import io.strata.flink.model.DeadLetter;
import io.strata.flink.model.DecodedBatch;
import io.strata.flink.model.GroupSpec;
import io.strata.flink.model.GroupStatus;
import io.strata.flink.model.RuleSamples;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** The Kafka sources and sinks of the rule job, built from the service's settings. */
public final class KafkaConnectors {
  private KafkaConnectors() {}

  /**
   * Producer transactions must outlive a checkpoint interval plus a restart, and stay under the broker's
   * {@code transaction.max.timeout.ms} (15 min by default): Flink's default of one hour is refused.
   */
  static final Duration TRANSACTION_TIMEOUT = Duration.ofMinutes(10);

  /**
   * Reads the samples topic, decoding in the source. Offsets come from the checkpoint when the job restores
   * one; otherwise from the group's committed offsets, and without those from {@code startFrom}. Offsets are
   * committed to the group on each completed checkpoint. {@code read_committed}: the job's own rule output
   * (transactional) is read once committed, never an aborted attempt. {@code partitions}: the topic's partition
   * count for the partition rule check.
   */
  @SuppressWarnings("deprecation") // OffsetResetStrategy: the connector's API still takes it
  public static KafkaSource<DecodedBatch> samplesSource(String bootstrap, String topic, int partitions, String registryUrl,
      AlertRuleSettings s,
      Map<String, String> kafkaClient) {
    OffsetResetStrategy reset = s.startFrom() == AlertRuleSettings.StartFrom.EARLIEST
        ? OffsetResetStrategy.EARLIEST : OffsetResetStrategy.LATEST;
    return KafkaSource.<DecodedBatch>builder()
        .setProperties(props(kafkaClient))
        .setBootstrapServers(bootstrap)
        .setTopics(topic)
        .setGroupId(s.consumerGroup())
        .setClientIdPrefix(s.consumerGroup())
        .setStartingOffsets(OffsetsInitializer.committedOffsets(reset))
        .setDeserializer(new SampleBatchDeserializer(registryUrl, partitions))
        .setProperty("isolation.level", "read_committed")
        .setProperty("commit.offsets.on.checkpoint", "true")
        // new partitions of the samples topic are picked up within a minute
        .setProperty("partition.discovery.interval.ms", "60000")
        // idle: long-poll the broker 2 s, not 0.5 s (a record arriving meanwhile is returned at once)
        .setProperty("fetch.max.wait.ms", Integer.toString(io.strata.schemas.kafka.IdleFetch.FETCH_MAX_WAIT_MS))
        .build();
  }

  /**
   * Reads the compacted rules topic from its beginning on a fresh start (every current group, and the
   * tombstones still retained), from the checkpoint after a restore.
   */
  public static KafkaSource<GroupSpec> rulesSource(String bootstrap, String topic, String registryUrl,
      AlertRuleSettings s,
      Map<String, String> kafkaClient) {
    return KafkaSource.<GroupSpec>builder()
        .setProperties(props(kafkaClient))
        .setBootstrapServers(bootstrap)
        .setTopics(topic)
        .setGroupId(s.consumerGroup() + "-rules")
        .setClientIdPrefix(s.consumerGroup() + "-rules")
        .setStartingOffsets(OffsetsInitializer.earliest())
        .setDeserializer(new RuleGroupDeserializer(registryUrl))
        .setProperty("isolation.level", "read_committed")
        .setProperty("commit.offsets.on.checkpoint", "true")
        .setProperty("partition.discovery.interval.ms", "60000")
        // idle: long-poll the broker 2 s, not 0.5 s (a record arriving meanwhile is returned at once)
        .setProperty("fetch.max.wait.ms", Integer.toString(io.strata.schemas.kafka.IdleFetch.FETCH_MAX_WAIT_MS))
        .build();
  }

  /**
   * Exactly-once: alert events are written in a Kafka transaction per checkpoint; {@code read_committed}
   * consumers see them once the checkpoint completes, and never the events of an attempt that failed.
   */
  public static KafkaSink<AlertTransition> alertsSink(String bootstrap, String topic, String registryUrl,
      String transactionalIdPrefix,
      Map<String, String> kafkaClient) {
    return KafkaSink.<AlertTransition>builder()
        .setKafkaProducerConfig(props(kafkaClient))
        .setBootstrapServers(bootstrap)
        .setRecordSerializer(new AlertEventSerializer(topic, registryUrl))
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix(transactionalIdPrefix + "-alerts")
        .setProperty("transaction.timeout.ms", Long.toString(TRANSACTION_TIMEOUT.toMillis()))
        .setProperty("linger.ms", "5")
        .build();
  }

  /** Exactly-once, as {@link #alertsSink}: recording-rule samples, ALERTS and stale markers. */
  public static KafkaSink<RuleSamples> samplesSink(String bootstrap, String topic, String registryUrl,
      String transactionalIdPrefix,
      Map<String, String> kafkaClient) {
    return KafkaSink.<RuleSamples>builder()
        .setKafkaProducerConfig(props(kafkaClient))
        .setBootstrapServers(bootstrap)
        .setRecordSerializer(new RuleSamplesSerializer(topic, registryUrl))
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix(transactionalIdPrefix + "-samples")
        .setProperty("transaction.timeout.ms", Long.toString(TRANSACTION_TIMEOUT.toMillis()))
        .setProperty("linger.ms", "5")
        .build();
  }

  /**
   * At-least-once, not transactional: a group's status is visible as soon as it is written, not at the next
   * checkpoint. A status replayed after a restore is overwritten by the next evaluation's (the topic is
   * compacted and keeps the latest per group).
   */
  public static KafkaSink<GroupStatus> statusSink(String bootstrap, String topic, String registryUrl,
      Map<String, String> kafkaClient) {
    return KafkaSink.<GroupStatus>builder()
        .setKafkaProducerConfig(props(kafkaClient))
        .setBootstrapServers(bootstrap)
        .setRecordSerializer(new GroupStatusSerializer(topic, registryUrl))
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .setProperty("acks", "all")
        .setProperty("enable.idempotence", "true")
        .setProperty("linger.ms", "20")
        .build();
  }

  /** At-least-once: a dead letter written twice after a restore is harmless. */
  public static KafkaSink<DeadLetter> deadLetterSink(String bootstrap, String topic,
      Map<String, String> kafkaClient) {
    return KafkaSink.<DeadLetter>builder()
        .setKafkaProducerConfig(props(kafkaClient))
        .setBootstrapServers(bootstrap)
        .setRecordSerializer(new DeadLetterSerializer(topic))
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .setProperty("acks", "all")
        .setProperty("enable.idempotence", "true")
        .build();
  }

  /** Extra client properties (e.g. a SASL login) as the builders take them; set before the connector's own. */
  private static Properties props(Map<String, String> kafkaClient) {
    Properties p = new Properties();
    p.putAll(kafkaClient);
    return p;
  }
}
