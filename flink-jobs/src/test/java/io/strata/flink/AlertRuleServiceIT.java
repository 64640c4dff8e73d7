package io.strata.flink;

import static io.strata.flink.TestSeries.SECOND;
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
import io.strata.flink.rules.RuleGroups;
import io.strata.promql.rules.RuleFileException;
import io.strata.promql.rules.RuleFiles;
import io.strata.schemas.Topics;
import io.strata.schemas.model.Labels;
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

/**
 * The rule job on a MiniCluster against a real broker and registry: a rule file with {@code rate},
 * {@code sum by}, {@code for} and a recording rule; a group pushed to {@code metrics.rules} at runtime; the
 * recording rule's output back on {@code metrics.samples}; dead letters; restore from the retained checkpoint.
 */
@StrataTest
class AlertRuleServiceIT {
  static final String RULES = """
      groups:
        - name: workers
          interval: 10s
          rules:
            - record: job:requests:rate30s
              expr: sum by (job) (rate(requests_total[30s]))
            - alert: HighRequestRate
              expr: job:requests:rate30s > 5
              for: 20s
              labels:
                severity: warning
              annotations:
                summary: "{{ $labels.job }} serves {{ $value }} requests/s"
      """;

  static Series requests(String instance, long ts, double v) {
    return new Series(List.of(new Label("__name__", "requests_total"), new Label("instance", instance), new Label("job", "worker")),
        List.of(new Sample(ts, v)));
  }

