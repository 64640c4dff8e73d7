package io.strata.flink;

import static io.strata.flink.TestSeries.SECOND;
import static io.strata.flink.TestSeries.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.strata.avro.AlertEvent;
import io.strata.avro.AlertState;
import io.strata.avro.Label;
import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.embedded.junit.StrataTest;
import io.strata.embedded.junit.TestCluster;
import io.strata.flink.rules.RuleFileLoader;
import io.strata.schemas.Topics;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.serde.AvroWireSerde;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@StrataTest
class AlertRuleServiceIT {
  static final String RULES = """
      groups:
        - name: workers
          rules:
            - alert: QueueBacklog
              expr: queue_depth{job="worker"} > 100
              for: 30s
              labels:
                severity: warning
              annotations:
                summary: "{{ $labels.instance }} has {{ $value }} queued"
      """;

  static Series queue(String job, String instance, long ts, double v) {
    return new Series(List.of(new Label("__name__", "queue_depth"), new Label("instance", instance), new Label("job", job)),
        List.of(new Sample(ts, v)));
  }

  static SampleBatch batch(long ts, double worker) {
    return new SampleBatch("default", "test", List.of(queue("worker", "w1", ts, worker), queue("other", "o1", ts, 1000)));
  }

  @Test
  void thresholdCrossingFiresThenResolvesAndGarbageIsDeadLettered(TestCluster cluster, @TempDir Path dir) throws Exception {
    String prefix = cluster.uniquePrefix();
    String samples = cluster.createTopic(prefix + Topics.SAMPLES, 2);
    String alerts = cluster.createTopic(prefix + Topics.ALERTS, 1);
    String dlq = cluster.createTopic(prefix + Topics.DEADLETTER, 1);
    Path ruleFile = Files.writeString(dir.resolve("alerts.yml"), RULES);
    Path checkpoints = dir.resolve("checkpoints");
    AlertRuleSettings settings = AlertRuleSettings.defaults()
        .withStartFrom(AlertRuleSettings.StartFrom.EARLIEST)
        .withMaxOutOfOrderness(Duration.ofSeconds(1))
        .withCheckpointInterval(Duration.ofMillis(500))
        .withConsumerGroup(prefix + "rules");
    PrometheusRegistry registry = new PrometheusRegistry();
    AvroWireSerde<SampleBatch> serde = new AvroWireSerde<>(SchemaRegistries.forUrl(cluster.registryUrl()), SampleBatch.class);

    try (AlertRuleService service = new AlertRuleService(cluster.bootstrapServers(), cluster.registryUrl(), prefix,
        ruleFile, checkpoints, settings, registry);
        KafkaProducer<byte[], byte[]> producer = producer(cluster)) {
      service.start();
      assertEquals(1, service.ruleCount());
      assertNull(service.restoredFrom());

      byte[] garbage = "definitely not a SampleBatch".getBytes(StandardCharsets.UTF_8);
      producer.send(new ProducerRecord<>(samples, 0, "junk".getBytes(StandardCharsets.UTF_8), garbage)).get();
      // above the threshold from T0 to T0+60s, below at T0+70s; T0+80s moves the watermark past T0+70s
      for (long s = 0; s <= 60; s += 10) {
        producer.send(new ProducerRecord<>(samples, 0, null, serde.serialize(samples, batch(T0 + s * SECOND, 150)))).get();
      }
      producer.send(new ProducerRecord<>(samples, 0, null, serde.serialize(samples, batch(T0 + 70 * SECOND, 50)))).get();
      producer.send(new ProducerRecord<>(samples, 0, null, serde.serialize(samples, batch(T0 + 80 * SECOND, 50)))).get();

      List<ConsumerRecord<byte[], byte[]>> out = consume(cluster, alerts, 3, r -> true);
      AvroWireSerde<AlertEvent> alertSerde = new AvroWireSerde<>(SchemaRegistries.forUrl(cluster.registryUrl()), AlertEvent.class);
      List<AlertEvent> events = new ArrayList<>();
      for (var r : out) {
        AlertEvent e = alertSerde.deserialize(r.value());
        assertEquals(e.getFingerprint(), new String(r.key(), StandardCharsets.UTF_8), "keyed by fingerprint");
        events.add(e);
      }
      assertEquals(List.of(AlertState.pending, AlertState.firing, AlertState.resolved), events.stream().map(AlertEvent::getState).toList());
      AlertEvent firing = events.get(1);
      assertEquals(Map.of("alertname", "QueueBacklog", "instance", "w1", "job", "worker", "severity", "warning"), firing.getLabels());
      assertEquals("w1 has 150 queued", firing.getAnnotations().get("summary"));
      assertEquals(T0, firing.getActiveAtMs());
      assertEquals(T0 + 30 * SECOND, firing.getFiredAtMs());
      assertEquals(T0 + 70 * SECOND, events.get(2).getResolvedAtMs());
      assertEquals("workers", firing.getRuleGroup());

      ConsumerRecord<byte[], byte[]> dead = consume(cluster, dlq, 1, r -> true).get(0);
      assertArrayEquals(garbage, dead.value());
      assertEquals("BAD_MAGIC_BYTE", header(dead, Topics.DLQ_REASON_HEADER));
      assertEquals("flink", header(dead, Topics.DLQ_STAGE_HEADER));
      assertEquals("RUNNING", service.status(), "a bad record does not stop the job");

      assertEquals(1.0, counter(registry, "strata_flink_deadletter", "reason", "BAD_MAGIC_BYTE"));
      assertEquals(1.0, counter(registry, "strata_flink_alerts_emitted", "state", "firing"));
      assertEquals(18.0, counter(registry, "strata_flink_samples", null, null), "9 batches of 2 samples");

      awaitCheckpoint(checkpoints);
    }
    assertTrue(registry.scrape().stream().noneMatch(m -> m.getMetadata().getName().startsWith("strata_flink")),
        "metrics are unregistered on close");

    // a new service on the same checkpoint directory resumes from the retained checkpoint
    try (AlertRuleService again = new AlertRuleService(cluster.bootstrapServers(), cluster.registryUrl(), prefix,
        ruleFile, checkpoints, settings, registry)) {
      again.start();
      assertNotNull(again.restoredFrom(), "restored from the checkpoint the first job kept on cancel");
      assertTrue(again.awaitRunning(Duration.ofSeconds(20)), "restored job runs: " + again.status());
    }
  }

