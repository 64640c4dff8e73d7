package io.strata.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
  /** Event times of the test data: fixed, not the wall clock. */
  private static final long T0 = 1767225600000L; // 2026-01-01T00:00:00Z
  private static final int SERIES = 5;
  private static final int SAMPLES_PER_PUSH = 20; // 20 × 15 s = 5 minutes of event time per push

  private final HttpClient http = HttpClient.newHttpClient();

  /** Push i covers [T0 + i*5m, T0 + (i+1)*5m); values are i*1000 + sample index, per series offset by s. */
  private static byte[] push(int i) {
    List<SeriesSamples> series = new ArrayList<>();
    for (int s = 0; s < SERIES; s++) {
      long[] ts = new long[SAMPLES_PER_PUSH];
      double[] vs = new double[SAMPLES_PER_PUSH];
      for (int k = 0; k < SAMPLES_PER_PUSH; k++) {
        ts[k] = T0 + (long) i * SAMPLES_PER_PUSH * 15_000 + k * 15_000L;
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
    long end = T0 + (long) pushes * SAMPLES_PER_PUSH * 15_000 - 15_000;
    String url = p.query() + "/api/v1/query_range?query=" + URLEncoder.encode("e2e_temperature_celsius{job=\"e2e\"}", StandardCharsets.UTF_8)
        + "&start=" + (T0 / 1000) + "&end=" + (end / 1000) + "&step=15s";
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

  private List<ConsumerRecord<byte[], byte[]>> consume(StrataProcess p, String topic, int atLeast) {
    Properties c = new Properties();
    c.put("bootstrap.servers", p.kafka());
    c.put("group.id", "e2e-" + topic + System.nanoTime());
    c.put("auto.offset.reset", "earliest");
    c.put("isolation.level", "read_committed");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.currentTimeMillis() + 60_000;
      while (out.size() < atLeast && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(250)).forEach(out::add);
      }
    }
    return out;
  }

  @Test
  void pushQueryRollupAlertKillAndRestart() throws Exception {
    Path data = Files.createTempDirectory("strata-up-it");
    try (StrataProcess p = new StrataProcess(data, List.of())) {
      long startMs = p.start();
      System.out.println("strata up ready in " + startMs + " ms");
      assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(p.query() + "/-/ready")).build(), HttpResponse.BodyHandlers.discarding()).statusCode());

      for (int i = 0; i < 2; i++) {
        assertEquals(204, remoteWrite(p, push(i)));
      }
      long visibleMs = awaitQueryable(p, 2);
      System.out.println("acknowledged samples queryable after " + visibleMs + " ms");

      // 10 minutes of event time: the 1m windows of the first ~9 minutes close (30 s grace)
      List<ConsumerRecord<byte[], byte[]>> rollups = consume(p, Topics.rollup("1m"), 1);
      var rollupSerde = new AvroWireSerde<>(new HttpSchemaRegistry(p.registryUrl()), RollupBatch.class);
      RollupWindow first = null;
      for (var rec : rollups) {
        for (RollupSeries s : rollupSerde.deserialize(rec.value()).getSeries()) {
          if ("r0".equals(Labels.fromAvro(s.getLabels()).get("room"))) {
            for (RollupWindow w : s.getWindows()) {
              if (w.getWindowStartMs() == T0) {
                first = w;
              }
            }
          }
        }
      }
      assertTrue(first != null, "a 1m rollup of room r0 for the first minute");
      assertEquals(4, first.getCount(), "4 samples at 15 s in one minute");
      assertEquals(0 + 1 + 2 + 3, first.getSum());
      assertEquals(0, first.getMin());
      assertEquals(3, first.getMax());
      assertEquals(3, first.getLast());

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

      assertEquals(0, p.stop(), "SIGTERM stops cleanly");
      String out = String.join("\n", p.output());
      assertTrue(out.contains("Strata: stopped"), out);
    }
  }

  @Test
  void busyPortIsAClearErrorAndNothingStarts() throws Exception {
    Path data = Files.createTempDirectory("strata-up-busy");
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
         StrataProcess p = new StrataProcess(data, List.of())) {
      List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), "io.strata.app.Main", "up", "--data-dir", data.toString(),
          "--query-port", Integer.toString(Ports.free()), "--ingest-port", Integer.toString(taken.getLocalPort()),
          "--kafka-port", Integer.toString(Ports.free()), "--kafka-controller-port", Integer.toString(Ports.free()),
          "--registry-port", Integer.toString(Ports.free()), "--connect-port", Integer.toString(Ports.free()));
      Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String output = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(proc.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
      assertEquals(2, proc.exitValue(), output);
      assertTrue(output.contains("ingest port 127.0.0.1:" + taken.getLocalPort() + " is already in use"), output);
      assertTrue(!Files.exists(data.resolve("kafka")), "nothing was started");
    }
  }
}