  @Test
  void rulesFromTheFileAndTheTopicFireResolveAndRecord(TestCluster cluster, @TempDir Path dir) throws Exception {
    String prefix = cluster.uniquePrefix();
    String samples = cluster.createTopic(prefix + Topics.SAMPLES, 2);
    String rulesTopic = cluster.createTopic(prefix + Topics.RULES, 1);
    String alerts = cluster.createTopic(prefix + Topics.ALERTS, 1);
    String dlq = cluster.createTopic(prefix + Topics.DEADLETTER, 1);
    cluster.createTopic(prefix + Topics.RULES_STATUS, 1);
    Path ruleFile = Files.writeString(dir.resolve("alerts.yml"), RULES);
    Path checkpoints = dir.resolve("checkpoints");
    AlertRuleSettings settings = AlertRuleSettings.defaults()
        .withStartFrom(AlertRuleSettings.StartFrom.EARLIEST)
        .withMaxOutOfOrderness(Duration.ofSeconds(1))
        .withWallClockDelay(Duration.ofSeconds(3))
        .withCheckpointInterval(Duration.ofMillis(500))
        .withSpreadEvaluations(false)
        .withConsumerGroup(prefix + "rules");
    PrometheusRegistry registry = new PrometheusRegistry();
    AvroWireSerde<SampleBatch> serde = new AvroWireSerde<>(SchemaRegistries.forUrl(cluster.registryUrl()), SampleBatch.class);
    AvroWireSerde<AlertEvent> alertSerde = new AvroWireSerde<>(SchemaRegistries.forUrl(cluster.registryUrl()), AlertEvent.class);
    // live timestamps: two minutes ago up to 10 s ago, on the 10 s grid
    long start = System.currentTimeMillis() / 10_000 * 10_000 - 120 * SECOND;

    try (AlertRuleService service = new AlertRuleService(cluster.bootstrapServers(), cluster.registryUrl(), prefix,
        List.of(ruleFile), checkpoints, settings, registry);
        KafkaProducer<byte[], byte[]> producer = producer(cluster)) {
      service.start();
      assertEquals(2, service.ruleCount());
      assertNull(service.restoredFrom());

      byte[] garbage = "definitely not a SampleBatch".getBytes(StandardCharsets.UTF_8);
      producer.send(new ProducerRecord<>(samples, 0, "junk".getBytes(StandardCharsets.UTF_8), garbage)).get();
      // 10 requests/s until start + 50 s, then none (the counter stays flat), on the series' partition
      int own = io.strata.schemas.model.SeriesPartitioner.partition("default",
          Labels.fromAvro(requests("w1", 0, 0).getLabels()), 2);
      for (long s = 0; s <= 110; s += 10) {
        SampleBatch b = new SampleBatch("default", "test", List.of(requests("w1", start + s * SECOND, Math.min(s, 50) * 10)));
        producer.send(new ProducerRecord<>(samples, own, null, serde.serialize(samples, b))).get();
      }
      // the same series on the other partition, with a value that would have fired the alert for good: refused
      SampleBatch stray = new SampleBatch("default", "test", List.of(requests("w1", start + 115 * SECOND, 1e9)));
      producer.send(new ProducerRecord<>(samples, 1 - own, null, serde.serialize(samples, stray))).get();

      List<AlertEvent> events = new ArrayList<>();
      for (var r : consume(cluster, alerts, 3, r -> r.value() != null)) {
        AlertEvent e = alertSerde.deserialize(r.value());
        assertEquals("default/" + e.getFingerprint(), new String(r.key(), StandardCharsets.UTF_8), "keyed by tenant/fingerprint");
        events.add(e);
      }
      assertEquals(List.of(AlertState.pending, AlertState.firing, AlertState.resolved),
          events.subList(0, 3).stream().map(AlertEvent::getState).toList());
      AlertEvent firing = events.get(1);
      assertEquals(Map.of("alertname", "HighRequestRate", "job", "worker", "severity", "warning"), firing.getLabels());
      assertEquals("worker serves 10 requests/s", firing.getAnnotations().get("summary"));
      // rate's extrapolation stops at the counter's zero point: 100/30s at +10 s, 200/30s (> 5) from +20 s
      assertEquals(start + 20 * SECOND, firing.getActiveAtMs());
      assertEquals(start + 40 * SECOND, firing.getFiredAtMs());
      assertEquals(start + 40 * SECOND, firing.getStartsAtMs());
      assertEquals(start + 40 * SECOND + 4 * 60 * SECOND, firing.getEndsAtMs(), "4 x max(interval, resend delay)");
      // at +70 s the 30 s window holds 400, 500, 500, 500: 100/30s
      AlertEvent resolved = events.get(2);
      assertEquals(start + 70 * SECOND, resolved.getResolvedAtMs());
      assertEquals(start + 70 * SECOND, resolved.getEndsAtMs());
      assertEquals("workers", firing.getRuleGroup());

      // the recording rule's output is on the samples topic, on the partition of its series, as source "rule"
      ConsumerRecord<byte[], byte[]> recorded = consume(cluster, samples, 1, r -> {
        if (r.key() != null || r.value() == null || r.value().length < 5 || r.value()[0] != 0) {
          return false;
        }
        SampleBatch b = serde.deserialize(r.value());
        return b.getSource().equals("rule") && b.getSeries().stream()
            .anyMatch(x -> Labels.fromAvro(x.getLabels()).metricName().equals("job:requests:rate30s"));
      }).get(0);
      SampleBatch rb = serde.deserialize(recorded.value());
      Series rs = rb.getSeries().stream().filter(x -> Labels.fromAvro(x.getLabels()).metricName().equals("job:requests:rate30s"))
          .findFirst().orElseThrow();
      assertEquals(Labels.of("__name__", "job:requests:rate30s", "job", "worker"), Labels.fromAvro(rs.getLabels()));
      assertEquals(io.strata.schemas.model.SeriesPartitioner.partition("default", Labels.fromAvro(rs.getLabels()), 2),
          recorded.partition());

      // a group pushed to the rules topic runs without a restart
      var pushed = RuleFiles.parse("""
          groups:
            - name: heartbeat
              interval: 10s
              rules:
                - alert: NoHeartbeat
                  expr: absent(heartbeat_seconds)
          """, "pushed").groups().get(0);
      AvroWireSerde<io.strata.avro.RuleGroup> ruleSerde =
          new AvroWireSerde<>(SchemaRegistries.forUrl(cluster.registryUrl()), io.strata.avro.RuleGroup.class);
      producer.send(new ProducerRecord<>(rulesTopic, RuleGroups.key("default", "ops", "heartbeat").getBytes(StandardCharsets.UTF_8),
          ruleSerde.serialize(rulesTopic, RuleGroups.toAvro("default", "ops", pushed)))).get();
      AlertEvent heartbeat = alertSerde.deserialize(consume(cluster, alerts, 1, r -> r.value() != null
          && alertSerde.deserialize(r.value()).getAlertName().equals("NoHeartbeat")).get(0).value());
      assertEquals(AlertState.firing, heartbeat.getState());

      List<ConsumerRecord<byte[], byte[]>> deadLetters = consume(cluster, dlq, 2, r -> true);
      ConsumerRecord<byte[], byte[]> dead = deadLetters.stream().filter(r -> r.key() != null).findFirst().orElseThrow();
      assertArrayEquals(garbage, dead.value());
      assertEquals("BAD_MAGIC_BYTE", header(dead, Topics.DLQ_REASON_HEADER));
      assertEquals("flink", header(dead, Topics.DLQ_STAGE_HEADER));
      assertEquals("0", header(dead, Topics.DLQ_PARTITION_HEADER));
      ConsumerRecord<byte[], byte[]> wrong = deadLetters.stream().filter(r -> r.key() == null).findFirst().orElseThrow();
      assertEquals("WRONG_PARTITION", header(wrong, Topics.DLQ_REASON_HEADER));
      assertEquals(Integer.toString(1 - own), header(wrong, Topics.DLQ_PARTITION_HEADER));
      assertEquals(1.0, counter(registry, "strata_flink_deadletter", "reason", "WRONG_PARTITION"));
      assertEquals("RUNNING", service.status(), "a bad record does not stop the job");

      assertEquals(1.0, counter(registry, "strata_flink_deadletter", "reason", "BAD_MAGIC_BYTE"));
      assertTrue(counter(registry, "strata_flink_alerts_emitted", "state", "firing") >= 2.0);
      assertTrue(counter(registry, "strata_flink_samples", null, null) >= 12.0, "12 input samples, and the rules' own");

      awaitCheckpoint(checkpoints);
    }
    assertTrue(registry.scrape().stream().noneMatch(m -> m.getMetadata().getName().startsWith("strata_flink")),
        "metrics are unregistered on close");

    // a new service on the same checkpoint directory resumes from the retained checkpoint
    try (AlertRuleService again = new AlertRuleService(cluster.bootstrapServers(), cluster.registryUrl(), prefix,
        List.of(ruleFile), checkpoints, settings, registry)) {
      again.start();
      assertNotNull(again.restoredFrom(), "restored from the checkpoint the first job kept on cancel");
      assertTrue(again.awaitRunning(Duration.ofSeconds(20)), "restored job runs: " + again.status());
    }
  }

