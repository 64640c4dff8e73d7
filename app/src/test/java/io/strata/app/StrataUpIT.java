package io.strata.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.avro.AlertEvent;
import io.strata.avro.AlertState;
import io.strata.avro.RollupBatch;
import io.strata.avro.RollupSeries;
import io.strata.avro.RollupWindow;
import io.strata.embedded.Ports;
import io.strata.ingest.kafka.SeriesSamples;
import io.strata.ingest.remotewrite.RemoteWriteV1Encoder;
import io.strata.schemas.Topics;
import io.strata.schemas.model.Labels;
import io.strata.schemas.registry.HttpSchemaRegistry;
import io.strata.schemas.serde.AvroWireSerde;
import java.net.ServerSocket;
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
import java.util.List;
import java.util.Set;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * One sample's walk through every stage, as a user does it: `strata up` in a child process, remote_write
 * pushes, query_range reads them back, rollups and alerts come out on their topics, and a kill -9 plus a
 * restart on the same data directory loses no acknowledged sample and doubles none.
 */
class StrataUpIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  /**
   * Event times of the test data start at the next whole minute: near the wall clock, as pushed data is (the
   * Flink rule job's watermark follows it).
   */
  private static final long T0 = (System.currentTimeMillis() / 60_000 + 1) * 60_000;
  private static final int SERIES = 5;
  private static final long INTERVAL_MS = 5_000;
  private static final int SAMPLES_PER_PUSH = 20; // 20 × 5 s = 100 s of event time per push

  private final HttpClient http = HttpClient.newHttpClient();

  /** Push i covers [T0 + i*5m, T0 + (i+1)*5m); values are i*1000 + sample index, per series offset by s. */
  private static byte[] push(int i) {
    List<SeriesSamples> series = new ArrayList<>();
    for (int s = 0; s < SERIES; s++) {
      long[] ts = new long[SAMPLES_PER_PUSH];
      double[] vs = new double[SAMPLES_PER_PUSH];
      for (int k = 0; k < SAMPLES_PER_PUSH; k++) {
        ts[k] = T0 + (long) i * SAMPLES_PER_PUSH * INTERVAL_MS + k * INTERVAL_MS;
        vs[k] = i * 1000 + k + s;
      }
      series.add(new SeriesSamples(Labels.of("__name__", "e2e_temperature_celsius", "room", "r" + s, "job", "e2e"), ts, vs, SAMPLES_PER_PUSH));
    }
    return RemoteWriteV1Encoder.encode(series);
  }

  private static double expectedSum(int pushes) {
    double sum = 0;
    for (int i = 0; i < pushes; i++) {
      for (int s = 0; s < SERIES; s++) {
        for (int k = 0; k < SAMPLES_PER_PUSH; k++) {
          sum += i * 1000 + k + s;
        }
      }
    }
    return sum;
  }

  private int remoteWrite(StrataProcess p, byte[] body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(p.ingest() + "/api/v1/write"))
        .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** Number of samples and their sum over the whole test range, read with query_range at the sample step. */
  private double[] countAndSum(StrataProcess p, int pushes) throws Exception {
    long end = T0 + (long) pushes * SAMPLES_PER_PUSH * INTERVAL_MS - INTERVAL_MS;
    String url = p.query() + "/api/v1/query_range?query=" + URLEncoder.encode("e2e_temperature_celsius{job=\"e2e\"}", StandardCharsets.UTF_8)
        + "&start=" + (T0 / 1000) + "&end=" + (end / 1000) + "&step=5s";
    JsonNode body = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body());
    assertEquals("success", body.get("status").asText(), body.toString());
    double n = 0;
    double sum = 0;
    for (JsonNode series : body.at("/data/result")) {
      for (JsonNode point : series.get("values")) {
        n++;
        sum += Double.parseDouble(point.get(1).asText());
      }
    }
    return new double[] {n, sum};
  }

  /** Waits until query_range shows exactly the expected samples; returns how long that took. */
  private long awaitQueryable(StrataProcess p, int pushes) throws Exception {
    long t0 = System.nanoTime();
    double[] got = null;
    while (System.nanoTime() - t0 < 30_000_000_000L) {
      got = countAndSum(p, pushes);
      // query_range fills steps after a series' last sample from the 5 m lookback, so the count alone
      // can match before the newest push is visible: wait for the values too
      if (got[0] == SERIES * SAMPLES_PER_PUSH * pushes && Math.abs(got[1] - expectedSum(pushes)) < 1e-6) {
        return (System.nanoTime() - t0) / 1_000_000;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("expected " + SERIES * SAMPLES_PER_PUSH * pushes + " samples summing to " + expectedSum(pushes)
        + ", query_range shows " + got[0] + " summing to " + got[1]);
  }

  /**
   * Adds a job to the scrape config and sends SIGHUP, then a broken file and SIGHUP again. A process started
   * with SIGHUP ignored (under nohup, as this JVM may be) keeps ignoring it, as every JVM does: then strata up
   * must say so at start, and the reload is left to POST /-/reload.
   */
  private void hangupReloads(StrataProcess p, Path scrapeFile) throws Exception {
    if (sighupIgnoredHere()) {
      assertTrue(p.output().stream().anyMatch(l -> l.contains("SIGHUP is ignored by this process")), "strata up warns that SIGHUP is ignored");
      return;
    }
    Files.writeString(scrapeFile, Files.readString(scrapeFile)
        + "  - job_name: extra\n    static_configs:\n      - targets: ['127.0.0.1:" + p.queryPort + "']\n");
    p.hangup();
    awaitTargetJobs(p, Set.of("strata", "extra"));
    Files.writeString(scrapeFile, "scrape_configs:\n  - job_name: [broken\n");
    p.hangup();
    long t0 = System.nanoTime();
    while (p.output().stream().noneMatch(l -> l.contains("SIGHUP: reloading scrape config")) && System.nanoTime() - t0 < 30_000_000_000L) {
      Thread.sleep(100);
    }
    assertTrue(p.output().stream().anyMatch(l -> l.contains("SIGHUP: reloading scrape config")), "the failed reload is logged");
    assertEquals(Set.of("strata", "extra"), targetJobs(p), "the running config stays");
  }

  /** Whether this JVM runs with SIGHUP ignored (bit 0 of SigIgn in /proc/self/status), so its children do too. */
  private static boolean sighupIgnoredHere() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("SigIgn:")) {
        return (Long.parseLong(line.substring("SigIgn:".length()).trim(), 16) & 1L) != 0;
      }
    }
    return false;
  }

  /** The jobs of the active targets on the ingest port's {@code /api/v1/targets}. */
  private Set<String> targetJobs(StrataProcess p) throws Exception {
    JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(p.ingest() + "/api/v1/targets")).build(),
        HttpResponse.BodyHandlers.ofString()).body()).at("/data/activeTargets");
    Set<String> jobs = new java.util.TreeSet<>();
    for (JsonNode t : targets) {
      jobs.add(t.at("/labels/job").asText());
    }
    return jobs;
  }

  private void awaitTargetJobs(StrataProcess p, Set<String> want) throws Exception {
    long t0 = System.nanoTime();
    while (!targetJobs(p).equals(want) && System.nanoTime() - t0 < 30_000_000_000L) {
      Thread.sleep(100);
    }
    assertEquals(want, targetJobs(p), () -> "target jobs after SIGHUP; strata up printed:\n"
        + String.join("\n", p.output().subList(Math.max(0, p.output().size() - 40), p.output().size())));
  }

  /** The named alert once {@code /api/v1/alerts} lists it (30 s at most). */
  private JsonNode awaitAlert(StrataProcess p, String name) throws Exception {
    long t0 = System.nanoTime();
    while (System.nanoTime() - t0 < 30_000_000_000L) {
      JsonNode alerts = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(p.query() + "/api/v1/alerts")).build(),
          HttpResponse.BodyHandlers.ofString()).body()).at("/data/alerts");
      for (JsonNode a : alerts) {
        if (name.equals(a.at("/labels/alertname").asText())) {
          return a;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("/api/v1/alerts did not list " + name + " within 30 s");
  }

  /** Reads the topic from the start until the function finds what it looks for (60 s at most), else null. */
  private <T> T awaitRecord(StrataProcess p, String topic, java.util.function.Function<ConsumerRecord<byte[], byte[]>, T> find) {
    Properties c = new Properties();
    c.put("bootstrap.servers", p.kafka());
    c.put("group.id", "e2e-" + topic + System.nanoTime());
    c.put("auto.offset.reset", "earliest");
    c.put("isolation.level", "read_committed");
    try (var consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.currentTimeMillis() + 60_000;
      while (System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(250))) {
          T found = find.apply(rec);
          if (found != null) {
            return found;
          }
        }
      }
    }
    return null;
  }

  @Test
  void pushQueryRollupAlertKillAndRestart() throws Exception {
    Path data = Files.createTempDirectory("strata-up-it");
    Path rules = data.resolveSibling(data.getFileName() + "-rules.yml");
    Files.writeString(rules, """
        groups:
          - name: e2e
            rules:
              - alert: RoomTooWarm
                expr: e2e_temperature_celsius{room="r0"} > 1010
                labels:
                  severity: page
                annotations:
                  summary: "room {{ $labels.room }} at {{ $value }}"
        """);
    // with Debian's Alertmanager installed, `strata up` delivers the alert to it (config key `alerting`)
    Process alertmanager = null;
    List<String> args = new ArrayList<>(List.of("--rule-file", rules.toString()));
    int amPort = Ports.free();
    if (Files.isExecutable(Path.of("/usr/bin/prometheus-alertmanager"))) {
      Path amDir = Files.createDirectories(data.resolveSibling(data.getFileName() + "-alertmanager"));
      Files.writeString(amDir.resolve("am.yml"), "route: {receiver: none}\nreceivers: [{name: none}]\n");
      alertmanager = new ProcessBuilder("/usr/bin/prometheus-alertmanager", "--config.file=" + amDir.resolve("am.yml"),
          "--storage.path=" + amDir, "--web.listen-address=127.0.0.1:" + amPort, "--cluster.listen-address=")
          .redirectErrorStream(true).redirectOutput(amDir.resolve("am.log").toFile()).start();
      Path config = Files.writeString(data.resolveSibling(data.getFileName() + "-strata.yml"),
          "alerting:\n  alertmanagers:\n    - static_configs: [{targets: ['127.0.0.1:" + amPort + "']}]\n");
      args.addAll(List.of("--config", config.toString()));
    } else {
      System.out.println("/usr/bin/prometheus-alertmanager is missing: delivery to Alertmanager not checked");
    }
    try (StrataProcess p = new StrataProcess(data, args)) {
      long startMs = p.start();
      System.out.println("strata up ready in " + startMs + " ms");
      assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(p.query() + "/-/ready")).build(), HttpResponse.BodyHandlers.discarding()).statusCode());

      // SIGHUP re-reads the scrape config; a file that does not load leaves the running one in place
      hangupReloads(p, data.resolve("scrape").resolve("prometheus.yml"));
      for (int i = 0; i < 2; i++) {
        assertEquals(204, remoteWrite(p, push(i)));
      }
      long visibleMs = awaitQueryable(p, 2);
      System.out.println("acknowledged samples queryable after " + visibleMs + " ms");

      // a window is rolled up once its series' newest sample is the store's 10 m out-of-order window past its end:
      // a probe series with a minute of samples and one more 12 m later, all half an hour in the past (a sample
      // ahead of the others would move the rule job's event time and resolve the alert below)
      long probeT0 = T0 - 30 * 60_000;
      List<SeriesSamples> probe = new ArrayList<>();
      long[] pt = new long[13];
      double[] pv = new double[13];
      for (int k = 0; k < 12; k++) {
        pt[k] = probeT0 + k * INTERVAL_MS;
        pv[k] = k;
      }
      pt[12] = probeT0 + 12 * 60_000;
      pv[12] = 100;
      probe.add(new SeriesSamples(Labels.of("__name__", "e2e_rollup_probe", "job", "probe"), pt, pv, 13));
      assertEquals(204, remoteWrite(p, RemoteWriteV1Encoder.encode(probe)));
      var rollupSerde = new AvroWireSerde<>(new HttpSchemaRegistry(p.registryUrl()), RollupBatch.class);
      RollupWindow first = awaitRecord(p, Topics.rollup("1m"), rec -> {
        for (RollupSeries s : rollupSerde.deserialize(rec.value()).getSeries()) {
          if ("probe".equals(Labels.fromAvro(s.getLabels()).get("job"))) {
            for (RollupWindow w : s.getWindows()) {
              if (w.getWindowStartMs() == probeT0) {
                return w;
              }
            }
          }
        }
        return null;
      });
      assertTrue(first != null, "a 1m rollup of the probe for its first minute");
      assertEquals(12, first.getCount(), "12 samples at 5 s in one minute");
      assertEquals(66, first.getSum(), "0 + 1 + ... + 11");
      assertEquals(0, first.getMin());
      assertEquals(11, first.getMax());
      assertEquals(0, first.getFirst());
      assertEquals(probeT0, first.getFirstMs());
      assertEquals(11, first.getLast());
      assertEquals(probeT0 + 55_000, first.getLastMs());
      assertEquals(11, first.getChanges());
      assertTrue(first.getExact());

      // the second push crosses 1010 in room r0: Flink fires the alert, keyed by tenant/fingerprint
      var alertSerde = new AvroWireSerde<>(new HttpSchemaRegistry(p.registryUrl()), AlertEvent.class);
      AlertEvent firing = awaitRecord(p, Topics.ALERTS, rec -> {
        AlertEvent a = alertSerde.deserialize(rec.value());
        if (a.getState() == AlertState.firing && "RoomTooWarm".equals(a.getLabels().get("alertname"))) {
          assertEquals(a.getTenant() + "/" + a.getFingerprint(), new String(rec.key(), StandardCharsets.UTF_8));
          return a;
        }
        return null;
      });
      assertTrue(firing != null, "a firing RoomTooWarm alert on metrics.alerts");
      assertEquals("RoomTooWarm", firing.getLabels().get("alertname"));
      assertEquals("r0", firing.getLabels().get("room"));
      assertEquals("page", firing.getLabels().get("severity"));
      assertTrue(firing.getValue() > 1010, "value " + firing.getValue());
      // the query API reads the same topic: Prometheus's /api/v1/alerts and /api/v1/rules show the alert
      JsonNode alert = awaitAlert(p, "RoomTooWarm");
      assertEquals("firing", alert.get("state").asText(), alert.toString());
      assertEquals("r0", alert.at("/labels/room").asText(), alert.toString());
      JsonNode rule = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(p.query() + "/api/v1/rules?type=alert")).build(),
          HttpResponse.BodyHandlers.ofString()).body()).at("/data/groups/0/rules/0");
      assertEquals("RoomTooWarm", rule.get("name").asText(), rule.toString());
      assertEquals("firing", rule.get("state").asText(), rule.toString());
      if (alertmanager != null) {
        // the delivery stage of `strata up` sent it to the Alertmanager, as Prometheus would have
        JsonNode delivered = awaitAlertmanagerAlert(amPort, "RoomTooWarm");
        assertEquals("r0", delivered.at("/labels/room").asText(), delivered.toString());
        assertEquals("page", delivered.at("/labels/severity").asText(), delivered.toString());
        assertEquals(firing.getFiredAtMs().longValue(), java.time.Instant.parse(delivered.get("startsAt").asText()).toEpochMilli());
      }

      p.kill();
      // a third push while the stack is down must fail, never be acknowledged
      try {
        remoteWrite(p, push(2));
        throw new AssertionError("push acknowledged while strata was killed");
      } catch (java.io.IOException expected) {
        // connection refused
      }

      long restartMs = p.start();
      System.out.println("restart after kill -9 ready in " + restartMs + " ms");
      awaitQueryable(p, 2);
      assertEquals(204, remoteWrite(p, push(2)));
      awaitQueryable(p, 3);

      int exit = p.stop();
      // a JVM that ran its shutdown hooks after SIGTERM exits 143 (128 + 15), as `java` always does;
      // a clean stop also stops the registry child process, which removes its pid file
      assertTrue(exit == 0 || exit == 143, "SIGTERM stops cleanly, exit code " + exit);
      assertTrue(!Files.exists(data.resolve("registry").resolve("registry.pid")), "the registry child process was stopped");
    } finally {
      if (alertmanager != null) {
        alertmanager.destroy();
        alertmanager.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
      }
    }
  }

  /** The named alert once the Alertmanager's {@code /api/v2/alerts} lists it (30 s at most). */
  private JsonNode awaitAlertmanagerAlert(int port, String name) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      try {
        for (JsonNode a : JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v2/alerts")).build(),
            HttpResponse.BodyHandlers.ofString()).body())) {
          if (name.equals(a.at("/labels/alertname").asText())) {
            return a;
          }
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the Alertmanager on port " + port + " did not get " + name + " within 30 s");
  }

  @Test
  void busyPortIsAClearErrorAndNothingStarts() throws Exception {
    Path data = Files.createTempDirectory("strata-up-busy");
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
         StrataProcess p = new StrataProcess(data, List.of())) {
      int[] free = Ports.free(5);
      List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), "io.strata.app.Main", "up", "--data-dir", data.toString(),
          "--query-port", Integer.toString(free[0]), "--ingest-port", Integer.toString(taken.getLocalPort()),
          "--kafka-port", Integer.toString(free[1]), "--kafka-controller-port", Integer.toString(free[2]),
          "--registry-port", Integer.toString(free[3]), "--connect-port", Integer.toString(free[4]));
      Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String output = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(proc.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
      assertEquals(2, proc.exitValue(), output);
      assertTrue(output.contains("ingest port 127.0.0.1:" + taken.getLocalPort() + " is already in use"), output);
      assertTrue(!Files.exists(data.resolve("kafka")), "nothing was started");
    }
  }
}
