package io.strata.bench.rules;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.bench.tsdb.NodeExporterLikeData;
import io.strata.embedded.KafkaBroker;
import io.strata.embedded.Ports;
import io.strata.embedded.TopicProvisioner;
import io.strata.flink.AlertRuleService;
import io.strata.flink.AlertRuleSettings;
import io.strata.ingest.kafka.SeriesSamples;
import io.strata.ingest.remotewrite.RemoteWriteV1Encoder;
import io.strata.schemas.Topics;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.SeriesPartitioner;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.serde.AvroWireSerde;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * CPU of rule evaluation: Strata's Flink rule job against Prometheus 2.42, side by side in one run, on the
 * same rule file and the same live samples.
 *
 * <ol>
 *   <li>Writes a rule file of R rules in G groups (default 20 groups, no {@code interval}: the global 15 s),
 *       mixed like a node_exporter rule file: gauge thresholds with {@code for}, {@code rate} / {@code sum by}
 *       alerts and recording rules, {@code histogram_quantile} over {@code rate} of buckets; alerts carry a
 *       templated annotation ({@code $labels}, {@code humanize}).</li>
 *   <li>Starts an in-process KRaft broker ({@code embedded}), {@code metrics.*} topics (P partitions) and two
 *       Debian {@code prometheus} processes with the remote-write receiver, {@code evaluation_interval: 15s}
 *       and throw-away data dirs: one with the rule file, one without (same samples: its CPU is ingestion
 *       alone, subtracted from the first's to get Prometheus's rule-evaluation CPU).</li>
 *   <li>Writes {@code PREFILL} minutes of history of S {@link NodeExporterLikeData} series (counters, gauges,
 *       a histogram family with {@code le} buckets; 15 s apart, ending now) to both Prometheus servers by
 *       remote_write 1.0 and to {@code metrics.samples} as {@code SampleBatch}es (one per 100-series instance
 *       and partition, partitioned by series key as ingest does, lz4), so every {@code rate[5m]} window is
 *       full from the first measured round; then starts {@link AlertRuleService} (MiniCluster in this JVM,
 *       defaults of {@code strata up} except evaluation interval 15 s, reading from the earliest offset).</li>
 *   <li>Live, at wall-clock time: every 15 s one new sample per series, stamped with that time, goes to all
 *       three. After WARMUP minutes, MINUTES minutes of rounds are measured: at each 15 s boundary (just
 *       before feeding) the harness reads the CPU time of every Java thread of this JVM ({@link ThreadMXBean},
 *       grouped by thread: the evaluator task, the router task, the source, the Kafka sinks, the rest of Flink,
 *       the broker, the harness itself), the JVM's process CPU, both Prometheus processes' CPU
 *       ({@code /proc/PID/stat}), {@code prometheus_rule_group_last_duration_seconds} of every group, and
 *       Strata's {@code strata_flink_group_evaluation_seconds}.</li>
 * </ol>
 * Per round = one 15 s interval (each group evaluates once in it; groups are spread over the interval by
 * both). The registry is {@code mock://} (schemas are looked up once and cached; no registry process).
 *
 * <p>Run: {@code java -Xmx4g -cp bench/target/classes:$(cat /tmp/bench-cp.txt) io.strata.bench.rules.RuleEvaluationHarness
 * [SERIES RULES MINUTES]} (defaults 10000 1000 5); {@code -Dharness.warmupMinutes=2}, {@code -Dharness.prefillMinutes=6},
 * {@code -Dharness.groups=20}, {@code -Dharness.partitions=2}, {@code -Dharness.prometheus=/usr/bin/prometheus},
 * {@code -Dharness.keep=true} (keep the temp dir), {@code -Dharness.threads=N} (print the N busiest thread names).
 */
public final class RuleEvaluationHarness {
  static final long INTERVAL_MS = 15_000;
  static final int SERIES_PER_BATCH = 100;
  static final int REMOTE_WRITE_SERIES = 2_000;
  static final String TENANT = "default";
  static final String CONSUMER_GROUP = "bench-rules";
  static final String[] MODES = {"user", "system", "idle", "iowait", "irq"};

  private RuleEvaluationHarness() {}

  public static void main(String[] args) throws Exception {
    int seriesCount = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int ruleCount = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    int minutes = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int warmupMinutes = Integer.getInteger("harness.warmupMinutes", 2);
    int prefillMinutes = Integer.getInteger("harness.prefillMinutes", 6);
    int groups = Integer.getInteger("harness.groups", 20);
    int partitions = Integer.getInteger("harness.partitions", 2);
    String prometheusBin = System.getProperty("harness.prometheus", "/usr/bin/prometheus");
    int showThreads = Integer.getInteger("harness.threads", 0);
    if (!Files.isExecutable(Path.of(prometheusBin))) {
      throw new IllegalStateException(prometheusBin + " is missing: install Debian's prometheus (2.42)");
    }
    Path dir = Files.createTempDirectory("strata-bench-rules");
    Path ruleFile = dir.resolve("rules.yml");
    Files.writeString(ruleFile, ruleFile(ruleCount, groups));
    System.out.printf("%s: %d series, %d rules in %d groups (15 s), %d measured minutes after %d of warm-up and %d of history;"
        + " load average %s; dir %s%n", Instant.now(), seriesCount, ruleCount, groups, minutes, warmupMinutes, prefillMinutes,
        loadAverage(), dir);

    int[] ports = Ports.free(4);
    List<AutoCloseable> toClose = new ArrayList<>();
    try (KafkaBroker broker = KafkaBroker.start(dir.resolve("kafka"), "127.0.0.1", ports[0], ports[1], Map.of())) {
      String bootstrap = broker.bootstrapServers();
      TopicProvisioner.ensure(bootstrap, Topics.all("", List.of()), partitions, (short) 1);
      Prom withRules = Prom.start(prometheusBin, dir.resolve("prom-rules"), ports[2], ruleFile);
      toClose.add(withRules);
      Prom noRules = Prom.start(prometheusBin, dir.resolve("prom-norules"), ports[3], null);
      toClose.add(noRules);
      withRules.awaitReady();
      noRules.awaitReady();

      PrometheusRegistry registry = new PrometheusRegistry();
      AlertRuleSettings settings = AlertRuleSettings.defaults()
          .withEvaluationInterval(Duration.ofMillis(INTERVAL_MS))
          .withStartFrom(AlertRuleSettings.StartFrom.EARLIEST)
          .withConsumerGroup(CONSUMER_GROUP);
      AlertRuleService service = new AlertRuleService(bootstrap, "mock://rules-bench", "", List.of(ruleFile),
          dir.resolve("checkpoints"), settings, registry);
      toClose.add(service);
      service.start();
      if (!service.awaitRunning(Duration.ofSeconds(180))) {
        throw new IllegalStateException("rule job not running: " + service.status());
      }
      System.out.printf("rule job running (%d rules)%n", service.ruleCount());

      NodeExporterLikeData data = new NodeExporterLikeData(seriesCount);
      Feeder feeder = new Feeder(bootstrap, partitions, data, List.of(withRules, noRules));
      toClose.add(feeder);
      // history: PREFILL minutes ending now, as fast as it goes; then live rounds every 15 s after it
      long t0 = System.currentTimeMillis();
      int prefillSteps = prefillMinutes * 4;
      for (int s = prefillSteps - 1; s >= 0; s--) {
        feeder.feed(t0 - s * INTERVAL_MS);
      }
      System.out.printf("history: %d steps of %d series in %.1f s%n", prefillSteps, seriesCount, (System.currentTimeMillis() - t0) / 1e3);
      long firstLive = t0 + INTERVAL_MS;

      // rounds whose time passed during the history are fed at once (catching up), then WARMUP minutes more
      int warmRounds = (int) ((System.currentTimeMillis() - t0) / INTERVAL_MS) + warmupMinutes * 4;
      int rounds = minutes * 4;
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      List<Snapshot> snaps = new ArrayList<>();
      List<String> loads = new ArrayList<>();
      for (int k = 0; k <= warmRounds + rounds; k++) {
        long t = firstLive + k * INTERVAL_MS;
        long wait = t - System.currentTimeMillis();
        if (wait > 0) {
          Thread.sleep(wait);
        }
        if (k >= warmRounds) {
          snaps.add(Snapshot.take(threads, os, registry, withRules, noRules));
          if ((k - warmRounds) % 4 == 0) {
            loads.add(loadAverage());
          }
        }
        if (k < warmRounds + rounds) {
          long late = System.currentTimeMillis() - t;
          feeder.feed(t);
          if (late > 2_000) {
            System.out.printf("round %d fed %d ms late%n", k, late);
          }
        }
        if (k == warmRounds - 1 || k == 0) {
          System.out.printf("round %d: job %s, Prometheus groups %d%n", k, service.status(), withRules.groupDurations().size());
        }
      }
      System.out.printf("load average during the measured rounds (1/5/15 min, once a minute): %s%n", String.join(" | ", loads));
      report(snaps, groups, showThreads, registry, withRules);
      System.out.printf("job status at the end: %s%n", service.status());
    } finally {
      closeAndClean(toClose, dir);
    }
  }

  // ---- the rule file ----------------------------------------------------------------------------------

  /**
   * R rules in G groups, by rule index modulo 10: 0-2 gauge thresholds (alerts, {@code for: 1m}), 3 an
   * aggregation recording rule, 4/5/7 {@code rate} alerts (summed by instance, or per series), 6 a
   * {@code rate} recording rule, 8 a {@code histogram_quantile} alert, 9 a {@code histogram_quantile}
   * recording rule. Parameters (label filters, ranges, thresholds) vary with the index so that no two
   * rules are the same and some alerts fire; every alert has its own name (suffix = rule index), so no two
   * rules write the same {@code ALERTS} series.
   */
  static String ruleFile(int rules, int groups) {
    StringBuilder y = new StringBuilder("groups:\n");
    int perGroup = (rules + groups - 1) / groups;
    String[] ranges = {"1m", "2m", "5m"};
    int idx = 0;
    for (int g = 0; g < groups && idx < rules; g++) {
      y.append("  - name: bench-").append(g).append("\n    rules:\n");
      for (int j = 0; j < perGroup && idx < rules; j++, idx++) {
        String range = ranges[idx % 3];
        switch (idx % 10) {
          case 0 -> alert(y, "TemperatureHigh" + idx, "node_hwmon_temp_celsius{sensor=\"temp" + (idx % 15) + "\"} > " + (45 + idx % 4), "1m");
          case 1 -> alert(y, "MemoryLow" + idx, "node_memory_MemFree_bytes{numa=\"" + (idx % 15) + "\"} < " + (8_010_000_000L + (idx % 7) * 10_000_000L), "1m");
          case 2 -> alert(y, "HottestSensor" + idx, "max by (instance) (node_hwmon_temp_celsius) > " + (46 + idx % 3), "1m");
          case 3 -> record(y, "g" + g + "_" + j + ":node_memory_MemFree_bytes:avg", "avg by (instance) (node_memory_MemFree_bytes)");
          case 4 -> alert(y, "CpuBusy" + idx, "sum by (instance) (rate(node_cpu_seconds_total{mode=\"" + MODES[idx % 5] + "\"}[" + range + "])) > "
              + String.format(Locale.ROOT, "%.2f", 1.9 + (idx % 5) * 0.05), "1m");
          case 5 -> alert(y, "NetworkReceive" + idx, "rate(node_network_receive_bytes_total{device=\"eth" + (idx % 20) + "\"}[" + range + "]) > "
              + (5_500 + (idx % 7) * 100), "2m");
          case 6 -> record(y, "g" + g + "_" + j + ":node_cpu_seconds:rate" + range, "sum by (instance, mode) (rate(node_cpu_seconds_total[" + range + "]))");
          case 7 -> alert(y, "NetworkReceiveTotal" + idx, "sum by (instance) (rate(node_network_receive_bytes_total[" + range + "])) > "
              + (105_000 + (idx % 5) * 1_000), "1m");
          case 8 -> alert(y, "LatencyHigh" + idx, "histogram_quantile(" + new String[] {"0.5", "0.9", "0.99"}[idx % 3]
              + ", sum by (le, instance) (rate(http_request_duration_seconds_bucket{handler=\"/h" + (idx % 3) + "\"}[5m]))) > "
              + (1 + (idx % 4) * 0.5), "1m");
          default -> record(y, "g" + g + "_" + j + ":http_request_duration_seconds:p90",
              "histogram_quantile(0.9, sum by (le, handler) (rate(http_request_duration_seconds_bucket[" + range + "])))");
        }
      }
    }
    return y.toString();
  }

  private static void alert(StringBuilder y, String name, String expr, String forDuration) {
    y.append("      - alert: ").append(name).append("\n        expr: ").append(expr).append("\n        for: ").append(forDuration)
        .append("\n        labels:\n          severity: warning\n        annotations:\n")
        .append("          summary: \"{{ $labels.instance }}: {{ $value | humanize }}\"\n");
  }

  private static void record(StringBuilder y, String name, String expr) {
    y.append("      - record: ").append(name).append("\n        expr: ").append(expr).append('\n');
  }

  // ---- feeding ----------------------------------------------------------------------------------------

  /** Produces one sample per series at a time to Kafka and, by remote_write, to every Prometheus. */
  static final class Feeder implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final AvroWireSerde<SampleBatch> serde = new AvroWireSerde<>(SchemaRegistries.forUrl("mock://rules-bench"), SampleBatch.class);
    private final int partitions;
    private final NodeExporterLikeData data;
    private final List<Prom> proms;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Feeder(String bootstrap, int partitions, NodeExporterLikeData data, List<Prom> proms) {
      Properties p = new Properties();
      p.put("bootstrap.servers", bootstrap);
      p.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-feeder");
      p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
      p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
      p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
      producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
      this.partitions = partitions;
      this.data = data;
      this.proms = proms;
    }

    void feed(long t) throws Exception {
      String topic = Topics.SAMPLES;
      List<SeriesSamples> rw = new ArrayList<>(REMOTE_WRITE_SERIES);
      Map<Integer, List<Series>> byPartition = new HashMap<>();
      int n = data.size();
      for (int i = 0; i < n; i++) {
        Labels labels = data.labels(i);
        double v = data.next(i);
        rw.add(SeriesSamples.of(labels, t, v));
        byPartition.computeIfAbsent(SeriesPartitioner.partition(TENANT, labels, partitions), k -> new ArrayList<>())
            .add(new Series(labels.toAvro(), List.of(new Sample(t, v))));
        if (i % SERIES_PER_BATCH == SERIES_PER_BATCH - 1 || i == n - 1) {
          for (var e : byPartition.entrySet()) {
            producer.send(new ProducerRecord<>(topic, e.getKey(), null, serde.serialize(topic, new SampleBatch(TENANT, "bench", e.getValue()))));
          }
          byPartition.clear();
        }
        if (rw.size() == REMOTE_WRITE_SERIES || i == n - 1) {
          byte[] body = RemoteWriteV1Encoder.encode(rw);
          for (Prom p : proms) {
            p.write(http, body);
          }
          rw.clear();
        }
      }
      producer.flush();
    }

    @Override
    public void close() {
      producer.close();
    }
  }

  // ---- Prometheus -------------------------------------------------------------------------------------

  /** A Debian Prometheus 2.42 process with the remote-write receiver, on a free port and its own data dir. */
  static final class Prom implements AutoCloseable {
    final Process process;
    final String url;
    final HttpClient http = HttpClient.newHttpClient();

    private Prom(Process process, int port) {
      this.process = process;
      this.url = "http://127.0.0.1:" + port;
    }

    static Prom start(String bin, Path dir, int port, Path ruleFile) throws IOException {
      return start(bin, dir, port, ruleFile, "");
    }

    /** {@code extraConfig}: more top-level sections of prometheus.yml (e.g. {@code alerting:}). */
    static Prom start(String bin, Path dir, int port, Path ruleFile, String extraConfig) throws IOException {
      Files.createDirectories(dir);
      Path config = dir.resolve("prometheus.yml");
      Files.writeString(config, "global:\n  scrape_interval: 15s\n  evaluation_interval: 15s\n"
          + (ruleFile == null ? "" : "rule_files:\n  - " + ruleFile.toAbsolutePath() + "\n") + extraConfig);
      Process p = new ProcessBuilder(bin, "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
          "--web.listen-address=127.0.0.1:" + port, "--web.enable-remote-write-receiver")
          .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
      return new Prom(p, port);
    }

    void awaitReady() throws Exception {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException("prometheus exited: " + process.exitValue());
        }
        try {
          if (http.send(HttpRequest.newBuilder(URI.create(url + "/-/ready")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            return;
          }
        } catch (IOException e) {
          // not listening yet
        }
        Thread.sleep(200);
      }
      throw new IllegalStateException("prometheus at " + url + " not ready");
    }

    void write(HttpClient client, byte[] body) throws Exception {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/write"))
          .header("Content-Encoding", "snappy").header("Content-Type", "application/x-protobuf")
          .header("X-Prometheus-Remote-Write-Version", "0.1.0")
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() / 100 != 2) {
        throw new IllegalStateException("remote_write to " + url + ": " + r.statusCode() + " " + r.body());
      }
    }

    /** utime + stime of the process, seconds. */
    double cpuSeconds() throws IOException {
      String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // after the command: state(0) ppid(1) ... utime(11) stime(12), in clock ticks (100 per second on Linux)
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    }

    String metrics() throws Exception {
      return http.send(HttpRequest.newBuilder(URI.create(url + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static final Pattern GROUP_DURATION = Pattern.compile("^prometheus_rule_group_last_duration_seconds\\{rule_group=\"([^\"]*)\"} (\\S+)$",
        Pattern.MULTILINE);

    /** prometheus_rule_group_last_duration_seconds by group, seconds. */
    Map<String, Double> groupDurations() throws Exception {
      return groupDurations(metrics());
    }

    static Map<String, Double> groupDurations(String metricsText) {
      Map<String, Double> out = new TreeMap<>();
      Matcher m = GROUP_DURATION.matcher(metricsText);
      while (m.find()) {
        out.put(m.group(1), Double.parseDouble(m.group(2)));
      }
      return out;
    }

    /** The value of the first metric line starting with {@code prefix} (name and labels), or NaN. */
    double metric(String text, String prefix) {
      for (String line : text.split("\n")) {
        if (line.startsWith(prefix + " ")) {
          return Double.parseDouble(line.substring(prefix.length() + 1).trim());
        }
      }
      return Double.NaN;
    }

    String query(String q) throws Exception {
      return http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/query?query=" + URLEncoder.encode(q, StandardCharsets.UTF_8))).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    }

    @Override
    public void close() throws Exception {
      process.destroy();
      if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  // ---- measuring --------------------------------------------------------------------------------------

  /** What one round boundary reads. */
  record Snapshot(long wallNanos, long processCpuNanos, Map<Long, long[]> threadCpu, Map<Long, String> threadNames, double promRulesCpu,
      double promNoRulesCpu, Map<String, Double> promGroupDurations, double promExecuted, double strataEvalSum, double strataEvalCount, long[] nativeCounts,
      int nativeSchema, long gcMillis, Map<String, Double> counters) {

    static Snapshot take(ThreadMXBean threads, com.sun.management.OperatingSystemMXBean os, PrometheusRegistry registry, Prom withRules,
        Prom noRules) throws Exception {
      long wall = System.nanoTime();
      long proc = os.getProcessCpuTime();
      double pr = withRules.cpuSeconds();
      double pn = noRules.cpuSeconds();
      Map<Long, long[]> cpu = new HashMap<>();
      Map<Long, String> names = new HashMap<>();
      for (ThreadInfo ti : threads.getThreadInfo(threads.getAllThreadIds())) {
        if (ti == null) {
          continue;
        }
        long c = threads.getThreadCpuTime(ti.getThreadId());
        if (c >= 0) {
          cpu.put(ti.getThreadId(), new long[] {c});
          names.put(ti.getThreadId(), ti.getThreadName());
        }
      }
      String pm = withRules.metrics();
      Map<String, Double> groups = Prom.groupDurations(pm);
      double executed = sumMetric(pm, "prometheus_rule_group_iterations_total") - sumMetric(pm, "prometheus_rule_group_iterations_missed_total");
      double sum = 0;
      double count = 0;
      long[] nat = new long[0];
      int schema = 0;
      for (MetricSnapshot m : registry.scrape()) {
        if (m instanceof HistogramSnapshot h && m.getMetadata().getName().equals("strata_flink_group_evaluation_seconds")) {
          var dp = h.getDataPoints().get(0);
          sum = dp.getSum();
          count = dp.getCount();
          if (dp.hasNativeHistogramData()) {
            schema = dp.getNativeSchema();
            var b = dp.getNativeBucketsForPositiveValues();
            // index -> count, packed as pairs
            nat = new long[b.size() * 2];
            for (int i = 0; i < b.size(); i++) {
              nat[2 * i] = b.getBucketIndex(i);
              nat[2 * i + 1] = b.getCount(i);
            }
          }
        }
      }
      long gc = 0;
      for (var g : ManagementFactory.getGarbageCollectorMXBeans()) {
        gc += Math.max(0, g.getCollectionTime());
      }
      return new Snapshot(wall, proc, cpu, names, pr, pn, groups, executed, sum, count, nat, schema, gc, RuleEvaluationHarness.counters(registry));
    }
  }

  static final String EVALUATOR = "flink: evaluator task (evaluate rule groups + chained sink writers)";
  static final String HARNESS = "harness (data, remote_write, producer, sampling)";
  static final String BROKER = "broker";
  static final Pattern BROKER_THREADS = Pattern.compile("data-plane-kafka|kafka-\\d|kafka-scheduler|raft|quorum-controller|controller-|broker-\\d"
      + "|executor-|ExpirationReaper|group-coordinator|share-coordinator|TxnMarkerSender|transaction|LogDirFailureHandler|log-cleaner"
      + "|ReplicaFetcher|ReplicaAlterLogDirs|metadata-loader|kafka-log|ClientQuotaManager|ThrottledChannelReaper|persister|AlterAcls");

  /** The part of the process a thread belongs to, by its name. */
  static String role(String name) {
    if (name.startsWith("evaluate rule groups")) {
      return EVALUATOR;
    }
    if (name.startsWith("route samples")) {
      return "flink: router task (route samples to rule groups)";
    }
    if (name.startsWith("Source") || name.contains("Source Data Fetcher")) {
      return "flink: source tasks (Kafka fetch, SampleBatch decode, watermarks)";
    }
    if (name.startsWith("kafka-producer-network-thread | producer-" + CONSUMER_GROUP)) {
      return "flink: Kafka sinks' producer I/O threads";
    }
    if (name.startsWith("AsyncOperations")) {
      return "flink: checkpoints, asynchronous part (state snapshots)";
    }
    if (name.equals("main") || name.contains("bench-feeder") || name.startsWith("HttpClient")) {
      return HARNESS;
    }
    if (BROKER_THREADS.matcher(name).find()) {
      return BROKER;
    }
    String n = name.toLowerCase(Locale.ROOT);
    if (n.contains("flink") || n.contains("pekko") || n.contains("jobmanager") || n.contains("checkpoint") || n.contains("mini-cluster")
        || n.contains("taskmanager") || n.contains("outputflusher") || n.contains("time trigger") || n.contains("resourcemanager")
        || n.contains("blob") || n.contains("cluster-io") || n.contains("dispatcher") || n.contains("metrics-meter-tick")) {
      return "flink: runtime (scheduling, RPC, metrics, timers, flushers)";
    }
    return "other Java threads";
  }

  static void report(List<Snapshot> s, int groups, int showThreads, PrometheusRegistry registry, Prom withRules) throws Exception {
    int rounds = s.size() - 1;
    Map<String, double[]> byRole = new TreeMap<>();
    Map<String, Double> byName = new HashMap<>();
    double[] process = new double[rounds];
    double[] promRules = new double[rounds];
    double[] promNoRules = new double[rounds];
    double[] promRuleEval = new double[rounds];
    double[] strataEvalWall = new double[rounds];
    double[] promGroupSum = new double[rounds];
    double[] wall = new double[rounds];
    List<Double> promGroup = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      Snapshot a = s.get(r);
      Snapshot b = s.get(r + 1);
      wall[r] = (b.wallNanos() - a.wallNanos()) / 1e9;
      process[r] = (b.processCpuNanos() - a.processCpuNanos()) / 1e9;
      for (var e : b.threadCpu().entrySet()) {
        long[] before = a.threadCpu().get(e.getKey());
        double d = (e.getValue()[0] - (before == null ? 0 : before[0])) / 1e9;
        String name = b.threadNames().get(e.getKey());
        byRole.computeIfAbsent(role(name), k -> new double[rounds])[r] += d;
        byName.merge(name.replaceAll("\\d+", "N"), d, Double::sum);
      }
      promRules[r] = b.promRulesCpu() - a.promRulesCpu();
      promNoRules[r] = b.promNoRulesCpu() - a.promNoRulesCpu();
      promRuleEval[r] = promRules[r] - promNoRules[r];
      strataEvalWall[r] = b.strataEvalSum() - a.strataEvalSum();
      double sum = 0;
      for (double v : b.promGroupDurations().values()) {
        sum += v;
        promGroup.add(v);
      }
      promGroupSum[r] = sum;
    }
    double javaThreads = 0;
    for (double[] v : byRole.values()) {
      javaThreads += total(v);
    }
    double[] unattributed = new double[rounds];
    double[] flink = new double[rounds];
    double[] jobProcess = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      double named = 0;
      for (var e : byRole.entrySet()) {
        named += e.getValue()[r];
        if (e.getKey().startsWith("flink")) {
          flink[r] += e.getValue()[r];
        }
      }
      unattributed[r] = process[r] - named;
      jobProcess[r] = process[r] - byRole.getOrDefault(BROKER, new double[rounds])[r]
          - byRole.getOrDefault(HARNESS, new double[rounds])[r];
    }
    double interval = INTERVAL_MS / 1000.0;
    System.out.printf("%n%d measured rounds of 15 s (wall per round: median %.2f s). CPU-s per round: median, mean, p90; share of one core"
        + " = mean / 15 s%n", rounds, median(wall));
    System.out.printf("%-70s %8s %8s %8s %9s%n", "", "median", "mean", "p90", "core %");
    line("Strata: evaluator task thread", byRole.getOrDefault(EVALUATOR, new double[rounds]), interval);
    for (var e : byRole.entrySet()) {
      if (e.getKey().startsWith("flink") && !e.getKey().startsWith("flink: evaluator")) {
        line("Strata:   " + e.getKey(), e.getValue(), interval);
      }
    }
    line("Strata: all Flink threads", flink, interval);
    line("Strata: GC, JIT, other native threads of the JVM (unattributed)", unattributed, interval);
    line("Strata: rule job process = JVM - broker - harness threads", jobProcess, interval);
    line("  (JVM total, with the broker and the harness)", process, interval);
    line("  (of it broker threads)", byRole.getOrDefault(BROKER, new double[rounds]), interval);
    line("  (of it harness threads)", byRole.getOrDefault(HARNESS, new double[rounds]), interval);
    line("  (of it other Java threads)", byRole.getOrDefault("other Java threads", new double[rounds]), interval);
    line("Prometheus: rule evaluation = with rules - without rules", promRuleEval, interval);
    line("Prometheus: whole process, with rules", promRules, interval);
    line("Prometheus: whole process, without rules (ingestion alone)", promNoRules, interval);
    System.out.printf("GC pauses of the JVM over the measured rounds: %.2f s%n", (s.get(rounds).gcMillis() - s.get(0).gcMillis()) / 1e3);

    // a process that falls behind evaluates fewer groups than scheduled: CPU per evaluation it actually did
    double strataDone = s.get(rounds).strataEvalCount() - s.get(0).strataEvalCount();
    double promDone = s.get(rounds).promExecuted() - s.get(0).promExecuted();
    System.out.printf("%nGroup evaluations done in the measured rounds (scheduled: %d rounds x %d groups = %d): Strata %.0f, Prometheus %.0f%n",
        rounds, groups, rounds * groups, strataDone, promDone);
    System.out.printf("CPU-s per full round (every group evaluated once) = CPU over the measured rounds / (evaluations done / groups);"
        + " share of one core = that / 15 s%n");
    perFullRound("Strata: evaluator task thread", total(byRole.getOrDefault(EVALUATOR, new double[rounds])), strataDone, groups, interval);
    perFullRound("Strata: all Flink threads", total(flink), strataDone, groups, interval);
    perFullRound("Strata: rule job process = JVM - broker - harness threads", total(jobProcess), strataDone, groups, interval);
    perFullRound("Prometheus: rule evaluation = with rules - without rules", total(promRuleEval), promDone, groups, interval);
    perFullRound("Prometheus: whole process, with rules", total(promRules), promDone, groups, interval);

    System.out.printf("%nEvaluation duration (wall), ms:%n");
    System.out.printf("%-70s %8s %8s %8s%n", "", "p50", "p99", "max");
    double[] sgroup = strataGroupQuantiles(s.get(0), s.get(rounds));
    System.out.printf("%-70s %8.1f %8.1f %8s%n", "Strata: one group (strata_flink_group_evaluation_seconds, native buckets)", sgroup[0] * 1e3,
        sgroup[1] * 1e3, "-");
    double[] pg = promGroup.stream().mapToDouble(Double::doubleValue).toArray();
    System.out.printf("%-70s %8.1f %8.1f %8.1f%n", "Prometheus: one group (rule_group_last_duration_seconds, each round)", quantile(pg, 0.5) * 1e3,
        quantile(pg, 0.99) * 1e3, max(pg) * 1e3);
    System.out.printf("%-70s %8.1f %8.1f %8.1f%n", "Strata: round = sum over groups evaluated in the 15 s", quantile(strataEvalWall, 0.5) * 1e3,
        quantile(strataEvalWall, 0.99) * 1e3, max(strataEvalWall) * 1e3);
    System.out.printf("%-70s %8.1f %8.1f %8.1f%n", "Prometheus: round = sum over groups of the last duration", quantile(promGroupSum, 0.5) * 1e3,
        quantile(promGroupSum, 0.99) * 1e3, max(promGroupSum) * 1e3);
    System.out.printf("Strata group evaluations in the measured rounds: %.0f (expected %d x groups)%n",
        s.get(rounds).strataEvalCount() - s.get(0).strataEvalCount(), rounds);

    String pm = withRules.metrics();
    System.out.printf("%nPrometheus per rule (prometheus_rule_evaluation_duration_seconds, last 10 m): p50 %.3f ms, p90 %.3f ms, p99 %.3f ms;"
        + " iterations %s, missed %s, rule failures %s%n",
        withRules.metric(pm, "prometheus_rule_evaluation_duration_seconds{quantile=\"0.5\"}") * 1e3,
        withRules.metric(pm, "prometheus_rule_evaluation_duration_seconds{quantile=\"0.9\"}") * 1e3,
        withRules.metric(pm, "prometheus_rule_evaluation_duration_seconds{quantile=\"0.99\"}") * 1e3,
        sumMetric(pm, "prometheus_rule_group_iterations_total"), sumMetric(pm, "prometheus_rule_group_iterations_missed_total"),
        sumMetric(pm, "prometheus_rule_evaluation_failures_total"));
    System.out.printf("Prometheus alerts now: %s%n", withRules.query("count by (alertstate) (ALERTS)").replaceAll("\\s+", ""));
    Map<String, Double> delta = new LinkedHashMap<>();
    for (var e : s.get(rounds).counters().entrySet()) {
      double d = e.getValue() - s.get(0).counters().getOrDefault(e.getKey(), 0.0);
      if (d != 0) {
        delta.put(e.getKey(), d);
      }
    }
    System.out.printf("Strata counters, increase over the measured rounds: %s%n", delta);
    if (showThreads > 0) {
      System.out.printf("%nBusiest thread names over the measured rounds (digits as N), CPU-s:%n");
      byName.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue(), a.getValue())).limit(showThreads)
          .forEach(e -> System.out.printf("  %8.3f  %-50s %s%n", e.getValue(), e.getKey(), role(e.getKey())));
    }
  }

  static Map<String, Double> counters(PrometheusRegistry registry) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (MetricSnapshot m : registry.scrape()) {
      if (m instanceof CounterSnapshot c) {
        for (var dp : c.getDataPoints()) {
          StringBuilder l = new StringBuilder();
          dp.getLabels().forEach(x -> l.append(l.length() == 0 ? "{" : ",").append(x.getName()).append('=').append(x.getValue()));
          out.put(m.getMetadata().getName() + (l.length() == 0 ? "" : l + "}"), dp.getValue());
        }
      }
    }
    return out;
  }

  static double sumMetric(String text, String name) {
    double sum = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  /** p50 and p99 of the group evaluations between two snapshots, from the native buckets' deltas (upper bounds). */
  static double[] strataGroupQuantiles(Snapshot a, Snapshot b) {
    if (b.nativeCounts().length == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    // client_java lowers the schema (coarser buckets) when a histogram gets too many buckets: bring the first
    // snapshot's buckets to the second's schema; bucket i covers (base^(i-1), base^i], halving merges 2i-1 and 2i into i
    if (a.nativeCounts().length > 0 && a.nativeSchema() < b.nativeSchema()) {
      return new double[] {Double.NaN, Double.NaN};
    }
    int shift = a.nativeCounts().length == 0 ? 0 : a.nativeSchema() - b.nativeSchema();
    TreeMap<Long, Long> delta = new TreeMap<>();
    for (int i = 0; i < b.nativeCounts().length; i += 2) {
      delta.merge(b.nativeCounts()[i], b.nativeCounts()[i + 1], Long::sum);
    }
    for (int i = 0; i < a.nativeCounts().length; i += 2) {
      long idx = (a.nativeCounts()[i] + (1L << shift) - 1) >> shift;
      delta.merge(idx, -a.nativeCounts()[i + 1], Long::sum);
    }
    long total = delta.values().stream().mapToLong(Long::longValue).sum();
    double base = Math.pow(2, Math.pow(2, -b.nativeSchema()));
    double[] out = new double[2];
    double[] qs = {0.5, 0.99};
    for (int q = 0; q < 2; q++) {
      long rank = (long) Math.ceil(qs[q] * total);
      long seen = 0;
      for (var e : delta.entrySet()) {
        seen += e.getValue();
        if (seen >= rank) {
          out[q] = Math.pow(base, e.getKey());
          break;
        }
      }
    }
    return out;
  }

  private static void perFullRound(String what, double cpu, double done, int groups, double interval) {
    double perRound = done == 0 ? Double.NaN : cpu / (done / groups);
    System.out.printf("%-70s %8.3f CPU-s %8.1f%%%n", what, perRound, perRound / interval * 100);
  }

  private static void line(String what, double[] perRound, double interval) {
    double mean = total(perRound) / perRound.length;
    System.out.printf("%-70s %8.3f %8.3f %8.3f %8.1f%%%n", what, median(perRound), mean, quantile(perRound, 0.9), mean / interval * 100);
  }

  static double total(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s;
  }

  static double max(double[] v) {
    double m = Double.NEGATIVE_INFINITY;
    for (double x : v) {
      m = Math.max(m, x);
    }
    return m;
  }

  static double median(double[] v) {
    return quantile(v, 0.5);
  }

  /** Nearest-rank quantile. */
  static double quantile(double[] v, double q) {
    if (v.length == 0) {
      return Double.NaN;
    }
    double[] c = v.clone();
    Arrays.sort(c);
    int i = (int) Math.ceil(q * c.length) - 1;
    return c[Math.max(0, Math.min(c.length - 1, i))];
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }

  /** Closes what a harness run opened, newest first, and deletes its directory unless {@code -Dharness.keep=true}. */
  static void closeAndClean(java.util.List<? extends AutoCloseable> toClose, java.nio.file.Path dir) throws java.io.IOException {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      try {
        toClose.get(i).close();
      } catch (Exception e) {
        System.out.println("closing: " + e);
      }
    }
    if (!Boolean.getBoolean("harness.keep")) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}
