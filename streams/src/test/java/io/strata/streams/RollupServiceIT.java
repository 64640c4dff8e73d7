package io.strata.streams;

import static io.strata.streams.Samples.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.avro.RollupBatch;
import io.strata.avro.RollupSeries;
import io.strata.avro.RollupWindow;
import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.embedded.junit.StrataTest;
import io.strata.embedded.junit.TestCluster;
import io.strata.schemas.Topics;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.SeriesKey;
import io.strata.schemas.model.SeriesPartitioner;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.registry.SchemaRegistry;
import io.strata.schemas.serde.AvroWireSerde;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollup service against a real in-process broker, exactly-once: samples go in over two partitions,
 * the service is stopped half way and started again on an empty state dir (so it restores open windows
 * and counter offsets from the changelogs), and every 1m and 5m window comes out once with its values.
 */
@StrataTest
class RollupServiceIT {
  private static final int PARTITIONS = 2;
  private static final int SERIES = 4;
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Test
  void rollsUpAcrossARestartExactlyOnce(TestCluster cluster, @TempDir Path dir) throws Exception {
    String prefix = cluster.uniquePrefix();
    String samples = cluster.createTopic(prefix + Topics.SAMPLES, PARTITIONS);
    String r1m = cluster.createTopic(prefix + Topics.rollup("1m"), PARTITIONS);
    String r5m = cluster.createTopic(prefix + Topics.rollup("5m"), PARTITIONS);
    String dlq = cluster.createTopic(prefix + Topics.DEADLETTER, PARTITIONS);
    SchemaRegistry registry = SchemaRegistries.forUrl(cluster.registryUrl());
    AvroWireSerde<SampleBatch> sampleSerde = new AvroWireSerde<>(registry, SampleBatch.class);
    AvroWireSerde<RollupBatch> rollupSerde = new AvroWireSerde<>(registry, RollupBatch.class);
    String appId = "rollup-it-" + prefix.replace(".", "");

    try (KafkaProducer<byte[], byte[]> producer = producer(cluster);
        KafkaConsumer<byte[], byte[]> consumer = consumer(cluster)) {
      List<TopicPartition> outputs = new ArrayList<>();
      for (String t : List.of(r1m, r5m, dlq)) {
        for (int p = 0; p < PARTITIONS; p++) {
          outputs.add(new TopicPartition(t, p));
        }
      }
      consumer.assign(outputs);
      consumer.seekToBeginning(outputs);
      Collected got = new Collected(rollupSerde);

      // Phase 1: samples k = 0..9 (T0 .. T0+135s), one garbage record, ticks at T0+150s close minutes 0 and 1.
      produceSamples(producer, sampleSerde, samples, 0, 10);
      producer.send(new ProducerRecord<>(samples, 0, T0.toEpochMilli(), "bad".getBytes(StandardCharsets.UTF_8),
          "garbage".getBytes(StandardCharsets.UTF_8))).get();
      produceTicks(producer, sampleSerde, samples, 150);
      PrometheusRegistry prom1 = new PrometheusRegistry();
      try (RollupService svc = new RollupService(cluster.bootstrapServers(), cluster.registryUrl(), appId,
          dir.resolve("run1"), prefix, List.of("1m", "5m"), Duration.ofSeconds(30), prom1)) {
        svc.start();
        got.pollUntil(consumer, () -> got.windows(r1m) >= SERIES * 2 && got.deadletters.size() == 1);
        // read while the service runs: close() unregisters its metrics
        assertEquals(1.0, counter(prom1, "strata_streams_deadletter", "BAD_MAGIC_BYTE"));
        assertTrue(counter(prom1, "strata_streams_samples", null) >= SERIES * 10, "phase 1 aggregated its samples");
      }
      assertTrue(prom1.scrape().stream().noneMatch(m -> m.getMetadata().getName().startsWith("strata_streams_")),
          "close() unregisters the metrics");
      assertEquals(SERIES * 2, got.windows(r1m), "minutes 0 and 1 of each series, nothing else closed yet");

      // Phase 2: a new instance on an empty state dir restores from the changelogs; k = 10..19 (T0+150s ..
      // T0+285s), ticks at T0+330s close minutes 2-4 and the 5-minute window.
      produceSamples(producer, sampleSerde, samples, 10, 20);
      produceTicks(producer, sampleSerde, samples, 330);
      PrometheusRegistry prom2 = new PrometheusRegistry();
      try (RollupService svc = new RollupService(cluster.bootstrapServers(), cluster.registryUrl(), appId,
          dir.resolve("run2"), prefix, List.of("1m", "5m"), Duration.ofSeconds(30), prom2)) {
        svc.start();
        got.pollUntil(consumer, () -> got.windows(r1m) >= SERIES * 5 && got.windows(r5m) >= SERIES);
        // give a duplicate, if the service wrongly re-emitted anything, the chance to show up
        got.pollFor(consumer, Duration.ofMillis(1500));
      }

      // Every window exactly once.
      assertEquals(SERIES * 5, got.windows(r1m));
      assertEquals(SERIES, got.windows(r5m));
      for (int i = 0; i < SERIES; i++) {
        for (int m = 0; m < 5; m++) {
          assertEquals(4, got.window(r1m, seriesLabels(i), m * 60).getCount(), "series " + i + " minute " + m);
        }
        assertEquals(20, got.window(r5m, seriesLabels(i), 0).getCount());
      }

      // Series 0 resets across the restart (90 -> 0): the offset came back from the changelog.
      Labels s0 = seriesLabels(0);
      assertWindow(got.window(r1m, s0, 0), 4, 60, 0, 30, 30, 30);
      assertWindow(got.window(r1m, s0, 60), 4, 220, 40, 70, 70, 70);
      assertWindow(got.window(r1m, s0, 120), 4, 171, 0, 90, 1, 91);
      assertWindow(got.window(r1m, s0, 180), 4, 14, 2, 5, 5, 95);
      assertWindow(got.window(r1m, s0, 240), 4, 30, 6, 9, 9, 99);
      assertWindow(got.window(r5m, s0, 0), 20, 495, 0, 90, 9, 99);
      assertWindow(got.window(r5m, seriesLabels(2), 0), 20, 3 * 190, 0, 57, 57, 57);

      // Each batch is on its series' partition.
      for (Map.Entry<Integer, List<RollupBatch>> e : got.batchesByPartition.entrySet()) {
        for (RollupBatch b : e.getValue()) {
          for (RollupSeries s : b.getSeries()) {
            int expected = SeriesPartitioner.partition(b.getTenant(), Labels.fromAvro(s.getLabels()), PARTITIONS);
            assertEquals(expected, (int) e.getKey(), "partition of " + Labels.fromAvro(s.getLabels()));
          }
        }
      }

      ConsumerRecord<byte[], byte[]> dead = got.deadletters.get(0);
      assertEquals("garbage", new String(dead.value(), StandardCharsets.UTF_8));
      assertEquals("bad", new String(dead.key(), StandardCharsets.UTF_8));
      assertEquals("BAD_MAGIC_BYTE", new String(dead.headers().lastHeader(Topics.DLQ_REASON_HEADER).value(), StandardCharsets.UTF_8));
    }
  }

