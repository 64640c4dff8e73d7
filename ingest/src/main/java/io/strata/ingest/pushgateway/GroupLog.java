package io.strata.ingest.pushgateway;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import io.strata.ingest.kafka.SampleBatchProducer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The compacted group log: created when absent, read to its end on start. */
final class GroupLog {
  private static final Logger log = LoggerFactory.getLogger(GroupLog.class);
  /** Restoring gives up after this long: ingest should not start with a partial Pushgateway state. */
  static final Duration RESTORE_TIMEOUT = Duration.ofSeconds(60);

  private GroupLog() {}

  private static Map<String, Object> admin(Map<String, Object> client) {
    Map<String, Object> p = new HashMap<>();
    // only connection settings: producer keys in the overrides would make admin clients warn
    for (var e : client.entrySet()) {
      String k = e.getKey();
      if (k.startsWith("bootstrap") || k.startsWith("security") || k.startsWith("sasl") || k.startsWith("ssl") || k.equals("client.dns.lookup")) {
        p.put(k, e.getValue());
      }
    }
    return p;
  }

  /**
   * One partition (the group count is small; one partition keeps a single ordered log), compacted, broker
   * default replication, {@code max.message.bytes} large enough for a group record of
   * {@link SampleBatchProducer#MAX_KEYED_RECORD_BYTES} (raised on a log created before it was set).
   */
  static void ensureTopic(Map<String, Object> client, String topic) {
    String maxBytes = Integer.toString(SampleBatchProducer.MAX_REQUEST_BYTES);
    try (Admin a = Admin.create(admin(client))) {
      Set<String> names = a.listTopics().names().get();
      if (names.contains(topic)) {
        raiseMaxMessageBytes(a, topic, maxBytes);
        return;
      }
      try {
        a.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty())
                .configs(Map.of("cleanup.policy", "compact", "max.message.bytes", maxBytes))))
            .all().get();
        log.info("created the Pushgateway group log {}", topic);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException("cannot create the Pushgateway group log " + topic + ": " + e.getCause().getMessage(), e.getCause());
        }
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot list topics to find " + topic + ": " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted creating " + topic, e);
    }
  }

  private static void raiseMaxMessageBytes(Admin a, String topic, String maxBytes) throws InterruptedException {
    ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    try {
      var current = a.describeConfigs(List.of(r)).all().get().get(r).get("max.message.bytes");
      if (current != null && Long.parseLong(current.value()) >= Long.parseLong(maxBytes)) {
        return;
      }
      a.incrementalAlterConfigs(Map.of(r, List.of(new AlterConfigOp(new ConfigEntry("max.message.bytes", maxBytes), AlterConfigOp.OpType.SET))))
          .all().get();
      log.info("raised max.message.bytes of the Pushgateway group log {} to {}", topic, maxBytes);
    } catch (ExecutionException e) {
      // not fatal: groups that fit the topic's current limit still work; larger ones answer 503 until it is raised
      log.warn("cannot raise max.message.bytes of {} to {} (groups larger than its current limit will fail): {}", topic, maxBytes,
          e.getCause().getMessage());
    }
  }

  /** Every group whose latest record is not a tombstone. Undecodable records are logged and skipped. */
  static List<PushGroup> restore(Map<String, Object> client, String topic) {
    Map<String, Object> p = admin(client);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Map<String, PushGroup> latest = new LinkedHashMap<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo pi : c.partitionsFor(topic, RESTORE_TIMEOUT)) {
        parts.add(new TopicPartition(topic, pi.partition()));
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts, RESTORE_TIMEOUT);
      long deadline = System.nanoTime() + RESTORE_TIMEOUT.toNanos();
      while (!caughtUp(c, end)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read the Pushgateway group log " + topic + " to its end within " + RESTORE_TIMEOUT.toSeconds() + " s");
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          apply(latest, r);
        }
      }
    }
    return new ArrayList<>(latest.values());
  }

  private static boolean caughtUp(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> end) {
    for (var e : end.entrySet()) {
      if (c.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static void apply(Map<String, PushGroup> latest, ConsumerRecord<byte[], byte[]> r) {
    if (r.key() == null) {
      log.warn("skipping a record without key at {}-{}@{}", r.topic(), r.partition(), r.offset());
      return;
    }
    String k = java.util.Base64.getEncoder().encodeToString(r.key());
    if (r.value() == null) {
      latest.remove(k);
      return;
    }
    try {
      latest.put(k, GroupCodec.decode(r.value()));
    } catch (IOException | RuntimeException e) {
      log.warn("skipping an undecodable group record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
    }
  }
}