  @Test
  void unsupportedRuleFailsStartWithTheRuleNamed(TestCluster cluster, @TempDir Path dir) throws Exception {
    Path ruleFile = Files.writeString(dir.resolve("bad.yml"), """
        groups:
          - name: g
            rules:
              - alert: ErrorBudget
                expr: sum(rate(errors_total[5m])) > 1
        """);
    try (AlertRuleService service = new AlertRuleService(cluster.bootstrapServers(), cluster.registryUrl(), "x.",
        ruleFile, dir.resolve("chk"), AlertRuleSettings.defaults(), new PrometheusRegistry())) {
      var e = assertThrows(RuleFileLoader.RuleLoadException.class, service::start);
      assertTrue(e.getMessage().contains("rule 1, \"ErrorBudget\""), e.getMessage());
      assertEquals("NOT_STARTED", service.status());
    }
  }

  static KafkaProducer<byte[], byte[]> producer(TestCluster cluster) {
    Properties p = new Properties();
    p.put("bootstrap.servers", cluster.bootstrapServers());
    p.put("key.serializer", ByteArraySerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  static List<ConsumerRecord<byte[], byte[]>> consume(TestCluster cluster, String topic, int n,
      Predicate<ConsumerRecord<byte[], byte[]>> keep) {
    Properties p = new Properties();
    p.put("bootstrap.servers", cluster.bootstrapServers());
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      TopicPartition tp = new TopicPartition(topic, 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
      while (out.size() < n && System.nanoTime() < deadline) {
        for (var r : c.poll(Duration.ofMillis(200))) {
          if (keep.test(r)) {
            out.add(r);
          }
        }
      }
    }
    assertTrue(out.size() >= n, "expected " + n + " records on " + topic + ", got " + out.size());
    return out;
  }

  static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  static double counter(PrometheusRegistry registry, String name, String label, String value) {
    for (MetricSnapshot m : registry.scrape()) {
      if (m.getMetadata().getName().equals(name) && m instanceof CounterSnapshot c) {
        for (var d : c.getDataPoints()) {
          if (label == null || value.equals(d.getLabels().get(label))) {
            return d.getValue();
          }
        }
      }
    }
    return Double.NaN;
  }

  static void awaitCheckpoint(Path dir) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      if (AlertRuleService.latestCheckpoint(dir) != null) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no completed checkpoint under " + dir);
  }
}