  // ---- data

  /** Series i: {@code requests_total{i="<i>"}}; sample k at T0 + 15s·k; series 0 resets at k = 10. */
  static Labels seriesLabels(int i) {
    return Labels.of("__name__", "requests_total", "i", Integer.toString(i));
  }

  static double value(int i, int k) {
    if (i == 0) {
      return k < 10 ? 10.0 * k : k - 10;
    }
    return (double) (i + 1) * k;
  }

  /** One SampleBatch per partition holding the samples k in [from, to) of the series on that partition. */
  static void produceSamples(KafkaProducer<byte[], byte[]> producer, AvroWireSerde<SampleBatch> serde, String topic,
      int from, int to) throws Exception {
    Map<Integer, List<Series>> byPartition = new HashMap<>();
    for (int i = 0; i < SERIES; i++) {
      List<Sample> s = new ArrayList<>();
      for (int k = from; k < to; k++) {
        s.add(new Sample(T0.toEpochMilli() + 15_000L * k, value(i, k)));
      }
      Labels labels = seriesLabels(i);
      byPartition.computeIfAbsent(SeriesPartitioner.partition(Samples.TENANT, labels, PARTITIONS), p -> new ArrayList<>())
          .add(new Series(labels.toAvro(), s));
    }
    long recordTime = T0.toEpochMilli() + 15_000L * (to - 1);
    for (Map.Entry<Integer, List<Series>> e : byPartition.entrySet()) {
      byte[] v = serde.serialize(topic, new SampleBatch(Samples.TENANT, "it", e.getValue()));
      producer.send(new ProducerRecord<>(topic, e.getKey(), recordTime, null, v)).get();
    }
  }

