package io.strata.bench.sink;

import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.bench.tsdb.NodeExporterLikeData;
import io.strata.embedded.ConnectWorker;
import io.strata.embedded.KafkaBroker;
import io.strata.embedded.Ports;
import io.strata.embedded.TopicProvisioner;
import io.strata.schemas.Topics;
import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.SeriesPartitioner;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.serde.AvroWireSerde;
import io.strata.tsdb.Resolution;
import io.strata.tsdb.SampleCursor;
import io.strata.tsdb.Store;
import io.strata.tsdb.StoredSeries;
import io.strata.tsdb.Stores;
import io.strata.tsdb.TsdbConfig;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * End-to-end cost of the TSDB sink: Kafka → Connect worker → {@code TsdbSinkConnector} → durable store, in
 * CPU-seconds per million samples. One JVM holds an in-process KRaft broker, the producer and a standalone
 * Connect worker; a {@code mock://} registry works because they share the JVM.
 *
 * <ol>
 *   <li>Starts the broker, creates {@code metrics.samples} with P partitions, produces N series × S
 *       samples of {@link NodeExporterLikeData} as {@code SampleBatch}es (one batch per instance and
 *       scrape: 100 series × 1 sample, partitioned by series key as ingest does, lz4 as ingest's producer).</li>
 *   <li>Starts the Connect worker and runs a warm-up connector over W earlier samples per series (its own
 *       topic; same series, same store), so that JIT compilation, the series index and the heads are in
 *       place as in a long-running sink; it then stays idle. Measures the process CPU time over an idle
 *       period (broker, worker, idle warm-up connector) as the baseline rate.</li>
 *   <li>Creates the connector ({@code tasks.max} = P) and measures process CPU time
 *       ({@code OperatingSystemMXBean.getProcessCpuTime}, every thread of the JVM) and wall time until
 *       the consumer group {@code connect-<name>} has committed the end offset of every partition, which
 *       the sink does only after {@code Store.commit} made the data durable.</li>
 *   <li>Prints gross and baseline-subtracted CPU-seconds per million samples and samples/s, the CPU time
 *       of the Java threads grouped by name (sink task threads, broker threads, ...) and the rest (GC,
 *       JIT, native), then reopens the store and counts the samples.</li>
 * </ol>
 * Run: {@code java -cp ... io.strata.bench.sink.SinkThroughputHarness [series] [samplesPerSeries] [partitions] [dir|-] [warmupPerSeries]}
 * (defaults 10000 100 2 - 100; warm-up 0 measures a cold JVM).
 */
public final class SinkThroughputHarness {
  private static final String CONNECTOR = "bench-tsdb";
  private static final String WARMUP_CONNECTOR = "bench-warmup";
  private static final int SERIES_PER_BATCH = 100; // one node_exporter-like instance per batch
  /** Worker's preCommit interval, as {@code sink.commit_interval} of {@code strata up}. */
  private static final long OFFSET_FLUSH_MS = 1000;

  private SinkThroughputHarness() {}

  public static void main(String[] args) throws Exception {
    int series = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int perSeries = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int partitions = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    Path dir = args.length > 3 && !args[3].equals("-") ? Path.of(args[3]) : Files.createTempDirectory("strata-bench-sink");
    int warmupPerSeries = args.length > 4 ? Integer.parseInt(args[4]) : 100;
    long samples = (long) series * perSeries;
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    String registry = "mock://sink-bench";
    String topic = Topics.SAMPLES;
    int[] ports = Ports.free(3);

    try (KafkaBroker broker = KafkaBroker.start(dir.resolve("kafka"), "127.0.0.1", ports[0], ports[1], Map.of())) {
      String bootstrap = broker.bootstrapServers();
      String warmTopic = "bench.warmup";
      TopicProvisioner.ensure(bootstrap, List.of(new Topics.Spec(topic, Map.of("retention.ms", "-1")), new Topics.Spec(warmTopic, Map.of("retention.ms", "-1"))),
          partitions, (short) 1);
      NodeExporterLikeData data = new NodeExporterLikeData(series);
      produce(bootstrap, registry, warmTopic, data, 0, warmupPerSeries, partitions);
      long produced = produce(bootstrap, registry, topic, data, warmupPerSeries, perSeries, partitions);
      System.out.printf("produced %d samples in %d records to %s (%d partitions), after %d samples to %s for the warm-up%n", samples, produced, topic,
          partitions, (long) series * warmupPerSeries, warmTopic);

      Path storeDir = dir.resolve("tsdb");
      try (ConnectWorker worker = ConnectWorker.start(bootstrap, "127.0.0.1", ports[2], dir.resolve("connect"), OFFSET_FLUSH_MS, Map.of());
          Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        Map<TopicPartition, Long> end = endOffsets(admin, topic, partitions);
        Map<String, String> cfg = new HashMap<>();
        cfg.put("connector.class", "io.strata.sinks.tsdb.TsdbSinkConnector");
        cfg.put("tasks.max", Integer.toString(partitions));
        cfg.put("tsdb.data.dir", storeDir.toString());
        cfg.put("schema.registry.url", registry);
        cfg.put("kafka.bootstrap.servers", bootstrap);
        if (warmupPerSeries > 0) {
          // warm-up: the same series' earlier samples through the same code (JIT, series index, heads), not measured
          long w0 = System.nanoTime();
          cfg.put("topics", warmTopic);
          worker.putConnector(WARMUP_CONNECTOR, cfg);
          Map<TopicPartition, Long> warmEnd = endOffsets(admin, warmTopic, partitions);
          while (!committed(admin, WARMUP_CONNECTOR, warmEnd)) {
            Thread.sleep(50);
          }
          System.out.printf("warm-up: %d samples in %.1f s%n", (long) series * warmupPerSeries, (System.nanoTime() - w0) / 1e9);
          // it stays, idle (its tasks keep the shared store open), and is part of the idle baseline below
        }
        Thread.sleep(3000); // let the worker settle
        long idleCpu0 = os.getProcessCpuTime();
        long idleWall0 = System.nanoTime();
        Thread.sleep(5000);
        double idleRate = (double) (os.getProcessCpuTime() - idleCpu0) / (System.nanoTime() - idleWall0); // CPU-s per wall-s

        cfg.put("topics", topic);
        Map<Long, Long> threads0 = threadCpu();
        long gc0 = gcMillis();
        long jit0 = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        long cpu0 = os.getProcessCpuTime();
        long wall0 = System.nanoTime();
        worker.putConnector(CONNECTOR, cfg);
        while (!committed(admin, CONNECTOR, end)) {
          Thread.sleep(50);
        }
        long cpu = os.getProcessCpuTime() - cpu0;
        long wall = System.nanoTime() - wall0;
        long gc = gcMillis() - gc0;
        long jit = ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jit0;
        Map<String, Long> byGroup = threadGroups(threads0);
        double cpuS = cpu / 1e9;
        double wallS = wall / 1e9;
        double netS = Math.max(0, cpuS - idleRate * wallS);
        System.out.printf("idle baseline (broker + worker, no connector): %.3f CPU-s per s%n", idleRate);
        System.out.printf("sink run: %d samples, wall %.2f s, process CPU %.2f s (%.2f net of the idle baseline)%n", samples, wallS, cpuS, netS);
        System.out.printf("CPU-s per million samples: %.3f gross, %.3f net; %.2f M samples/s wall; %.2f M samples per net CPU-s%n",
            cpuS / (samples / 1e6), netS / (samples / 1e6), samples / wallS / 1e6, samples / netS / 1e6);
        System.out.printf("(wall includes up to %d ms waiting for the worker's next offset commit)%n", OFFSET_FLUSH_MS);
        long javaThreads = 0;
        for (var e : byGroup.entrySet()) {
          javaThreads += e.getValue();
        }
        System.out.println("CPU by thread (names with digits as N), seconds:");
        byGroup.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(10)
            .forEach(e -> System.out.printf("  %7.2f  %s%n", e.getValue() / 1e9, e.getKey()));
        System.out.printf("  %7.2f  other: GC, JIT compiler and native threads (JVM-reported GC pauses %.2f s, JIT compilation %.2f s)%n",
            (cpu - javaThreads) / 1e9, gc / 1e3, jit / 1e3);
      }
      try (Store s = Stores.open(TsdbConfig.defaults(storeDir))) {
        long n = 0;
        for (StoredSeries ss : s.select("default", Resolution.RAW, Long.MIN_VALUE / 2, Long.MAX_VALUE / 2,
            List.of(LabelMatcher.of(LabelMatcher.Type.RE, "__name__", ".+")))) {
          SampleCursor c = ss.samples();
          while (c.next()) {
            n++;
          }
        }
        long all = samples + (long) series * warmupPerSeries;
        System.out.printf("store holds %d samples (%s)%n", n, n == all ? "all, warm-up included" : "MISSING " + (all - n));
      }
    }
  }

  private static long produce(String bootstrap, String registry, String topic, NodeExporterLikeData data, int fromStep, int steps, int partitions)
      throws Exception {
    var serde = new AvroWireSerde<>(SchemaRegistries.forUrl(registry), SampleBatch.class);
    int series = data.size();
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
    long records = 0;
    try (var producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int step = fromStep; step < fromStep + steps; step++) {
        long t = data.timestamp(step);
        // one batch per instance and partition: series of one instance may hash to different partitions
        Map<Integer, List<Series>> byPartition = new HashMap<>();
        for (int i = 0; i < series; i++) {
          var labels = data.labels(i);
          int part = SeriesPartitioner.partition("default", labels, partitions);
          byPartition.computeIfAbsent(part, k -> new ArrayList<>()).add(new Series(labels.toAvro(), List.of(new Sample(t, data.next(i)))));
          if (i % SERIES_PER_BATCH == SERIES_PER_BATCH - 1 || i == series - 1) {
            for (var e : byPartition.entrySet()) {
              producer.send(new ProducerRecord<>(topic, e.getKey(), null, serde.serialize(topic, new SampleBatch("default", "bench", e.getValue()))));
              records++;
            }
            byPartition.clear();
          }
        }
      }
      producer.flush();
    }
    return records;
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

  /** CPU time of each live Java thread since {@code before} (0 for threads started since), summed by name pattern. */
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
      long d = c - before.getOrDefault(ti.getThreadId(), 0L);
      out.merge(ti.getThreadName().replaceAll("[0-9]+", "N"), d, Long::sum);
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

  private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic, int partitions) throws Exception {
    Map<TopicPartition, OffsetSpec> q = new HashMap<>();
    for (int i = 0; i < partitions; i++) {
      q.put(new TopicPartition(topic, i), OffsetSpec.latest());
    }
    Map<TopicPartition, Long> out = new HashMap<>();
    admin.listOffsets(q).all().get().forEach((tp, info) -> out.put(tp, info.offset()));
    return out;
  }

  private static boolean committed(Admin admin, String connector, Map<TopicPartition, Long> end) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> c = admin.listConsumerGroupOffsets("connect-" + connector).partitionsToOffsetAndMetadata().get();
    for (var e : end.entrySet()) {
      OffsetAndMetadata o = c.get(e.getKey());
      if (o == null || o.offset() < e.getValue()) {
        return false;
      }
    }
    return true;
  }
}
