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
import io.strata.schemas.deadletter.DeadLetters;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.StaleMarker;
import io.strata.schemas.model.SeriesPartitioner;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.registry.SchemaRegistry;
import io.strata.schemas.serde.AvroWireSerde;
import io.strata.streams.config.Resolution;
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
 * the service is stopped half way and started again on an empty state dir (so it restores maxT, open
 * windows' samples and coarser partials from the changelog), then closed in the middle of a stream of
 * batches and started again on the same state dir and application id. Every window the oracle calls
 * final comes out exactly once with the oracle's values, and nothing else comes out.
 */
@StrataTest
class RollupServiceIT {
  private static final int PARTITIONS = 2;
  private static final int SERIES = 4;
  private static final int SAMPLES_PER_BATCH = 5; // 75 s of event time per batch
  private static final Duration WINDOW = Duration.ofMinutes(3);
  private static final List<Resolution> RESOLUTIONS = List.of(Resolution.parse("r", "1m"), Resolution.parse("r", "5m"));
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @Test
  void rollsUpAcrossRestartsExactlyOnce(TestCluster cluster, @TempDir Path dir) throws Exception {
    String prefix = cluster.uniquePrefix();
    String samples = cluster.createTopic(prefix + Topics.SAMPLES, PARTITIONS);
    String r1m = cluster.createTopic(prefix + Topics.rollup("1m"), PARTITIONS);
    String r5m = cluster.createTopic(prefix + Topics.rollup("5m"), PARTITIONS);
    String dlq = cluster.createTopic(prefix + Topics.DEADLETTER, PARTITIONS);
    SchemaRegistry registry = SchemaRegistries.forUrl(cluster.registryUrl());
    AvroWireSerde<SampleBatch> sampleSerde = new AvroWireSerde<>(registry, SampleBatch.class);
    AvroWireSerde<RollupBatch> rollupSerde = new AvroWireSerde<>(registry, RollupBatch.class);
    String appId = "rollup-it-" + prefix.replace(".", "");
    RollupOracle oracle = new RollupOracle(RESOLUTIONS, WINDOW.toMillis());

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
      Feed feed = new Feed(producer, sampleSerde, samples, oracle);

      // Phase 1: batches 0-3 (T0 .. T0+285s) and one garbage record: minute 0 of each series is final.
      feed.batches(0, 4);
      long acceptedInPhase1 = oracle.accepted;
      producer.send(new ProducerRecord<>(samples, 0, T0.toEpochMilli(), "bad".getBytes(StandardCharsets.UTF_8),
          "garbage".getBytes(StandardCharsets.UTF_8))).get();
      // A valid batch on the wrong partition (the partition count comes from the real topic): dead-lettered.
      Labels stray = Labels.of("__name__", "stray_series", "job", "it");
      int strayPartition = (SeriesPartitioner.partition(Samples.TENANT, stray, PARTITIONS) + 1) % PARTITIONS;
      SampleBatch strayBatch = new SampleBatch(Samples.TENANT, "test", List.of(new io.strata.avro.Series(stray.toAvro(),
          List.of(new io.strata.avro.Sample(T0.toEpochMilli(), 1.0)))));
      producer.send(new ProducerRecord<>(samples, strayPartition, T0.toEpochMilli(), null, sampleSerde.serialize(samples, strayBatch))).get();
      PrometheusRegistry prom1 = new PrometheusRegistry();
      try (RollupService svc = service(cluster, appId, dir.resolve("run1"), prefix, prom1)) {
        svc.start();
        got.pollUntil(consumer, () -> got.count() >= oracle.finalWindows().size() && got.deadletters.size() == 2);
        // read while the service runs: close() unregisters its metrics
        assertEquals(1.0, counter(prom1, "strata_streams_deadletter", "BAD_MAGIC_BYTE"));
        assertEquals(1.0, counter(prom1, "strata_streams_deadletter", "WRONG_PARTITION"));
        assertEquals(acceptedInPhase1, counter(prom1, "strata_streams_samples", null));
      }
      assertTrue(prom1.scrape().stream().noneMatch(m -> m.getMetadata().getName().startsWith("strata_streams_")),
          "close() unregisters the metrics");
      assertEquals(SERIES, got.count(), "minute 0 of each series, nothing else final yet");

      // Phase 2: a new instance on an empty state dir restores from the changelog; batch 3 is re-sent (a
      // producer retry: duplicates), batches 5 and 4 follow, 4 out of order within the window.
      feed.batches(3, 4);
      feed.batches(5, 6);
      feed.batches(4, 5);
      PrometheusRegistry prom2 = new PrometheusRegistry();
      RollupService svc = service(cluster, appId, dir.resolve("run2"), prefix, prom2);
      try {
        svc.start();
        got.pollUntil(consumer, () -> got.count() >= oracle.finalWindows().size());
        assertEquals(SERIES * SAMPLES_PER_BATCH, counter(prom2, "strata_streams_dropped_samples", "duplicate"));
        assertEquals(0.0, counter(prom2, "strata_streams_dropped_samples", "too_old"), "batch 4 was inside the window");

        // Phase 3: the service is closed while batches keep arriving, and started again on the same state
        // dir and application id: the aborted transaction is replayed, nothing doubled or lost.
        for (int b = 6; b < 16; b++) {
          feed.batches(b, b + 1);
          if (b == 10) {
            svc.close();
            svc = service(cluster, appId, dir.resolve("run2"), prefix, new PrometheusRegistry());
            svc.start();
          }
          Thread.sleep(150);
        }
        got.pollUntil(consumer, () -> got.count() >= oracle.finalWindows().size());
        // give a duplicate, if the service wrongly re-emitted anything, the chance to show up
        got.pollFor(consumer, Duration.ofMillis(1500));
      } finally {
        svc.close();
      }

      // Exactly the oracle's windows, each once, with its values.
      Map<RollupOracle.Window, RollupOracle.Aggregate> expected = oracle.finalWindows();
      assertEquals(expected.keySet(), got.windows.keySet());
      for (Map.Entry<RollupOracle.Window, RollupOracle.Aggregate> e : expected.entrySet()) {
        assertEquals(e.getValue(), RollupOracle.of(got.windows.get(e.getKey())), e.getKey().toString());
      }
      assertEquals(SERIES * 3, expected.keySet().stream().filter(w -> w.resolution().equals("5m")).count(),
          "3 five-minute windows of each series are final (newest sample T0+19m45s)");

      // Series 0 resets at sample 10 (in minute 2): the 5m window carries the correction.
      RollupWindow s0 = got.windows.get(new RollupOracle.Window(new RollupOracle.SeriesId(Samples.TENANT, seriesLabels(0)), "5m",
          T0.toEpochMilli()));
      assertEquals(90.0, s0.getCorrection(), "90 -> 0 at T0+150s");
      assertEquals(1, s0.getResets());

      // Each batch is on its series' partition.
      for (Map.Entry<Integer, List<RollupBatch>> e : got.batchesByPartition.entrySet()) {
        for (RollupBatch b : e.getValue()) {
          for (RollupSeries s : b.getSeries()) {
            int p = SeriesPartitioner.partition(b.getTenant(), Labels.fromAvro(s.getLabels()), PARTITIONS);
            assertEquals(p, (int) e.getKey(), "partition of " + Labels.fromAvro(s.getLabels()));
          }
        }
      }

      assertEquals(2, got.deadletters.size());
      ConsumerRecord<byte[], byte[]> dead = got.deadletters.stream().filter(r -> r.key() != null).findFirst().orElseThrow();
      assertEquals("garbage", new String(dead.value(), StandardCharsets.UTF_8));
      assertEquals("bad", new String(dead.key(), StandardCharsets.UTF_8));
      assertEquals("BAD_MAGIC_BYTE", DeadLetters.text(dead.headers(), Topics.DLQ_REASON_HEADER));
      ConsumerRecord<byte[], byte[]> wrong = got.deadletters.stream().filter(r -> r.key() == null).findFirst().orElseThrow();
      assertEquals("WRONG_PARTITION", DeadLetters.text(wrong.headers(), Topics.DLQ_REASON_HEADER));
      assertEquals(Integer.toString(strayPartition), DeadLetters.text(wrong.headers(), Topics.DLQ_PARTITION_HEADER));
      assertEquals(samples, DeadLetters.text(wrong.headers(), Topics.DLQ_TOPIC_HEADER));
    }
  }

  static RollupService service(TestCluster cluster, String appId, Path stateDir, String prefix, PrometheusRegistry prom) {
    return new RollupService(cluster.bootstrapServers(), cluster.registryUrl(), appId, stateDir, prefix, List.of("1m", "5m"),
        WINDOW, prom);
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
    if (i == 3 && k % 7 == 6) {
      return StaleMarker.VALUE; // a target that flaps: stale markers are samples to the rule, not to the aggregates
    }
    return (double) (i + 1) * k;
  }

  /** Produces batches synchronously (so the per-partition order is the send order) and feeds the oracle the same. */
  record Feed(KafkaProducer<byte[], byte[]> producer, AvroWireSerde<SampleBatch> serde, String topic, RollupOracle oracle) {
    /** One SampleBatch per partition holding batches [from, to) of the series on that partition. */
    void batches(int from, int to) throws Exception {
      Map<Integer, List<Series>> byPartition = new HashMap<>();
      for (int i = 0; i < SERIES; i++) {
        List<Sample> s = new ArrayList<>();
        for (int k = from * SAMPLES_PER_BATCH; k < to * SAMPLES_PER_BATCH; k++) {
          s.add(new Sample(T0.toEpochMilli() + 15_000L * k, value(i, k)));
        }
        Labels labels = seriesLabels(i);
        byPartition.computeIfAbsent(SeriesPartitioner.partition(Samples.TENANT, labels, PARTITIONS), p -> new ArrayList<>())
            .add(new Series(labels.toAvro(), s));
      }
      long recordTime = T0.toEpochMilli() + 15_000L * (to * SAMPLES_PER_BATCH - 1);
      for (Map.Entry<Integer, List<Series>> e : byPartition.entrySet()) {
        SampleBatch batch = new SampleBatch(Samples.TENANT, "it", e.getValue());
        producer.send(new ProducerRecord<>(topic, e.getKey(), recordTime, null, serde.serialize(topic, batch))).get();
        oracle.offer(batch);
      }
    }
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

  /** Everything read from the output topics: windows by series, resolution and start (a duplicate fails). */
  static final class Collected {
    final AvroWireSerde<RollupBatch> serde;
    final Map<RollupOracle.Window, RollupWindow> windows = new HashMap<>();
    final Map<Integer, List<RollupBatch>> batchesByPartition = new HashMap<>();
    final List<ConsumerRecord<byte[], byte[]>> deadletters = new ArrayList<>();

    Collected(AvroWireSerde<RollupBatch> serde) {
      this.serde = serde;
    }

    int count() {
      return windows.size();
    }

    void pollUntil(KafkaConsumer<byte[], byte[]> consumer, java.util.function.BooleanSupplier done) {
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (!done.getAsBoolean()) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("timed out; got " + windows.size() + " windows, deadletters " + deadletters.size());
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
          RollupOracle.SeriesId id = new RollupOracle.SeriesId(b.getTenant(), Labels.fromAvro(s.getLabels()));
          for (RollupWindow w : s.getWindows()) {
            RollupOracle.Window key = new RollupOracle.Window(id, b.getResolution(), w.getWindowStartMs());
            if (windows.put(key, w) != null) {
              throw new AssertionError("window emitted twice: " + key);
            }
          }
        }
      }
    }
  }
}
