package io.strata.app.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.app.cluster.ClusterTopology.Instance;
import io.strata.avro.RollupBatch;
import io.strata.avro.RollupSeries;
import io.strata.avro.RollupWindow;
import io.strata.ingest.kafka.SeriesSamples;
import io.strata.ingest.remotewrite.RemoteWriteV1Encoder;
import io.strata.schemas.Topics;
import io.strata.schemas.model.Labels;
import io.strata.schemas.registry.HttpSchemaRegistry;
import io.strata.schemas.serde.AvroWireSerde;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The loopback cluster ({@code strata cluster up --config strata.yml}, every instance its own process) under sustained
 * remote_write load, with an alert rule pushed by {@code strata rules push} on a series of the load: one instance of each
 * stage killed with SIGKILL in turn and started again by {@code strata cluster up}; then every acknowledged sample is
 * queryable exactly once, every final 1m rollup window is on its topic exactly once with the acknowledged samples' count
 * and sum, at least one query node answered throughout, and the alert kept its state: firing since the same
 * {@code activeAt} after every kill, never resolved on the alerts topic.
 */
class ClusterKillOneIT {
  /** Ports below the ephemeral range, away from a cluster on the default ports. */
  static final int PORT_OFFSET = 20000;
  static final int SERIES = 200;
  static final long STEP_MS = 5_000;
  static final String METRIC = "cluster_kill_one_samples";
  static final ObjectMapper JSON = new ObjectMapper();
  /** Stages in the order the issue lists them: a broker, an ingest, a Streams instance, a TaskManager, a Connect worker, a query node. */
  static final List<String> VICTIMS = List.of("kafka-2", "ingest-1", "streams-1", "taskmanager-1", "connect-1", "query-1");

  static final String ALERT = "ClusterKillOneSeriesUp";
  /**
   * The rule job settings of the cluster's strata.yml ({@code cluster up --config}, read by the submit). The load's sample
   * times start an hour back, so event time must follow them: the quiet samples topic's watermark may not follow the wall
   * clock before the load starts (its samples would all be late), and evaluations of any age run. Checkpoints are often
   * (alerts become visible at each).
   */
  static final String STRATA_YML = """
      rule_job:
        watermark.wall-clock-delay: 2h
        rules.max-evaluation-age: 0s
        checkpoint.interval: 2s
      """;
  /** Pending at the first evaluation with a sample of s000, firing 20 s (event time: about two seconds of load) later. */
  static final String RULES = """
      groups:
        - name: cluster-kill-one
          interval: 10s
          rules:
            - alert: %s
              expr: %s{series="s000"} >= 0
              for: 20s
      """.formatted(ALERT, METRIC);

  static Path dir;
  static ClusterTopology topology;
  static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeAll
  static void up() throws Exception {
    dir = Files.createTempDirectory("strata-cluster-it");
    topology = ClusterTopology.standard("", PORT_OFFSET);
    failed = true;
    Path yml = Files.writeString(dir.resolve("strata.yml"), STRATA_YML);
    cluster(420, "up", "--data-dir", dir.toString(), "--port-offset", Integer.toString(PORT_OFFSET), "--config", yml.toString());
    Path rules = Files.writeString(dir.resolve("kill-one-rules.yml"), RULES);
    ClusterTopology.Addressing lo = ClusterTopology.loopback(dir.toString());
    strata(60, "rules", "push", "--bootstrap", topology.bootstrap(lo), "--registry", topology.registryUrl(lo), rules.toString());
    failed = false;
  }

  /** The data dir is deleted after a passing (or skipped) run, kept (with every instance's log) after a failing one. */
  static volatile boolean failed;

  @AfterAll
  static void down() throws Exception {
    if (dir != null) {
      cluster(120, "down", "--data-dir", dir.toString());
      if (!failed) {
        try (var files = Files.walk(dir)) {
          files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
      } else {
        System.out.println("the cluster's directories (pid, out.log, strata.log, data) stay in " + dir);
      }
    }
  }

  /** Runs {@code strata cluster ...} to its end; fails unless it exits 0 (and, for up, prints {@code ready}). */
  static String cluster(int timeoutSeconds, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("cluster"));
    all.addAll(List.of(args));
    String text = strata(timeoutSeconds, all.toArray(String[]::new));
    if (args[0].equals("up")) {
      assertTrue(text.endsWith("ready\n"), text);
    }
    return text;
  }

