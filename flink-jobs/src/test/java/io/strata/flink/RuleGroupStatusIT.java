package io.strata.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.avro.RuleEvaluationStatus;
import io.strata.avro.RuleGroupStatus;
import io.strata.avro.RuleHealth;
import io.strata.embedded.junit.StrataTest;
import io.strata.embedded.junit.TestCluster;
import io.strata.flink.rules.RuleGroups;
import io.strata.promql.rules.RuleFiles;
import io.strata.schemas.Topics;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.serde.AvroWireSerde;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rule job's {@code metrics.rules.status} on a MiniCluster against a real broker and registry: a rule over
 * its group's {@code limit} is {@code err} with Prometheus's error text, a good one {@code ok} with a
 * {@code last_evaluation_ms} that moves from one evaluation to the next; a pushed group is published, and its
 * delete leaves a tombstone.
 */
@StrataTest
class RuleGroupStatusIT {
  static final String RULES = """
      groups:
        - name: good
          interval: 2s
          rules:
            - record: one:series
              expr: vector(1)
            - alert: AlwaysOn
              expr: vector(1) > 0
        - name: limited
          interval: 2s
          limit: 1
          rules:
            - record: two:series
              expr: label_replace(vector(1), "a", "x", "", "") or label_replace(vector(2), "a", "y", "", "")
      """;

  @Test
  void statusShowsErrWithTheErrorOkWithAMovingLastEvaluationAndTombstonesRemovedGroups(TestCluster cluster,
      @TempDir Path dir) throws Exception {
    String prefix = cluster.uniquePrefix();
    cluster.createTopic(prefix + Topics.SAMPLES, 1);
    String rulesTopic = cluster.createTopic(prefix + Topics.RULES, 1);
    cluster.createTopic(prefix + Topics.ALERTS, 1);
    cluster.createTopic(prefix + Topics.DEADLETTER, 1);
    String status = cluster.createTopic(prefix + Topics.RULES_STATUS, 1);
    Path ruleFile = Files.writeString(dir.resolve("rules.yml"), RULES);
    AlertRuleSettings settings = AlertRuleSettings.defaults()
        .withMaxOutOfOrderness(Duration.ofSeconds(1))
        .withWallClockDelay(Duration.ofSeconds(1))
        .withCheckpointInterval(Duration.ofMillis(500))
        .withSpreadEvaluations(false)
        .withConsumerGroup(prefix + "rules");
    AvroWireSerde<RuleGroupStatus> serde = new AvroWireSerde<>(SchemaRegistries.forUrl(cluster.registryUrl()), RuleGroupStatus.class);
    String fileKey = "default/" + ruleFile + "/";

    try (AlertRuleService service = new AlertRuleService(cluster.bootstrapServers(), cluster.registryUrl(), prefix,
        List.of(ruleFile), dir.resolve("checkpoints"), settings, new PrometheusRegistry());
        KafkaProducer<byte[], byte[]> producer = AlertRuleServiceIT.producer(cluster)) {
      service.start();
      // no samples at all: the wall-clock floor moves event time, the groups are evaluated every 2 s
      List<RuleGroupStatus> good = new ArrayList<>();
      RuleGroupStatus limited = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      try (KafkaConsumer<byte[], byte[]> c = consumer(cluster, status)) {
        while ((good.size() < 2 || limited == null) && System.nanoTime() < deadline) {
          for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            RuleGroupStatus s = serde.deserialize(r.value());
            if (s.getLastEvaluationMs() == null) {
              assertTrue(s.getRules().stream().allMatch(x -> x.getHealth() == RuleHealth.unknown), "before its first evaluation: " + s);
              continue;
            }
            if (key.equals(fileKey + "good")) {
              good.add(s);
            } else if (key.equals(fileKey + "limited")) {
              limited = s;
            }
          }
        }
      }
      assertTrue(good.size() >= 2 && limited != null, "statuses of both groups after their evaluations: " + good + " " + limited);
      RuleEvaluationStatus two = limited.getRules().get(0);
      assertEquals(RuleHealth.err, two.getHealth());
      assertEquals("exceeded limit of 1 with 2 series", two.getLastError(), "Prometheus's error text");
      assertEquals(ruleFile.toString(), limited.getNamespace());
      assertEquals(2_000, limited.getIntervalMs());
      for (RuleEvaluationStatus r : good.get(1).getRules()) {
        assertEquals(RuleHealth.ok, r.getHealth(), r.getName());
        assertEquals("", r.getLastError());
      }
      assertNotEquals(good.get(0).getLastEvaluationMs(), good.get(1).getLastEvaluationMs(), "lastEvaluation moves");
      assertTrue(good.get(1).getEvaluatedAtMs() > good.get(0).getEvaluatedAtMs());
      assertEquals(good.get(0).getEvaluatedAtMs() + 2_000, good.get(1).getEvaluatedAtMs(), "one status per evaluation");

      // a pushed group is published, a delete of it is a tombstone
      var pushed = RuleFiles.parse("""
          groups:
            - name: heartbeat
              interval: 2s
              rules:
                - alert: NoHeartbeat
                  expr: absent(heartbeat_seconds)
          """, "pushed").groups().get(0);
      String key = RuleGroups.key("default", "ops", "heartbeat");
      AvroWireSerde<io.strata.avro.RuleGroup> ruleSerde =
          new AvroWireSerde<>(SchemaRegistries.forUrl(cluster.registryUrl()), io.strata.avro.RuleGroup.class);
      producer.send(new ProducerRecord<>(rulesTopic, key.getBytes(StandardCharsets.UTF_8),
          ruleSerde.serialize(rulesTopic, RuleGroups.toAvro("default", "ops", pushed)))).get();
      ConsumerRecord<byte[], byte[]> published = await(cluster, status, r -> key.equals(new String(r.key(), StandardCharsets.UTF_8))
          && r.value() != null && serde.deserialize(r.value()).getLastEvaluationMs() != null);
      assertEquals("ops", serde.deserialize(published.value()).getNamespace());
      producer.send(new ProducerRecord<>(rulesTopic, key.getBytes(StandardCharsets.UTF_8), null)).get();
      await(cluster, status, r -> key.equals(new String(r.key(), StandardCharsets.UTF_8)) && r.value() == null);
    }
  }

  static KafkaConsumer<byte[], byte[]> consumer(TestCluster cluster, String topic) {
    Properties p = new Properties();
    p.put("bootstrap.servers", cluster.bootstrapServers());
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p);
    List<TopicPartition> tps = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
    c.assign(tps);
    c.seekToBeginning(tps);
    return c;
  }

  static ConsumerRecord<byte[], byte[]> await(TestCluster cluster, String topic, Predicate<ConsumerRecord<byte[], byte[]>> p) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    try (KafkaConsumer<byte[], byte[]> c = consumer(cluster, topic)) {
      while (System.nanoTime() < deadline) {
        for (var r : c.poll(Duration.ofMillis(200))) {
          if (p.test(r)) {
            return r;
          }
        }
      }
    }
    throw new AssertionError("no matching record on " + topic + " within 60 s");
  }
}
