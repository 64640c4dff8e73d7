package io.strata.bench.streams;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.avro.Label;
import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.bench.tsdb.NodeExporterLikeData;
import io.strata.embedded.KafkaBroker;
import io.strata.embedded.Ports;
import io.strata.embedded.TopicProvisioner;
import io.strata.schemas.Topics;
import io.strata.schemas.model.SeriesPartitioner;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.registry.SchemaRegistry;
import io.strata.schemas.serde.AvroWireSerde;
import io.strata.streams.RollupService;
import io.strata.streams.RollupTopology;
import io.strata.streams.config.Resolution;
import io.strata.streams.config.RollupConfig;
import io.strata.streams.metrics.RollupMetrics;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * CPU of the Streams rollup stage per sample, on the batches the whole-pipeline harness sends
 * ({@code PipelineHarness}): SERIES node_exporter-like series × HOURS at 15 s, 4 remote_write connections
 * each owning a quarter of the series, 2,000 (series, sample) pairs per request in time order, each request
 * split by the partition rule into one {@code SampleBatch} per partition of 4 as ingest writes it (so a
 * record holds about 500 series with one sample each). Two modes:
 *
 * <ul>
 *   <li>{@code driver}: the real topology ({@link RollupTopology#buildTopology}) in a
 *       {@link TopologyTestDriver} (RocksDB store, record cache and changelog as configured; the driver commits
 *       after every record, so the cache merges nothing across records and the store and changelog see every
 *       write); CPU of the feeding thread around {@code pipeInput} only (record encoding not counted). For
 *       profiles ({@code -XX:StartFlightRecording}).</li>
 *   <li>{@code broker} (default): an in-process KRaft broker with the topics {@code strata up} creates
 *       (4 partitions), every record produced first (lz4, as ingest), then {@link RollupService} with
 *       {@code strata up}'s application id ({@code strata-rollup-v2}, exactly-once, 1 s commits) until the
 *       group has committed the end offset of every partition; CPU of the stream thread and of the Streams
 *       clients' other threads (its producer, consumer heartbeat) by {@code ThreadMXBean}, the broker apart.</li>
 * </ul>
 *
 * Prints CPU-s per 1M samples over the whole run and after the first quarter of the samples (the JIT warm).
 * Run: {@code java -cp ... io.strata.bench.streams.RollupCpuHarness [SERIES HOURS [driver|broker]]}, default
 * {@code 10000 2 broker}.
 */
public final class RollupCpuHarness {
  static final int PER_REQUEST = 2_000;
  static final int CONNECTIONS = 4;
  static final int PARTITIONS = 4;
  static final String TENANT = "default";
  static final String APP_ID = "strata-rollup-v2";

  private RollupCpuHarness() {}

  public static void main(String[] args) throws Exception {
    int series = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int hours = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    String mode = args.length > 2 ? args[2] : "broker";
    int steps = hours * 240;
    long samples = (long) series * steps;
    Path dir = Files.createTempDirectory("strata-bench-rollup");
    System.out.printf("%s: %d series x %d h at 15 s = %d samples, %d per request, %d partitions%n", mode, series, hours, samples,
        PER_REQUEST, PARTITIONS);
    switch (mode) {
      case "driver" -> driver(series, steps, samples, dir);
      case "broker" -> broker(series, steps, samples, dir);
      default -> throw new IllegalArgumentException("mode must be driver or broker, got " + mode);
    }
  }

  /** Generates the records in send order: per request of one connection, one SampleBatch per partition. */
  static void records(int series, int steps, int partitions, Consumer<SampleBatch> out, java.util.function.IntConsumer partitionOf) {
    NodeExporterLikeData data = new NodeExporterLikeData(series);
    List<List<Label>> labels = new ArrayList<>(series);
    int[] partition = new int[series];
    for (int i = 0; i < series; i++) {
      labels.add(data.labels(i).toAvro());
      partition[i] = SeriesPartitioner.partition(TENANT, data.labels(i), partitions);
    }
    List<List<Integer>> pendingSeries = new ArrayList<>();
    List<List<Sample>> pendingSamples = new ArrayList<>();
    for (int c = 0; c < CONNECTIONS; c++) {
      pendingSeries.add(new ArrayList<>(PER_REQUEST));
      pendingSamples.add(new ArrayList<>(PER_REQUEST));
    }
    for (int k = 0; k < steps; k++) {
      long ts = data.timestamp(k);
      for (int i = 0; i < series; i++) {
        int c = i % CONNECTIONS;
        pendingSeries.get(c).add(i);
        pendingSamples.get(c).add(new Sample(ts, data.next(i)));
        if (pendingSeries.get(c).size() == PER_REQUEST) {
          flush(pendingSeries.get(c), pendingSamples.get(c), labels, partition, partitions, out, partitionOf);
        }
      }
    }
    for (int c = 0; c < CONNECTIONS; c++) {
      flush(pendingSeries.get(c), pendingSamples.get(c), labels, partition, partitions, out, partitionOf);
    }
  }

  private static void flush(List<Integer> idx, List<Sample> smp, List<List<Label>> labels, int[] partition, int partitions,
      Consumer<SampleBatch> out, java.util.function.IntConsumer partitionOf) {
    Map<Integer, List<Series>> byPartition = new TreeMap<>();
    for (int j = 0; j < idx.size(); j++) {
      int i = idx.get(j);
      byPartition.computeIfAbsent(partition[i], p -> new ArrayList<>()).add(new Series(labels.get(i), List.of(smp.get(j))));
    }
    for (var e : byPartition.entrySet()) {
      partitionOf.accept(e.getKey());
      out.accept(new SampleBatch(TENANT, "bench", e.getValue()));
    }
    idx.clear();
    smp.clear();
  }

  private static void driver(int series, int steps, long samples, Path dir) throws Exception {
    RollupConfig cfg = RollupConfig.defaults().withConnection("unused:9092", "mock://rollup-bench", APP_ID, dir);
    SchemaRegistry registry = SchemaRegistries.forUrl(cfg.registryUrl());
    AvroWireSerde<SampleBatch> serde = new AvroWireSerde<>(registry, SampleBatch.class);
    PrometheusRegistry prometheus = new PrometheusRegistry();
    var mx = ManagementFactory.getThreadMXBean();
    long[] cpu = new long[1];
    long[] fed = new long[1];
    long[] cpuAtQuarter = {-1};
    long[] fedAtQuarter = new long[1];
    long[] piped = new long[1];
    Map<String, Long> drained = new TreeMap<>();
    long t0 = System.nanoTime();
    try (RollupMetrics metrics = new RollupMetrics(prometheus);
        TopologyTestDriver driver = new TopologyTestDriver(RollupTopology.buildTopology(cfg, registry, topic -> 1, metrics),
            RollupTopology.streamsConfig(cfg))) {
      TestInputTopic<byte[], byte[]> in = driver.createInputTopic(RollupTopology.samplesTopic(cfg), new ByteArraySerializer(),
          new ByteArraySerializer());
      String topic = RollupTopology.samplesTopic(cfg);
      records(series, steps, PARTITIONS, batch -> {
        byte[] value = serde.serialize(topic, batch);
        long c0 = mx.getCurrentThreadCpuTime();
        in.pipeInput(null, value);
        cpu[0] += mx.getCurrentThreadCpuTime() - c0;
        fed[0] += batch.getSeries().size();
        if (++piped[0] % 64 == 0) {
          drain(driver, drained);
        }
        if (cpuAtQuarter[0] < 0 && fed[0] >= samples / 4) {
          cpuAtQuarter[0] = cpu[0];
          fedAtQuarter[0] = fed[0];
        }
      }, p -> { });
      drain(driver, drained);
      drained.forEach((t, n) -> System.out.printf("  %s: %d records%n", t, n));
    }
    System.out.printf("driver: %d samples fed in %.1f s wall; feeding thread CPU %.2f s in pipeInput%n", fed[0], (System.nanoTime() - t0) / 1e9,
        cpu[0] / 1e9);
    System.out.printf("CPU-s per 1M samples: %.2f all, %.2f after the first quarter%n", cpu[0] / 1e9 / (fed[0] / 1e6),
        (cpu[0] - cpuAtQuarter[0]) / 1e9 / ((fed[0] - fedAtQuarter[0]) / 1e6));
  }

  /** The driver keeps every produced record (rollups, changelog) until read: reads and counts them. */
  private static void drain(TopologyTestDriver driver, Map<String, Long> counts) {
    var d = new org.apache.kafka.common.serialization.ByteArrayDeserializer();
    for (String t : driver.producedTopicNames()) {
      var out = driver.createOutputTopic(t, d, d);
      long n = out.getQueueSize();
      if (n > 0) {
        out.readRecordsToList();
        counts.merge(t, n, Long::sum);
      }
    }
  }

  private static void broker(int series, int steps, long samples, Path dir) throws Exception {
    int[] ports = Ports.free(2);
    try (KafkaBroker broker = KafkaBroker.start(dir.resolve("kafka"), "127.0.0.1", ports[0], ports[1], Map.of())) {
      String bootstrap = broker.bootstrapServers();
      RollupConfig cfg = RollupConfig.defaults().withConnection(bootstrap, "mock://rollup-bench", APP_ID, dir.resolve("streams"));
      List<String> resolutions = cfg.resolutions().stream().map(Resolution::name).toList();
      TopicProvisioner.ensure(bootstrap, Topics.all("", resolutions), PARTITIONS, (short) 1);
      String topic = RollupTopology.samplesTopic(cfg);
      long records = produce(bootstrap, cfg.registryUrl(), topic, series, steps);
      System.out.printf("produced %d samples in %d records to %s%n", samples, records, topic);
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        Map<TopicPartition, Long> end = endOffsets(admin, topic);
        PrometheusRegistry prometheus = new PrometheusRegistry();
        Map<Long, Long> threads0 = threadCpu();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long process0 = os.getProcessCpuTime();
        long gc0 = gcMillis();
        long wall0 = System.nanoTime();
        long streamCpuAtQuarter = -1;
        double quarterSamples = 0;
        try (RollupService svc = new RollupService(cfg, prometheus)) {
          svc.start();
          while (!committed(admin, end)) {
            Thread.sleep(100);
            if (streamCpuAtQuarter < 0) {
              double done = counter(prometheus, "strata_streams_samples");
              if (done >= samples / 4.0) {
                streamCpuAtQuarter = streamThreadCpu(threads0);
                quarterSamples = done;
              }
            }
          }
          double wall = (System.nanoTime() - wall0) / 1e9;
          long process = os.getProcessCpuTime() - process0;
          Map<String, Long> byGroup = threadGroups(threads0);
          long streamCpu = streamThreadCpu(threads0);
          double accepted = counter(prometheus, "strata_streams_samples");
          System.out.printf("rollups: %.0f samples accepted, every offset committed %.1f s after start%n", accepted, wall);
          for (var m : prometheus.scrape()) {
            for (var d : m.getDataPoints()) {
              double v = ((io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot) d).getValue();
              if (v != 0) {
                System.out.printf("  %s%s = %.0f%n", m.getMetadata().getName(), d.getLabels(), v);
              }
            }
          }
          System.out.printf("stream thread CPU %.2f s: %.2f CPU-s per 1M samples all, %.2f after the first quarter%n", streamCpu / 1e9,
              streamCpu / 1e9 / (samples / 1e6), (streamCpu - streamCpuAtQuarter) / 1e9 / ((samples - quarterSamples) / 1e6));
          long javaThreads = byGroup.values().stream().mapToLong(Long::longValue).sum();
          System.out.printf("process CPU %.2f s (GC pauses %.2f s); by thread (digits as N), seconds:%n", process / 1e9,
              (gcMillis() - gc0) / 1e3);
          byGroup.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(12)
              .forEach(e -> System.out.printf("  %7.2f  %s%n", e.getValue() / 1e9, e.getKey()));
          System.out.printf("  %7.2f  other: GC, JIT compiler and native threads (RocksDB)%n", (process - javaThreads) / 1e9);
        }
      }
    }
  }

  private static long produce(String bootstrap, String registryUrl, String topic, int series, int steps) {
    var serde = new AvroWireSerde<>(SchemaRegistries.forUrl(registryUrl), SampleBatch.class);
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
    long[] records = new long[1];
    int[] part = new int[1];
    java.util.concurrent.atomic.AtomicReference<Exception> failed = new java.util.concurrent.atomic.AtomicReference<>();
    try (var producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      records(series, steps, PARTITIONS, batch -> {
        producer.send(new ProducerRecord<>(topic, part[0], null, serde.serialize(topic, batch)), (md, e) -> {
          if (e != null) {
            failed.compareAndSet(null, e);
          }
        });
        records[0]++;
      }, pp -> part[0] = pp);
      producer.flush();
    }
    if (failed.get() != null) {
      throw new IllegalStateException("a record was not written to " + topic, failed.get());
    }
    return records[0];
  }

  private static double counter(PrometheusRegistry registry, String name) {
    for (var m : registry.scrape()) {
      if (m.getMetadata().getName().equals(name)) {
        double sum = 0;
        for (var d : m.getDataPoints()) {
          sum += ((io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot) d).getValue();
        }
        return sum;
      }
    }
    return 0;
  }

  private static boolean isStreamThread(String name) {
    return name.startsWith(APP_ID) && name.matches(".*-StreamThread-[0-9]+");
  }

  private static long streamThreadCpu(Map<Long, Long> before) {
    var mx = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (java.lang.management.ThreadInfo ti : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (ti != null && isStreamThread(ti.getThreadName())) {
        long c = mx.getThreadCpuTime(ti.getThreadId());
        if (c >= 0) {
          sum += c - before.getOrDefault(ti.getThreadId(), 0L);
        }
      }
    }
    return sum;
  }

  private static Map<Long, Long> threadCpu() {
    var mx = ManagementFactory.getThreadMXBean();
    Map<Long, Long> out = new HashMap<>();
    for (long id : mx.getAllThreadIds()) {
      long c = mx.getThreadCpuTime(id);
      if (c >= 0) {
        out.put(id, c);
      }
    }
    return out;
  }

  /** CPU time of each live Java thread since {@code before}, summed by name with the application's UUID and digits folded. */
  private static Map<String, Long> threadGroups(Map<Long, Long> before) {
    var mx = ManagementFactory.getThreadMXBean();
    Map<String, Long> out = new HashMap<>();
    for (java.lang.management.ThreadInfo ti : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (ti == null) {
        continue;
      }
      long c = mx.getThreadCpuTime(ti.getThreadId());
      if (c < 0) {
        continue;
      }
      String name = ti.getThreadName().replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "UUID")
          .replaceAll("[0-9]+", "N");
      out.merge(name, c - before.getOrDefault(ti.getThreadId(), 0L), Long::sum);
    }
    return out;
  }

  private static long gcMillis() {
    long ms = 0;
    for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ms += Math.max(0, gc.getCollectionTime());
    }
    return ms;
  }

  private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
    Map<TopicPartition, OffsetSpec> q = new HashMap<>();
    for (int i = 0; i < PARTITIONS; i++) {
      q.put(new TopicPartition(topic, i), OffsetSpec.latest());
    }
    Map<TopicPartition, Long> out = new HashMap<>();
    admin.listOffsets(q).all().get().forEach((tp, info) -> out.put(tp, info.offset()));
    return out;
  }

  private static boolean committed(Admin admin, Map<TopicPartition, Long> end) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> c = admin.listConsumerGroupOffsets(APP_ID).partitionsToOffsetAndMetadata().get();
    for (var e : end.entrySet()) {
      OffsetAndMetadata o = c.get(e.getKey());
      if (o == null || o.offset() < e.getValue()) {
        return false;
      }
    }
    return true;
  }
}
