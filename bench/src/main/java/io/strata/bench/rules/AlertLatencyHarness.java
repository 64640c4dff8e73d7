package io.strata.bench.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
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
import io.strata.sinks.alertmanager.AlertDelivery;
import io.strata.sinks.alertmanager.DeliveryConfigParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Alert latency, sample timestamp to "the Alertmanager has it": Strata (rule job {@code AlertRuleService} with
 * the defaults of {@code strata up} except a 15 s evaluation interval, and the delivery stage
 * {@code AlertDelivery}) delivering to one Debian Alertmanager 0.25, side by side with Debian Prometheus 2.42
 * (remote-write receiver, same rule) delivering to another. Both get the same samples live, every 15 s at
 * wall-clock time: {@code PROBES} series {@code alert_latency_probe{probe="pN"}}, each 1 for 4 rounds then 0
 * for 4 (phases staggered), and the rule {@code ProbeUp: alert_latency_probe > 0} (no {@code for}).
 *
 * <p>Firing latency: from the timestamp of the first sample with value 1 to the first poll (every 100 ms) of
 * {@code GET /api/v2/alerts} that lists the alert. Resolved latency: from the first sample with value 0 to the
 * first poll that no longer lists it (the Alertmanager drops alerts whose {@code endsAt} passed from the list).
 * Arguments: {@code [PROBES MEASURED_MINUTES]}, default {@code 16 4}; {@code -Dharness.partitions=2}. Not a
 * test: prints p50/p90/p99/max per side and kind.
 */
