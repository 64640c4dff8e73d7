package io.strata.sinks.tsdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.avro.RollupBatch;
import io.strata.avro.RollupSeries;
import io.strata.avro.RollupWindow;
import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.embedded.ConnectWorker;
import io.strata.embedded.Ports;
import io.strata.embedded.junit.StrataTest;
import io.strata.embedded.junit.TestCluster;
import io.strata.schemas.Topics;
import io.strata.schemas.deadletter.DeadLetters;
import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.SeriesPartitioner;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.serde.AvroWireSerde;
import io.strata.tsdb.Resolution;
import io.strata.tsdb.RollupPoint;
import io.strata.tsdb.SampleCursor;
import io.strata.tsdb.SharedStores;
import io.strata.tsdb.Store;
import io.strata.tsdb.StoredSeries;
import io.strata.tsdb.Stores;
import io.strata.tsdb.TsdbConfig;
import io.strata.tsdb.WindowColumns;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The TSDB sink in a real Connect worker on a real broker. */
@StrataTest
class TsdbSinkIT {
  private static final long T0 = 1767225600000L;

  private static void await(String what, BooleanSupplier cond) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (!cond.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  private static int count(Store store, String tenant, Resolution res) {
    int n = 0;
    for (StoredSeries s : store.select(tenant, res, 0, Long.MAX_VALUE, List.of(LabelMatcher.of(LabelMatcher.Type.RE, "__name__", ".+")))) {
      if (res.isRaw()) {
        SampleCursor c = s.samples();
        while (c.next()) {
          n++;
        }
      } else {
        var c = s.rollups();
        while (c.next()) {
          n++;
        }
      }
    }
    return n;
  }

  /** An exact window of a counter that reset once inside the minute: every v2 field set, none of them a default. */
  private static final RollupWindow EXACT_WINDOW = RollupWindow.newBuilder().setWindowStartMs(T0 + 60_000).setCount(4L).setSum(16.5).setMin(0.5)
      .setMax(9.0).setLast(3.0).setFirstMs(T0 + 60_000 + 7_000).setFirst(8.0).setLastMs(T0 + 60_000 + 52_000).setCorrection(9.0).setResets(1L)
      .setChanges(3L).setExact(true).build();

  /** Both windows come back whole through the exact read path: the legacy one as legacy, the exact one field for field. */
  private static void assertWindowsRoundTrip(Store store) {
    List<StoredSeries> ss = store.selectLazy("default", Resolution.parse("1m"), 0, Long.MAX_VALUE, List.of(LabelMatcher.of(LabelMatcher.Type.EQ, "room", "r0")));
    assertEquals(1, ss.size());
    WindowColumns w = new WindowColumns(4);
    assertEquals(2, ss.get(0).readWindows(0, Long.MAX_VALUE, w));
    assertEquals(new RollupPoint(T0, 4, 10.0, 1.0, 4.0, 4.0, 4.0), new RollupPoint(w.starts()[0], w.counts()[0], w.sums()[0], w.mins()[0], w.maxs()[0],
        w.lasts()[0], 4.0, w.firstMs()[0], w.firsts()[0], w.lastMs()[0], w.corrections()[0], w.resets()[0], w.changes()[0], w.exact()[0]));
    RollupPoint exact = w.point(1);
    RollupWindow e = EXACT_WINDOW;
    assertEquals(new RollupPoint(e.getWindowStartMs(), e.getCount(), e.getSum(), e.getMin(), e.getMax(), e.getLast(), 0.0, e.getFirstMs(), e.getFirst(),
        e.getLastMs(), e.getCorrection(), e.getResets(), e.getChanges(), true), exact);
    assertEquals(T0, ss.get(0).minTime());
    assertEquals(T0 + 60_000, ss.get(0).maxTime());
  }

  @Test
  void storesSamplesAndRollupsDeadLettersGarbageAndCommitsOffsetsWithTheData(TestCluster cluster) throws Exception {
    String prefix = cluster.uniquePrefix();
    String samplesTopic = cluster.createTopic(prefix + Topics.SAMPLES, 2);
    String rollupTopic = cluster.createTopic(prefix + Topics.rollup("1m"), 2);
    String dlq = cluster.createTopic(prefix + Topics.DEADLETTER, 1);
    Path dir = Files.createTempDirectory("strata-sink-it");
    Path storeDir = dir.resolve("tsdb");

    var sampleSerde = new AvroWireSerde<>(SchemaRegistries.forUrl(cluster.registryUrl()), SampleBatch.class);
    var rollupSerde = new AvroWireSerde<>(SchemaRegistries.forUrl(cluster.registryUrl()), RollupBatch.class);
    Properties p = new Properties();
    p.put("bootstrap.servers", cluster.bootstrapServers());
    int onPartition0 = 0;
    try (var producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < 10; i++) {
        Labels l = Labels.of("__name__", "temperature", "room", "r" + i);
        onPartition0 += SeriesPartitioner.partition("default", l, 2) == 0 ? 1 : 0;
        Series s = new Series(l.toAvro(), List.of(new Sample(T0, (double) i), new Sample(T0 + 15_000, i + 0.5)));
        producer.send(new ProducerRecord<>(samplesTopic, SeriesPartitioner.partition("default", l, 2), null,
            sampleSerde.serialize(samplesTopic, new SampleBatch("default", "test", List.of(s))))).get();
      }
      ProducerRecord<byte[], byte[]> garbage = new ProducerRecord<>(samplesTopic, 0, "k".getBytes(StandardCharsets.UTF_8),
          "not avro at all".getBytes(StandardCharsets.UTF_8));
      garbage.headers().add("traceparent", new byte[] {0, 1, 2});
      producer.send(garbage).get();
      // a batch with a series ingest would refuse (label name "bad-name") besides a good one: refused whole
      Labels good = Labels.of("__name__", "temperature", "room", "refused");
      int goodPartition = SeriesPartitioner.partition("default", good, 2);
      Series bad = new Series(List.of(new io.strata.avro.Label("__name__", "temperature"), new io.strata.avro.Label("bad-name", "x")),
          List.of(new Sample(T0, 1.0)));
      producer.send(new ProducerRecord<>(samplesTopic, goodPartition, null, sampleSerde.serialize(samplesTopic,
          new SampleBatch("default", "test", List.of(new Series(good.toAvro(), List.of(new Sample(T0, 1.0))), bad))))).get();
      // a valid series on the other partition than its own
      producer.send(new ProducerRecord<>(samplesTopic, 1 - goodPartition, null, sampleSerde.serialize(samplesTopic,
          new SampleBatch("default", "test", List.of(new Series(good.toAvro(), List.of(new Sample(T0 + 1000, 2.0)))))))).get();
      // a legacy window (the old stage's fields only: the builder's defaults give exact false) and an exact one
      RollupSeries rs = new RollupSeries(Labels.of("__name__", "temperature", "room", "r0").toAvro(),
          List.of(RollupWindow.newBuilder().setWindowStartMs(T0).setCount(4L).setSum(10.0).setMin(1.0).setMax(4.0)
              .setLast(4.0).setCounter(4.0).build(), EXACT_WINDOW));
      producer.send(new ProducerRecord<>(rollupTopic, 0, null, rollupSerde.serialize(rollupTopic, new RollupBatch("default", "1m", 60_000L, List.of(rs))))).get();
    }

    Map<String, String> cfg = new HashMap<>();
    cfg.put("connector.class", TsdbSinkConnector.class.getName());
    cfg.put("tasks.max", "2");
    cfg.put("topics", samplesTopic + "," + rollupTopic);
    cfg.put(TsdbSinkConfig.DATA_DIR, storeDir.toString());
    cfg.put(TsdbSinkConfig.REGISTRY_URL, cluster.registryUrl());
    cfg.put(TsdbSinkConfig.KAFKA_BOOTSTRAP, cluster.bootstrapServers());
    cfg.put(TsdbSinkConfig.DEADLETTER_TOPIC, dlq);
    cfg.put("header.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");

    Store view = SharedStores.acquire(storeDir, d -> Stores.open(TsdbConfig.defaults(d)));
    try (ConnectWorker worker = ConnectWorker.start(cluster.bootstrapServers(), "127.0.0.1", Ports.free(), dir.resolve("connect"), 500, Map.of())) {
      worker.putConnector("tsdb", cfg);
      await("20 samples and 2 rollup windows in the store", () -> count(view, "default", Resolution.RAW) == 20
          && count(view, "default", Resolution.parse("1m")) == 2);
      assertWindowsRoundTrip(view);
      await("offsets committed with the data", () -> {
        Map<String, Long> o = view.committedOffsets();
        return o.getOrDefault(samplesTopic + "/0", 0L) + o.getOrDefault(samplesTopic + "/1", 0L) == 13;
      });
      assertEquals("RUNNING", worker.status("tsdb").connector().state(), "garbage did not stop the connector");
    } finally {
      SharedStores.release(storeDir);
    }

    Properties c = new Properties();
    c.put("bootstrap.servers", cluster.bootstrapServers());
    c.put("group.id", "dlq-check");
    c.put("auto.offset.reset", "earliest");
    List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(dlq));
      long deadline = System.currentTimeMillis() + 15_000;
      while (dead.size() < 3 && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(dead::add);
      }
    }
    assertEquals(3, dead.size());
    ConsumerRecord<byte[], byte[]> g = dead.stream().filter(r -> r.key() != null).findFirst().orElseThrow();
    assertEquals("not avro at all", new String(g.value(), StandardCharsets.UTF_8));
    assertArrayEquals("k".getBytes(StandardCharsets.UTF_8), g.key());
    assertArrayEquals(new byte[] {0, 1, 2}, g.headers().lastHeader("traceparent").value(), "original headers kept as bytes");
    assertEquals("BAD_MAGIC_BYTE", DeadLetters.text(g.headers(), Topics.DLQ_REASON_HEADER));
    assertEquals("sink", DeadLetters.text(g.headers(), Topics.DLQ_STAGE_HEADER));
    assertEquals(samplesTopic, DeadLetters.text(g.headers(), Topics.DLQ_TOPIC_HEADER));
    assertEquals("0", DeadLetters.text(g.headers(), Topics.DLQ_PARTITION_HEADER));
    assertEquals(Integer.toString(onPartition0), DeadLetters.text(g.headers(), Topics.DLQ_OFFSET_HEADER), "after the good records of partition 0");
    assertTrue(DeadLetters.text(g.headers(), Topics.DLQ_MESSAGE_HEADER).contains("magic byte"));
    List<String> refused = dead.stream().filter(r -> r.key() == null).map(r -> DeadLetters.text(r.headers(), Topics.DLQ_REASON_HEADER)).sorted().toList();
    assertEquals(List.of("INVALID_LABEL_NAME", "WRONG_PARTITION"), refused);
    assertEquals(1.0, sinkDeadletters("INVALID_LABEL_NAME"));
    assertEquals(1.0, sinkDeadletters("WRONG_PARTITION"));

    // nothing of the refused batches was stored: 20 samples of the 10 good series
    // reopening the directory gives the same data: it was durable before the offsets were committed
    try (Store reopened = Stores.open(TsdbConfig.defaults(storeDir))) {
      assertEquals(20, count(reopened, "default", Resolution.RAW));
    }
  }

  /** The sink's dead-letter counter for a reason (the worker runs in this JVM, on the default registry). */
  static double sinkDeadletters(String reason) {
    for (var m : io.prometheus.metrics.model.registry.PrometheusRegistry.defaultRegistry.scrape()) {
      if (m.getMetadata().getName().equals("strata_sink_deadletter")) {
        for (var dp : m.getDataPoints()) {
          if (reason.equals(dp.getLabels().get("reason"))) {
            return ((io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot) dp).getValue();
          }
        }
      }
    }
    return Double.NaN;
  }
}