  /** A {@code tick} sample on every partition, moving each task's stream time to T0 + seconds. */
  static void produceTicks(KafkaProducer<byte[], byte[]> producer, AvroWireSerde<SampleBatch> serde, String topic,
      long seconds) throws Exception {
    long ts = T0.toEpochMilli() + seconds * 1000;
    boolean[] done = new boolean[PARTITIONS];
    for (int n = 0, left = PARTITIONS; left > 0; n++) {
      Labels tick = Labels.of("__name__", "tick", "n", Integer.toString(n));
      int p = SeriesPartitioner.partition(SeriesKey.encode(Samples.TENANT, tick), PARTITIONS);
      if (!done[p]) {
        done[p] = true;
        left--;
        byte[] v = serde.serialize(topic, new SampleBatch(Samples.TENANT, "it",
            List.of(new Series(tick.toAvro(), List.of(new Sample(ts, 1.0))))));
        producer.send(new ProducerRecord<>(topic, p, ts, null, v)).get();
      }
    }
  }

  static void assertWindow(RollupWindow w, long count, double sum, double min, double max, double last, double counter) {
    assertEquals(count, w.getCount(), "count");
    assertEquals(sum, w.getSum(), "sum");
    assertEquals(min, w.getMin(), "min");
    assertEquals(max, w.getMax(), "max");
    assertEquals(last, w.getLast(), "last");
    assertEquals(counter, w.getCounter(), "counter");
  }

  // ---- Kafka plumbing

  static KafkaProducer<byte[], byte[]> producer(TestCluster cluster) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  static KafkaConsumer<byte[], byte[]> consumer(TestCluster cluster) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  static double counter(PrometheusRegistry prom, String name, String reason) {
    for (var m : prom.scrape()) {
      if (m.getMetadata().getName().equals(name)) {
        for (var dp : m.getDataPoints()) {
          if (reason == null || reason.equals(dp.getLabels().get("reason"))) {
            return ((io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot) dp).getValue();
          }
        }
      }
    }
    throw new AssertionError("no counter " + name);
  }

  /** Everything read from the output topics: windows keyed by topic, series and start (duplicates kept). */
  static final class Collected {
    final AvroWireSerde<RollupBatch> serde;
    final Map<String, List<Object[]>> windowsByTopic = new HashMap<>();
    final Map<Integer, List<RollupBatch>> batchesByPartition = new HashMap<>();
    final List<ConsumerRecord<byte[], byte[]>> deadletters = new ArrayList<>();

    Collected(AvroWireSerde<RollupBatch> serde) {
      this.serde = serde;
    }

    void pollUntil(KafkaConsumer<byte[], byte[]> consumer, java.util.function.BooleanSupplier done) {
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (!done.getAsBoolean()) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("timed out; got " + windowsByTopic.keySet() + " windows "
              + windowsByTopic.values().stream().mapToInt(List::size).sum() + ", deadletters " + deadletters.size());
        }
        poll(consumer, Duration.ofMillis(200));
      }
    }

    void pollFor(KafkaConsumer<byte[], byte[]> consumer, Duration d) {
      long end = System.nanoTime() + d.toNanos();
      while (System.nanoTime() < end) {
        poll(consumer, Duration.ofMillis(200));
      }
    }

    private void poll(KafkaConsumer<byte[], byte[]> consumer, Duration d) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(d)) {
        if (r.topic().endsWith(Topics.DEADLETTER)) {
          deadletters.add(r);
          continue;
        }
        RollupBatch b = serde.deserialize(r.value());
        batchesByPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(b);
        for (RollupSeries s : b.getSeries()) {
          Labels labels = Labels.fromAvro(s.getLabels());
          if (labels.metricName().equals("tick")) {
            continue;
          }
          for (RollupWindow w : s.getWindows()) {
            windowsByTopic.computeIfAbsent(r.topic(), t -> new ArrayList<>()).add(new Object[] {labels, w});
          }
        }
      }
    }

    int windows(String topic) {
      return windowsByTopic.getOrDefault(topic, List.of()).size();
    }

    RollupWindow window(String topic, Labels labels, long startSeconds) {
      RollupWindow found = null;
      for (Object[] lw : windowsByTopic.getOrDefault(topic, List.of())) {
        RollupWindow w = (RollupWindow) lw[1];
        if (lw[0].equals(labels) && w.getWindowStartMs() == T0.toEpochMilli() + startSeconds * 1000) {
          if (found != null) {
            throw new AssertionError("window " + labels + " @" + startSeconds + "s emitted twice on " + topic);
          }
          found = w;
        }
      }
      if (found == null) {
        throw new AssertionError("no window " + labels + " @" + startSeconds + "s on " + topic);
      }
      return found;
    }
  }

}