  @Test
  void alertsForStateIsReadBackFromTheSamplesTopicWithItsStaleMarkers(TestCluster cluster) throws Exception {
    String prefix = cluster.uniquePrefix();
    String samples = cluster.createTopic(prefix + Topics.SAMPLES, 3);
    AvroWireSerde<SampleBatch> serde = new AvroWireSerde<>(SchemaRegistries.forUrl(cluster.registryUrl()), SampleBatch.class);
    Labels slow = Labels.of("__name__", "ALERTS_FOR_STATE", "alertname", "Slow", "job", "api");
    Labels gone = Labels.of("__name__", "ALERTS_FOR_STATE", "alertname", "Gone", "job", "api");
    long t0 = System.currentTimeMillis() / 1000 * 1000 - 600 * SECOND;
    try (KafkaProducer<byte[], byte[]> producer = producer(cluster)) {
      for (long s = 0; s <= 120; s += 60) {
        for (String tenant : List.of("default", "other")) {
          long t = t0 + s * SECOND;
          double gv = s == 120 ? io.strata.schemas.model.StaleMarker.VALUE : t0 / 1000.0;
          SampleBatch b = new SampleBatch(tenant, "rule", List.of(
              new Series(slow.toAvro(), List.of(new Sample(t, tenant.equals("default") ? t0 / 1000.0 : 42.0))),
              new Series(gone.toAvro(), List.of(new Sample(t, gv)))));
          // as the rule job writes them: each series on its series-key partition
          int partition = io.strata.schemas.model.SeriesPartitioner.partition(tenant, slow, 3);
          producer.send(new ProducerRecord<>(samples, partition, null, serde.serialize(samples, b))).get();
          producer.send(new ProducerRecord<>(samples, io.strata.schemas.model.SeriesPartitioner.partition(tenant, gone, 3),
              null, serde.serialize(samples, b))).get();
        }
      }
    }
    var store = new io.strata.flink.kafka.ForStateReader(cluster.bootstrapServers(), samples, cluster.registryUrl(), java.util.Map.of())
        .read("default", List.of(slow, gone), t0 + 30 * SECOND, t0 + 600 * SECOND);
    var read = store.select(new io.strata.promql.storage.SelectHints(t0, t0 + 600 * SECOND, 0, "", 0),
        List.of(io.strata.schemas.model.LabelMatcher.eq("job", "api")));
    Map<Labels, String> got = new java.util.TreeMap<>(java.util.Comparator.comparing(Labels::toString));
    for (var d : read) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < d.size(); i++) {
        b.append((d.timestamps()[i] - t0) / SECOND).append('=')
            .append(io.strata.schemas.model.StaleMarker.isStale(d.values()[i]) ? "stale" : Double.toString(d.values()[i])).append(' ');
      }
      got.put(d.labels(), b.toString().trim());
    }
    assertEquals(Map.of(slow, "60=" + t0 / 1000.0 + " 120=" + t0 / 1000.0, gone, "60=" + t0 / 1000.0 + " 120=stale"), got,
        "the tenant's own samples in the window, stale markers included");
  }

  @Test
  void anInvalidRuleFileFailsStartWithTheRuleNamed(TestCluster cluster, @TempDir Path dir) throws Exception {
    Path ruleFile = Files.writeString(dir.resolve("bad.yml"), """
        groups:
          - name: g
            rules:
              - alert: ErrorBudget
                expr: sum(rate(errors_total[5m])) >
        """);
    try (AlertRuleService service = new AlertRuleService(cluster.bootstrapServers(), cluster.registryUrl(), "x.",
        List.of(ruleFile), dir.resolve("chk"), AlertRuleSettings.defaults(), new PrometheusRegistry())) {
      var e = assertThrows(RuleFileException.class, service::start);
      assertTrue(e.getMessage().contains("ErrorBudget"), e.getMessage());
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
    p.put("isolation.level", "read_committed");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> tps = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      c.assign(tps);
      c.seekToBeginning(tps);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
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