public final class AlertLatencyHarness {
  static final long INTERVAL_MS = 15_000;
  static final String TENANT = "default";
  static final String METRIC = "alert_latency_probe";
  static final String RULES = """
      groups:
        - name: latency
          interval: 15s
          rules:
            - alert: ProbeUp
              expr: alert_latency_probe > 0
              labels: {severity: page}
      """;
  static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    int probes = args.length > 0 ? Integer.parseInt(args[0]) : 16;
    int minutes = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int partitions = Integer.getInteger("harness.partitions", 2);
    String prometheusBin = System.getProperty("harness.prometheus", "/usr/bin/prometheus");
    String alertmanagerBin = System.getProperty("harness.alertmanager", "/usr/bin/prometheus-alertmanager");
    for (String b : List.of(prometheusBin, alertmanagerBin)) {
      if (!Files.isExecutable(Path.of(b))) {
        throw new IllegalStateException(b + " is missing: apt-get install prometheus prometheus-alertmanager");
      }
    }
    Path dir = Files.createTempDirectory("strata-bench-alert-latency");
    Path ruleFile = Files.writeString(dir.resolve("rules.yml"), RULES);
    System.out.printf("%s: %d probes, %d measured minutes, %d partitions; load average %s; dir %s%n", Instant.now(), probes,
        minutes, partitions, RuleEvaluationHarness.loadAverage(), dir);
    int[] ports = Ports.free(5);
    List<AutoCloseable> toClose = new ArrayList<>();
    try (KafkaBroker broker = KafkaBroker.start(dir.resolve("kafka"), "127.0.0.1", ports[0], ports[1], Map.of())) {
      String bootstrap = broker.bootstrapServers();
      TopicProvisioner.ensure(bootstrap, Topics.all("", List.of()), partitions, (short) 1);
      Alertmanager amStrata = Alertmanager.start(alertmanagerBin, dir.resolve("am-strata"), ports[2]);
      toClose.add(amStrata);
      Alertmanager amProm = Alertmanager.start(alertmanagerBin, dir.resolve("am-prometheus"), ports[3]);
      toClose.add(amProm);
      RuleEvaluationHarness.Prom prom = RuleEvaluationHarness.Prom.start(prometheusBin, dir.resolve("prometheus"), ports[4], ruleFile,
          "alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['127.0.0.1:" + ports[3] + "']\n");
      toClose.add(prom);
      prom.awaitReady();

      String registryUrl = "mock://alert-latency";
      AlertRuleSettings settings = AlertRuleSettings.defaults()
          .withEvaluationInterval(Duration.ofMillis(INTERVAL_MS))
          .withConsumerGroup("bench-alert-latency");
      PrometheusRegistry jobMetrics = new PrometheusRegistry();
      AlertRuleService service = new AlertRuleService(bootstrap, registryUrl, "", List.of(ruleFile), dir.resolve("checkpoints"),
          settings, jobMetrics);
      toClose.add(service);
      service.start();
      if (!service.awaitRunning(Duration.ofSeconds(120))) {
        throw new IllegalStateException("rule job not running: " + service.status());
      }
      Map<String, Object> am = Map.of("static_configs", List.of(Map.of("targets", List.of("127.0.0.1:" + ports[2]))));
      Map<String, Object> deliveryConfig = Map.of("global", Map.of("evaluation_interval", "15s"),
          "alerting", Map.of("alertmanagers", List.of(am)));
      PrometheusRegistry deliveryMetrics = new PrometheusRegistry();
      AlertDelivery delivery = new AlertDelivery(bootstrap, registryUrl, Topics.ALERTS,
          DeliveryConfigParser.parse(deliveryConfig, dir), deliveryMetrics, Clock.systemUTC()).start();
      toClose.add(delivery);
      System.out.printf("%s: rule job %s, delivery started%n", Instant.now(), service.status());
      if (Boolean.getBoolean("harness.trace")) {
        toClose.add(traceAlertEvents(bootstrap, registryUrl));
      }

      Feeder feeder = new Feeder(bootstrap, registryUrl, partitions, prom);
      toClose.add(feeder);
      Watch strata = new Watch("Strata (rule job + delivery)", amStrata);
      Watch prometheus = new Watch("Prometheus 2.42", amProm);
      Thread poller = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          try {
            strata.poll();
            prometheus.poll();
            Thread.sleep(100);
          } catch (InterruptedException e) {
            return;
          } catch (Exception e) {
            System.out.println("poll: " + e);
          }
        }
      }, "latency-poller");
      poller.setDaemon(true);
      poller.start();

      int warmup = 4; // every probe 0: the job and Prometheus see the series before any alert
      int rounds = warmup + minutes * 4;
      long first = (System.currentTimeMillis() / 1000 + 1) * 1000;
      boolean[] up = new boolean[probes];
      // after the measured rounds no probe goes up, and those up finish their 4 rounds: every change is one to see
      for (int k = 0; k < rounds + 6; k++) {
        long t = first + k * INTERVAL_MS;
        long wait = t - System.currentTimeMillis();
        if (wait > 0) {
          Thread.sleep(wait);
        }
        for (int i = 0; i < probes; i++) {
          boolean now = probeUp(i, k, warmup, rounds, up[i]);
          if (now != up[i]) {
            strata.expect("p" + i, now, t);
            prometheus.expect("p" + i, now, t);
            up[i] = now;
          }
        }
        feeder.feed(t, up);
      }
      Thread.sleep(45_000); // the last resolves
      poller.interrupt();
      System.out.printf("%s: load average %s%n", Instant.now(), RuleEvaluationHarness.loadAverage());
      strata.report();
      prometheus.report();
      System.out.printf("rule job %s; counters: %s%n", service.status(), counters(jobMetrics));
      System.out.printf("delivery counters: %s%n", counters(deliveryMetrics));
    } finally {
      RuleEvaluationHarness.closeAndClean(toClose, dir);
    }
  }

  /**
   * Whether probe {@code i} is 1 at round {@code k}: 0 during the warm-up, then up for 4 rounds and down for 4,
   * probe {@code i} starting its first up phase {@code i % 8} rounds after the warm-up (staggered, every phase
   * whole); no phase starts at or after round {@code rounds}, and one that started finishes.
   *
   * <p>The first version shifted the cycle instead ({@code (k - warmup + i) % 8 < 4}), which cut the first up
   * phase of probes 1-3 (mod 8) to 3, 2 and 1 rounds: a change Strata shows ~16 s after its sample was
   * superseded by the probe's next change, 15 s later, before it could be seen ("never seen"), and that next
   * change counted as seen at once.
   */
  static boolean probeUp(int i, int k, int warmup, int rounds, boolean wasUp) {
    int phase = k - warmup - i % 8;
    boolean inUpPhase = phase >= 0 && phase % 8 < 4;
    return inUpPhase && (k < rounds || wasUp);
  }

  /**
   * With {@code -Dharness.trace=true}: every committed {@code metrics.alerts} event as the delivery stage reads
   * it ({@code read_committed}), one line each with the wall time it was read, to follow one probe's changes.
   */
  static AutoCloseable traceAlertEvents(String bootstrap, String registryUrl) {
    var reader = new io.strata.schemas.kafka.CompactedTopicReader<>(io.strata.avro.AlertEvent.class, bootstrap, registryUrl,
        Topics.ALERTS, new io.strata.schemas.kafka.CompactedTopicReader.Options("bench-trace", "bench-trace", Duration.ofMillis(100), true),
        new io.strata.schemas.kafka.CompactedTopicReader.Handler<>() {
          @Override
          public void apply(String key, io.strata.avro.AlertEvent e) {
            System.out.printf("trace %s: %s %s active %s fired %s resolved %s evaluated %s%n", Instant.now(),
                e == null ? key : e.getLabels().get("probe"), e == null ? "tombstone" : e.getState(),
                e == null ? "-" : Instant.ofEpochMilli(e.getActiveAtMs()),
                e == null || e.getFiredAtMs() == null ? "-" : Instant.ofEpochMilli(e.getFiredAtMs()),
                e == null || e.getResolvedAtMs() == null ? "-" : Instant.ofEpochMilli(e.getResolvedAtMs()),
                e == null ? "-" : Instant.ofEpochMilli(e.getEvaluatedAtMs()));
          }
        }, io.strata.schemas.kafka.CompactedTopicReader.Counts.of(() -> { }, reason -> System.out.println("trace: skipped " + reason)));
    reader.start();
    return reader::close;
  }

  /** Every counter of a registry, {@code name{labels}=value}, for the record of a run. */
  static String counters(PrometheusRegistry registry) {
    StringBuilder b = new StringBuilder();
    for (var m : registry.scrape()) {
      if (m instanceof io.prometheus.metrics.model.snapshots.CounterSnapshot c) {
        for (var d : c.getDataPoints()) {
          b.append(m.getMetadata().getName());
          if (!d.getLabels().isEmpty()) {
            b.append('{');
            d.getLabels().forEach(l -> b.append(l.getName()).append('=').append(l.getValue()).append(','));
            b.setLength(b.length() - 1);
            b.append('}');
          }
          b.append('=').append((long) d.getValue()).append(' ');
        }
      }
    }
    return b.toString().trim();
  }

  /** One sample per probe at {@code t}: to Kafka (one SampleBatch per partition) and by remote_write to Prometheus. */
  static final class Feeder implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final AvroWireSerde<SampleBatch> serde;
    private final int partitions;
    private final RuleEvaluationHarness.Prom prom;
    private final HttpClient http = HttpClient.newHttpClient();

    Feeder(String bootstrap, String registryUrl, int partitions, RuleEvaluationHarness.Prom prom) {
      Properties p = new Properties();
      p.put("bootstrap.servers", bootstrap);
      p.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-latency-feeder");
      p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
      producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
      serde = new AvroWireSerde<>(SchemaRegistries.forUrl(registryUrl), SampleBatch.class);
      this.partitions = partitions;
      this.prom = prom;
    }

    void feed(long t, boolean[] up) throws Exception {
      List<SeriesSamples> rw = new ArrayList<>();
      Map<Integer, List<Series>> byPartition = new HashMap<>();
      for (int i = 0; i < up.length; i++) {
        Labels l = Labels.of("__name__", METRIC, "probe", "p" + i);
        double v = up[i] ? 1 : 0;
        rw.add(SeriesSamples.of(l, t, v));
        byPartition.computeIfAbsent(SeriesPartitioner.partition(TENANT, l, partitions), k -> new ArrayList<>())
            .add(new Series(l.toAvro(), List.of(new Sample(t, v))));
      }
      for (var e : byPartition.entrySet()) {
        producer.send(new ProducerRecord<>(Topics.SAMPLES, e.getKey(), null,
            serde.serialize(Topics.SAMPLES, new SampleBatch(TENANT, "bench", e.getValue()))));
      }
      producer.flush();
      prom.write(http, RemoteWriteV1Encoder.encode(rw));
    }

    @Override
    public void close() {
      producer.close();
    }
  }

  /** What one Alertmanager should show, and when it first did. */
  static final class Watch {
    final String name;
    final Alertmanager am;
    /** probe -> {expected firing (1) or resolved (0), sample time} not yet observed. */
    final Map<String, long[]> pending = new ConcurrentHashMap<>();
    final List<Long> firing = new ArrayList<>();
    final List<Long> resolved = new ArrayList<>();
    int missed;

    Watch(String name, Alertmanager am) {
      this.name = name;
      this.am = am;
    }

    synchronized void expect(String probe, boolean fire, long sampleTs) {
      long[] before = pending.put(probe, new long[] {fire ? 1 : 0, sampleTs, 0});
      if (before != null) {
        missed++; // the previous change was never seen before this one
        // this one is what the Alertmanager already shows: "seen" at once would be no latency, so it is not counted
        pending.get(probe)[2] = 1;
        System.out.printf("%s: %s never showed %s %s (sample %s)%n", Instant.now(), name, probe, before[0] == 1 ? "firing" : "resolved",
            Instant.ofEpochMilli(before[1]));
      }
    }

    synchronized void poll() throws Exception {
      if (pending.isEmpty()) {
        return;
      }
      Set<String> shown = am.probesShown();
      long now = System.currentTimeMillis();
      for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
        var e = it.next();
        boolean fire = e.getValue()[0] == 1;
        if (shown.contains(e.getKey()) == fire) {
          if (e.getValue()[2] == 0) {
            (fire ? firing : resolved).add(now - e.getValue()[1]);
          }
          if (Boolean.getBoolean("harness.trace")) {
            System.out.printf("seen %s: %s %s %s%n", Instant.ofEpochMilli(now), name, e.getKey(), fire ? "firing" : "resolved");
          }
          it.remove();
        }
      }
    }

    synchronized void report() {
      System.out.printf("%s: firing %s; resolved %s; changes never seen: %d (still pending at the end: %d)%n", name,
          stats(firing), stats(resolved), missed, pending.size());
    }

    static String stats(List<Long> ms) {
      if (ms.isEmpty()) {
        return "n=0";
      }
      long[] v = ms.stream().mapToLong(Long::longValue).sorted().toArray();
      return String.format("n=%d p50 %.1f s, p90 %.1f s, p99 %.1f s, max %.1f s", v.length, q(v, 0.5) / 1e3, q(v, 0.9) / 1e3,
          q(v, 0.99) / 1e3, v[v.length - 1] / 1e3);
    }

    /** Nearest-rank quantile. */
    static double q(long[] sorted, double q) {
      int i = (int) Math.ceil(q * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
  }

  /** A Debian Alertmanager 0.25 on a free port with a receiver that sends nothing. */
  static final class Alertmanager implements AutoCloseable {
    final Process process;
    final String url;
    final HttpClient http = HttpClient.newHttpClient();

    private Alertmanager(Process process, int port) {
      this.process = process;
      this.url = "http://127.0.0.1:" + port;
    }

    static Alertmanager start(String bin, Path dir, int port) throws Exception {
      Files.createDirectories(dir.resolve("data"));
      Path config = Files.writeString(dir.resolve("alertmanager.yml"), """
          route:
            receiver: none
          receivers:
            - name: none
          """);
      Process p = new ProcessBuilder(bin, "--config.file=" + config, "--storage.path=" + dir.resolve("data"),
          "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=", "--log.level=warn")
          .redirectErrorStream(true).redirectOutput(dir.resolve("alertmanager.log").toFile()).start();
      Alertmanager am = new Alertmanager(p, port);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline) {
        try {
          if (am.http.send(HttpRequest.newBuilder(URI.create(am.url + "/-/ready")).build(), HttpResponse.BodyHandlers.discarding())
              .statusCode() == 200) {
            return am;
          }
        } catch (IOException e) {
          // not listening yet
        }
        Thread.sleep(100);
      }
      am.close();
      throw new IllegalStateException("alertmanager on port " + port + " not ready");
    }

    /** The {@code probe} label of every ProbeUp alert {@code GET /api/v2/alerts} lists (not ended). */
    Set<String> probesShown() throws Exception {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v2/alerts")).build(),
          HttpResponse.BodyHandlers.ofString());
      Set<String> out = new HashSet<>();
      for (JsonNode a : JSON.readTree(r.body())) {
        JsonNode l = a.path("labels");
        if ("ProbeUp".equals(l.path("alertname").asText())) {
          out.add(l.path("probe").asText());
        }
      }
      return out;
    }

    @Override
    public void close() throws Exception {
      process.destroy();
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