  /** Runs {@code strata ...} to its end; fails unless it exits 0. */
  static String strata(int timeoutSeconds, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-XX:+UseParallelGC", "-Dstrata.registry.home=" + System.getProperty("strata.registry.home"), "-cp", System.getProperty("java.class.path"),
        "io.strata.app.Main"));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile("strata-cluster", ".out");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("strata " + String.join(" ", args) + " did not end in " + timeoutSeconds + " s:\n" + Files.readString(out));
    }
    String text = Files.readString(out);
    System.out.println("strata " + args[0] + " " + args[1] + ":\n" + text);
    assertEquals(0, p.exitValue(), "strata " + String.join(" ", args) + " failed:\n" + text);
    return text;
  }

  static boolean running(Instance i) {
    return new ClusterProcesses(dir, topology).live(i).isPresent();
  }

  @Test
  void everyAcknowledgedSampleIsQueryableOnceAfterKillingOneInstanceOfEachStage() throws Exception {
    Assumptions.assumeTrue(topology.of(ClusterTopology.Role.CONNECT).stream().allMatch(ClusterKillOneIT::running),
        "the Connect workers (strata connect --distributed) are not in this build: no store to query");
    failed = true; // until the last check passed
    long t0 = System.nanoTime();
    Load load = new Load(topology.of(ClusterTopology.Role.INGEST).stream()
        .map(i -> "http://127.0.0.1:" + i.port("ingest") + "/api/v1/write").toList());
    Prober prober = new Prober(topology.of(ClusterTopology.Role.QUERY).stream().map(i -> "http://127.0.0.1:" + i.port("query")).toList());
    load.start();
    prober.start();
    List<String> notRun = new ArrayList<>();
    String activeAt;
    List<String> alertAfterKill = new ArrayList<>();
    try {
      activeAt = firingSince(queryNodesBut(null), 90);
      System.out.println("alert " + ALERT + " firing since " + activeAt + " at " + (System.nanoTime() - t0) / 1_000_000_000 + " s");
      Thread.sleep(Math.max(0, 10_000 - (System.nanoTime() - t0) / 1_000_000));
      for (String victim : VICTIMS) {
        Instance i = topology.instance(victim);
        if (!running(i)) {
          notRun.add(victim);
          continue;
        }
        long pid = new ClusterProcesses(dir, topology).pid(i).orElseThrow();
        System.out.println("kill -9 " + victim + " (pid " + pid + ") at " + (System.nanoTime() - t0) / 1_000_000_000 + " s");
        java.time.Instant killedAt = java.time.Instant.now();
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        Thread.sleep(3_000);
        cluster(300, "up", "--data-dir", dir.toString()); // starts only the dead instance
        assertTrue(running(i), victim + " runs again");
        Thread.sleep(5_000);
        // through a surviving query node: still firing, since the same time (a restart from scratch would set a new one)
        String since = firingSince(queryNodesBut(victim), 30);
        if (!activeAt.equals(since)) {
          alertAfterKill.add("after killing " + victim + ": activeAt " + since);
        }
        if (i.role() == ClusterTopology.Role.TASKMANAGER) {
          // the job restarted on the surviving TaskManager evaluates again (an alerts topic that merely still holds the old
          // state would show the same activeAt); the alert then kept its activeAt from the restored state, not from scratch
          java.time.Instant evaluated = evaluatedAfter(queryNodesBut(victim), killedAt, 120);
          System.out.println("rule group evaluated at " + evaluated + " after the kill of " + victim + " at " + killedAt);
          String again = firingSince(queryNodesBut(victim), 30);
          if (!activeAt.equals(again)) {
            alertAfterKill.add("after killing " + victim + " and a new evaluation: activeAt " + again);
          }
        }
      }
    } finally {
      load.stop();
      prober.stop();
    }
    System.out.println("load: " + load.acknowledged.get() + " requests acknowledged, " + load.retries.get() + " sent again to the other ingest; "
        + "faults skipped (role not in this build): " + notRun + "; " + (System.nanoTime() - t0) / 1_000_000_000 + " s");
    assertTrue(load.refused.isEmpty(), "requests refused (4xx): " + load.refused);
    assertTrue(load.acknowledged.get() > 20, "load ran: " + load.acknowledged.get());

    // every acknowledged sample once: count and sum per series, through each query node
    long first = load.firstMs;
    long last = load.lastAckedMs;
    String range = ((last - first) / 1000 + 1) + "s";
    for (Instance q : topology.of(ClusterTopology.Role.QUERY)) {
      String base = "http://127.0.0.1:" + q.port("query");
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      Map<String, Double> counts = Map.of();
      while (System.nanoTime() < deadline) {
        counts = query(base, "count_over_time(" + METRIC + "[" + range + "])", last);
        if (counts.values().stream().mapToDouble(Double::doubleValue).sum() >= (double) load.acknowledged.get() * SERIES) {
          break;
        }
        Thread.sleep(2_000);
      }
      Map<String, Double> sums = query(base, "sum_over_time(" + METRIC + "[" + range + "])", last);
      List<String> wrong = new ArrayList<>();
      for (int s = 0; s < SERIES; s++) {
        String key = seriesName(s);
        double wantCount = load.acknowledged.get();
        double wantSum = load.sumOfAcknowledged(s);
        Double gotCount = counts.get(key);
        Double gotSum = sums.get(key);
        if (gotCount == null || gotCount != wantCount || gotSum == null || Math.abs(gotSum - wantSum) > 1e-9 * Math.abs(wantSum)) {
          wrong.add(key + ": count " + gotCount + " (want " + (long) wantCount + "), sum " + gotSum + " (want " + wantSum + ")");
        }
      }
      assertTrue(wrong.isEmpty(), q.name() + ": " + wrong.size() + " series differ from what was acknowledged, e.g. "
          + wrong.subList(0, Math.min(10, wrong.size())));
    }

    // every final 1m window once, with the acknowledged samples' count and sum
    verifyRollupWindows(load);

    assertTrue(prober.unanswered.isEmpty(), "rounds in which no query node answered: " + prober.unanswered);

    // alerts keep their state: the same activeAt after every kill and at the end through each query node, and the alerts
    // topic (what the delivery stage sends) never resolved it
    assertTrue(alertAfterKill.isEmpty(), ALERT + " firing since " + activeAt + " before the faults, then " + alertAfterKill);
    for (Instance q : topology.of(ClusterTopology.Role.QUERY)) {
      assertEquals(activeAt, firingSince(List.of(q), 30), q.name() + ": " + ALERT + " activeAt at the end");
    }
    verifyAlertsTopic(java.time.Instant.parse(activeAt).toEpochMilli());
    failed = false;
    System.out.println("queries: " + prober.rounds.get() + " rounds, " + prober.warnings.get() + " answers with warnings; test took "
        + (System.nanoTime() - t0) / 1_000_000_000 + " s after up");
  }

  /** The query nodes but {@code victim} (all for null). */
  static List<Instance> queryNodesBut(String victim) {
    return topology.of(ClusterTopology.Role.QUERY).stream().filter(q -> !q.name().equals(victim)).toList();
  }

  /** The {@code activeAt} of {@link #ALERT} once one of {@code nodes} lists it firing; fails when none does within {@code seconds}. */
  static String firingSince(List<Instance> nodes, int seconds) throws Exception {
    List<String> seen = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    while (true) {
      for (Instance q : nodes) {
        String base = "http://127.0.0.1:" + q.port("query");
        try {
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/alerts")).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() != 200) {
            seen.add(q.name() + " " + r.statusCode());
            continue;
          }
          for (JsonNode a : JSON.readTree(r.body()).at("/data/alerts")) {
            if (ALERT.equals(a.at("/labels/alertname").asText())) {
              if ("firing".equals(a.get("state").asText())) {
                return a.get("activeAt").asText();
              }
              seen.add(q.name() + " " + a);
            }
          }
        } catch (IOException e) {
          seen.add(q.name() + " " + e);
        }
      }
      if (System.nanoTime() > deadline) {
        fail(ALERT + " not firing on " + nodes.stream().map(Instance::name).toList() + " within " + seconds + " s; seen: "
            + seen.subList(Math.max(0, seen.size() - 5), seen.size()));
      }
      Thread.sleep(1_000);
    }
  }

  /**
   * The {@code lastEvaluation} (wall clock) of the rule group in {@code /api/v1/rules} once one of {@code nodes} shows one
   * later than {@code after}; fails when none does within {@code seconds}.
   */
  static java.time.Instant evaluatedAfter(List<Instance> nodes, java.time.Instant after, int seconds) throws Exception {
    List<String> seen = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    while (true) {
      for (Instance q : nodes) {
        try {
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + q.port("query") + "/api/v1/rules"))
              .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
          for (JsonNode g : JSON.readTree(r.body()).at("/data/groups")) {
            if ("cluster-kill-one".equals(g.at("/name").asText())) {
              java.time.Instant last = java.time.Instant.parse(g.at("/lastEvaluation").asText());
              if (last.isAfter(after)) {
                return last;
              }
              seen.add(q.name() + " lastEvaluation " + last);
            }
          }
        } catch (IOException | java.time.format.DateTimeParseException e) {
          seen.add(q.name() + " " + e);
        }
      }
      if (System.nanoTime() > deadline) {
        fail("rule group cluster-kill-one not evaluated after " + after + " within " + seconds + " s; seen: "
            + seen.subList(Math.max(0, seen.size() - 4), seen.size()));
      }
      Thread.sleep(1_000);
    }
  }

  /**
   * Every record of {@link #ALERT} on the alerts topic (read_committed, from the start): none resolved or retired (a
   * flap), each with the {@code activeAt} the query nodes showed, and the last one firing.
   */
  void verifyAlertsTopic(long activeAtMs) throws Exception {
    String registry = topology.registryUrl(ClusterTopology.loopback(dir.toString()));
    var serde = new AvroWireSerde<>(new HttpSchemaRegistry(registry), io.strata.avro.AlertEvent.class);
    Properties c = new Properties();
    c.put("bootstrap.servers", topology.bootstrap(ClusterTopology.loopback(dir.toString())));
    c.put("isolation.level", "read_committed");
    c.put("enable.auto.commit", "false");
    List<String> problems = new ArrayList<>();
    List<String> states = new ArrayList<>();
    Map<String, String> keys = new HashMap<>();
    try (var consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      consumer.partitionsFor(Topics.ALERTS).forEach(pi -> parts.add(new TopicPartition(pi.topic(), pi.partition())));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> ends = consumer.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(500))) {
          String key = new String(rec.key(), StandardCharsets.UTF_8);
          if (rec.value() == null) {
            keys.computeIfPresent(key, (k, v) -> {
              problems.add(v + " retired (tombstone) at offset " + rec.offset());
              return v;
            });
            continue;
          }
          io.strata.avro.AlertEvent e = serde.deserialize(rec.value());
          if (!ALERT.equals(e.getAlertName())) {
            continue;
          }
          keys.put(key, ALERT);
          states.add(e.getState().name());
          if (e.getState() == io.strata.avro.AlertState.resolved) {
            problems.add("resolved at " + e.getResolvedAtMs() + " (evaluation " + e.getEvaluatedAtMs() + ")");
          }
          if (e.getActiveAtMs() != activeAtMs) {
            problems.add(e.getState() + " with active_at_ms " + e.getActiveAtMs() + " (evaluation " + e.getEvaluatedAtMs() + ")");
          }
        }
      }
    }
    assertEquals(1, keys.size(), "one alert of " + ALERT + " on " + Topics.ALERTS + ": " + keys);
    assertTrue(problems.isEmpty(), Topics.ALERTS + " flapped or restarted " + ALERT + " (active since " + activeAtMs + "): " + problems);
    assertEquals("firing", states.get(states.size() - 1), "the last state of " + ALERT + " on " + Topics.ALERTS + ": " + states);
    System.out.println("alerts: " + ALERT + " active since " + activeAtMs + " through every kill; " + states.size() + " records on "
        + Topics.ALERTS + ", none resolved");
  }

  static String seriesName(int s) {
    return String.format("s%03d", s);
  }

  static Map<String, Double> query(String base, String promql, long timeMs) throws Exception {
    String url = base + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8) + "&time=" + String.format("%d.%03d", timeMs / 1000, timeMs % 1000)
        + "&max_source_resolution=raw";
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofString());
    JsonNode body = JSON.readTree(r.body());
    assertEquals(200, r.statusCode(), base + " " + promql + ": " + r.body());
    Map<String, Double> out = new HashMap<>();
    for (JsonNode s : body.at("/data/result")) {
      out.put(s.get("metric").path("series").asText(), Double.parseDouble(s.get("value").get(1).asText()));
    }
    return out;
  }

  void verifyRollupWindows(Load load) throws Exception {
    String registry = topology.registryUrl(ClusterTopology.loopback(dir.toString()));
    var serde = new AvroWireSerde<>(new HttpSchemaRegistry(registry), RollupBatch.class);
    long resMs = 60_000;
    long outOfOrderMs = 600_000;
    // windows final once the series' newest sample is the out-of-order window past their end (a minute of margin)
    long newest = load.lastAckedMs;
    Map<String, Long> wantCount = new HashMap<>();
    Map<String, Double> wantSum = new HashMap<>();
    load.acknowledgedTimestamps.forEach((ts, i) -> {
      long start = Math.floorDiv(ts, resMs) * resMs;
      if (start + resMs + outOfOrderMs + 60_000 < newest) {
        for (int s = 0; s < SERIES; s++) {
          String key = seriesName(s) + "@" + start;
          wantCount.merge(key, 1L, Long::sum);
          wantSum.merge(key, Load.value(i, s), Double::sum);
        }
      }
    });
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    List<String> problems = new ArrayList<>();
    while (true) {
      problems.clear();
      Map<String, Integer> seen = new HashMap<>();
      Map<String, RollupWindow> windows = new HashMap<>();
      Properties c = new Properties();
      c.put("bootstrap.servers", topology.bootstrap(ClusterTopology.loopback(dir.toString())));
      c.put("isolation.level", "read_committed");
      c.put("enable.auto.commit", "false");
      try (var consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        List<TopicPartition> parts = new ArrayList<>();
        consumer.partitionsFor(Topics.rollup("1m")).forEach(pi -> parts.add(new TopicPartition(pi.topic(), pi.partition())));
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        Map<TopicPartition, Long> ends = consumer.endOffsets(parts);
        while (parts.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
          for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(500))) {
            RollupBatch b = serde.deserialize(rec.value());
            for (RollupSeries rs : b.getSeries()) {
              Labels l = Labels.fromAvro(rs.getLabels());
              if (!METRIC.equals(l.get("__name__"))) {
                continue;
              }
              for (RollupWindow w : rs.getWindows()) {
                String key = l.get("series") + "@" + w.getWindowStartMs();
                seen.merge(key, 1, Integer::sum);
                windows.put(key, w);
              }
            }
          }
        }
      }
      seen.forEach((k, n) -> {
        if (n > 1) {
          problems.add(k + " emitted " + n + " times");
        }
      });
      for (var e : wantCount.entrySet()) {
        RollupWindow w = windows.get(e.getKey());
        if (w == null) {
          problems.add(e.getKey() + " missing");
        } else if (w.getCount() != e.getValue() || Math.abs(w.getSum() - wantSum.get(e.getKey())) > 1e-9 * Math.abs(wantSum.get(e.getKey()))) {
          problems.add(e.getKey() + ": count " + w.getCount() + " sum " + w.getSum() + ", want " + e.getValue() + " and " + wantSum.get(e.getKey()));
        }
      }
      boolean onlyMissing = problems.stream().allMatch(p -> p.endsWith(" missing"));
      if (problems.isEmpty() || !onlyMissing || System.nanoTime() > deadline) {
        break;
      }
      Thread.sleep(3_000);
    }
    assertTrue(!wantCount.isEmpty(), "the load spans final 1m windows");
    assertTrue(problems.isEmpty(), problems.size() + " of " + wantCount.size() + " final 1m windows wrong: "
        + problems.subList(0, Math.min(10, problems.size())));
    System.out.println("rollups: " + wantCount.size() + " final 1m windows, each once with the acknowledged count and sum");
  }

  /**
   * remote_write requests of {@link #SERIES} series, one sample each, the sample time {@link #STEP_MS} apart, spread over the
   * ingests in turn; a request that fails (connection refused, 5xx, timeout) is sent again to the next ingest until one
   * acknowledges it (2xx), before the next request, so each series' samples arrive in order. The sample time starts an
   * hour back and runs ahead of the clock until it reaches it, so the rollup windows become final within minutes.
   */
  static final class Load {
    final List<String> urls;
    final long firstMs = (System.currentTimeMillis() - Duration.ofMinutes(65).toMillis()) / STEP_MS * STEP_MS;
    volatile long lastAckedMs;
    final AtomicInteger acknowledged = new AtomicInteger();
    final AtomicInteger retries = new AtomicInteger();
    final List<String> refused = new CopyOnWriteArrayList<>();
    /** Acknowledged sample time → request index. */
    final Map<Long, Integer> acknowledgedTimestamps = new ConcurrentHashMap<>();
    final AtomicBoolean stop = new AtomicBoolean();
    private Thread thread;

    Load(List<String> urls) {
      this.urls = urls;
    }

    static double value(int request, int series) {
      return request * 1000.0 + series;
    }

    double sumOfAcknowledged(int s) {
      double sum = 0;
      for (int i : acknowledgedTimestamps.values()) {
        sum += value(i, s);
      }
      return sum;
    }

    void start() {
      thread = new Thread(this::run, "cluster-load");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws InterruptedException {
      stop.set(true);
      thread.join(120_000);
    }

    private void run() {
      int target = 0;
      for (int i = 0; !stop.get(); i++) {
        long ts = firstMs + i * STEP_MS;
        while (ts > System.currentTimeMillis() - 30_000 && !stop.get()) {
          sleep(500); // caught up with the clock: one request per step from here
        }
        List<SeriesSamples> batch = new ArrayList<>();
        for (int s = 0; s < SERIES; s++) {
          batch.add(SeriesSamples.of(Labels.of("__name__", METRIC, "job", "cluster_it", "series", seriesName(s)), ts, value(i, s)));
        }
        byte[] body = RemoteWriteV1Encoder.encode(batch);
        long giveUp = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (true) {
          String url = urls.get(target++ % urls.size());
          int status;
          try {
            status = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
                .header("X-Prometheus-Remote-Write-Version", "0.1.0").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
          } catch (IOException e) {
            status = -1;
          } catch (InterruptedException e) {
            return;
          }
          if (status / 100 == 2) {
            acknowledgedTimestamps.put(ts, i);
            acknowledged.incrementAndGet();
            lastAckedMs = ts;
            break;
          }
          if (status / 100 == 4) {
            refused.add("request " + i + " at " + ts + ": " + status + " from " + url);
            return;
          }
          if (System.nanoTime() > giveUp) {
            refused.add("request " + i + " at " + ts + ": no ingest acknowledged it in 180 s");
            return;
          }
          retries.incrementAndGet();
          sleep(200);
        }
        sleep(400);
      }
    }
  }

  /** Asks every query node once a second; a round in which none answers 200 is recorded. */
  static final class Prober {
    final List<String> bases;
    final AtomicInteger rounds = new AtomicInteger();
    final AtomicInteger warnings = new AtomicInteger();
    final List<String> unanswered = new CopyOnWriteArrayList<>();
    final AtomicBoolean stop = new AtomicBoolean();
    private Thread thread;

    Prober(List<String> bases) {
      this.bases = bases;
    }

    void start() {
      thread = new Thread(() -> {
        while (!stop.get()) {
          boolean answered = false;
          List<String> why = new ArrayList<>();
          for (String b : bases) {
            try {
              HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(b + "/api/v1/query?query=" + URLEncoder.encode("count(" + METRIC + ")",
                  StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
              if (r.statusCode() == 200) {
                answered = true;
                if (r.body().contains("\"warnings\"")) {
                  warnings.incrementAndGet();
                }
              } else {
                why.add(b + ": " + r.statusCode());
              }
            } catch (IOException e) {
              why.add(b + ": " + e);
            } catch (InterruptedException e) {
              return;
            }
          }
          rounds.incrementAndGet();
          if (!answered) {
            unanswered.add(java.time.Instant.now() + " " + why);
          }
          sleep(1000);
        }
      }, "cluster-prober");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws InterruptedException {
      stop.set(true);
      thread.join(60_000);
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
