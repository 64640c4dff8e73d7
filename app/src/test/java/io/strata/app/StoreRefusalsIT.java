package io.strata.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.ingest.kafka.SeriesSamples;
import io.strata.ingest.remotewrite.RemoteWriteV1Encoder;
import io.strata.schemas.Topics;
import io.strata.schemas.deadletter.DeadLetters;
import io.strata.schemas.model.Labels;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the store refuses after ingest acknowledged it (ingest cannot see the store): a sample at a stored
 * timestamp with another value, and a sample older than the out-of-order window behind its series' newest.
 * Each goes to the dead-letter topic with its reason, is counted, and the stored data stays as it was. And
 * repeats within one request, answered and stored as the Debian Prometheus 2.42 does.
 */
@ExtendWith(SharedStrata.class)
class StoreRefusalsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void secondRequestWithAnotherValueAtAStoredTimestampIsDeadLetteredAndTheFirstValueStays(StrataProcess strata) throws Exception {
    String run = UUID.randomUUID().toString();
    RemoteWriter writer = new RemoteWriter(List.of(strata.ingest() + "/api/v1/write"));
    Labels conflict = Labels.of("__name__", "store_refusal_probe", "case", "conflict", "run", run);
    Labels old = Labels.of("__name__", "store_refusal_probe", "case", "too_old", "run", run);
    long ts = System.currentTimeMillis();
    double conflictsBefore = counter(strata, "CONFLICTING_VALUE");
    double tooOldBefore = counter(strata, "TOO_OLD");

    writer.push(ts, Map.of(conflict, 1.0, old, 1.0));
    await("the first values stored", () -> value(strata.query(), conflict, ts) != null && value(strata.query(), old, ts) != null);
    writer.push(ts, Map.of(conflict, 2.0)); // acknowledged: ingest cannot know the store has another value
    writer.push(ts - Duration.ofMinutes(30).toMillis(), Map.of(old, 5.0)); // 30 m behind, the window is 10 m
    assertEquals(0, writer.queued(strata.ingest() + "/api/v1/write"), "ingest accepted both");

    Map<String, ConsumerRecord<byte[], byte[]>> dead = deadLetters(strata, run, 2);
    ConsumerRecord<byte[], byte[]> c = dead.get("CONFLICTING_VALUE");
    assertEquals("sink", DeadLetters.text(c.headers(), Topics.DLQ_STAGE_HEADER));
    assertEquals(Topics.SAMPLES, DeadLetters.text(c.headers(), Topics.DLQ_TOPIC_HEADER));
    String message = DeadLetters.text(c.headers(), Topics.DLQ_MESSAGE_HEADER);
    assertTrue(message.startsWith("duplicate sample for timestamp: 1 of the 1 samples"), message);
    assertTrue(message.contains("at " + ts + " with value 2.0"), message);
    String tooOld = DeadLetters.text(dead.get("TOO_OLD").headers(), Topics.DLQ_MESSAGE_HEADER);
    assertTrue(tooOld.startsWith("too old sample: 1 of the 1 samples"), tooOld);

    // at least: the other test of the class may dead-letter at the same time
    assertTrue(counter(strata, "CONFLICTING_VALUE") >= conflictsBefore + 1, "counted on /metrics");
    assertTrue(counter(strata, "TOO_OLD") >= tooOldBefore + 1, "counted on /metrics");
    assertEquals("1", value(strata.query(), conflict, ts), "the first value is still the stored one");
    assertEquals(null, value(strata.query(), old, ts - Duration.ofMinutes(30).toMillis()), "the too old sample is not stored");
    assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(strata.query() + "/-/ready")).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode(), "the sink carries on");
  }

  /** The dead letters of this run's series by reason: a fresh consumer group reads the topic from its start. */
  private static Map<String, ConsumerRecord<byte[], byte[]>> deadLetters(StrataProcess strata, String run, int n) {
    Properties c = new Properties();
    c.put("bootstrap.servers", strata.kafka());
    c.put("group.id", "store-refusals-it-" + run);
    c.put("auto.offset.reset", "earliest");
    Map<String, ConsumerRecord<byte[], byte[]>> out = new HashMap<>();
    try (var consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topics.DEADLETTER));
      long deadline = System.currentTimeMillis() + 30_000;
      while (out.size() < n && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(300))) {
          String message = DeadLetters.text(r.headers(), Topics.DLQ_MESSAGE_HEADER);
          if (message != null && message.contains(run)) {
            assertTrue(out.put(DeadLetters.text(r.headers(), Topics.DLQ_REASON_HEADER), r) == null, "one dead letter per reason: " + message);
          }
        }
      }
    }
    assertEquals(n, out.size(), "dead letters of this run: " + out.keySet());
    return out;
  }

  /**
   * Prometheus 2.42 (measured with the Debian package, remote-write receiver on) answers a request whose
   * samples repeat a series and timestamp with 204, identical or not, and keeps the first; only a later request
   * with another value gets 400 "duplicate sample for timestamp" (there Strata answers 204 and dead-letters it,
   * the test above). The same request to both: the same answer, the same stored values.
   */
  @Test
  void duplicatesWithinOneRequestAreAnsweredAndStoredAsPrometheusDoes(StrataProcess strata, @TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(PrometheusProcess.installed(), "needs the Debian prometheus package (" + PrometheusProcess.BINARY + ")");
    String run = UUID.randomUUID().toString();
    long ts = System.currentTimeMillis();
    Labels oneEntry = Labels.of("__name__", "store_refusal_dup", "case", "one_entry", "run", run);
    Labels twoEntries = Labels.of("__name__", "store_refusal_dup", "case", "two_entries", "run", run);
    Labels identical = Labels.of("__name__", "store_refusal_dup", "case", "identical", "run", run);
    byte[] request = RemoteWriteV1Encoder.encode(List.of(
        new SeriesSamples(oneEntry, new long[] {ts, ts}, new double[] {1, 2}, 2),
        SeriesSamples.of(twoEntries, ts, 1), SeriesSamples.of(twoEntries, ts, 2),
        new SeriesSamples(identical, new long[] {ts, ts}, new double[] {3, 3}, 2)));
    double conflictsBefore = counter(strata, "CONFLICTING_VALUE");
    Path config = Files.writeString(dir.resolve("prometheus.yml"), "global: {scrape_interval: 1h}\n");
    try (PrometheusProcess prometheus = new PrometheusProcess(dir).start(config)) {
      HttpResponse<String> expected = write(prometheus.url(), request);
      HttpResponse<String> got = write(strata.ingest(), request);
      assertEquals(204, expected.statusCode(), "Prometheus 2.42: " + expected.body());
      assertEquals(expected.statusCode(), got.statusCode(), got.body());
      Map<Labels, String> values = Map.of(oneEntry, "1", twoEntries, "1", identical, "3");
      await("Strata stored the three series", () -> value(strata.query(), oneEntry, ts) != null && value(strata.query(), twoEntries, ts) != null
          && value(strata.query(), identical, ts) != null);
      for (Map.Entry<Labels, String> e : values.entrySet()) {
        assertEquals(e.getValue(), value(prometheus.url(), e.getKey(), ts), "Prometheus keeps the first of " + e.getKey());
        assertEquals(e.getValue(), value(strata.query(), e.getKey(), ts), "Strata keeps the first of " + e.getKey());
      }
    }
    // the repeated samples with another value are visible, where Prometheus drops them without a word
    await("the conflicting repeats counted", () -> counter(strata, "CONFLICTING_VALUE") >= conflictsBefore + 1);
  }

  private HttpResponse<String> write(String base, byte[] body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/write")).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy").header("X-Prometheus-Remote-Write-Version", "0.1.0")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The value of {@code series} at exactly {@code ts} (a 1 ms range) in the server at {@code base}, or null. */
  private String value(String base, Labels series, long ts) throws Exception {
    StringBuilder selector = new StringBuilder("{");
    for (int i = 0; i < series.size(); i++) {
      selector.append(i == 0 ? "" : ",").append(series.name(i)).append("=\"").append(series.value(i)).append('"');
    }
    String q = selector.append("}[1ms]").toString();
    JsonNode r = JSON.readTree(get(base + "/api/v1/query?query=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&time=" + ts / 1000.0))
        .at("/data/result");
    return r.size() == 0 ? null : r.get(0).at("/values/0/1").asText();
  }

  private double counter(StrataProcess strata, String reason) throws Exception {
    Matcher m = Pattern.compile("(?m)^strata_sink_deadletter_total\\{reason=\"" + reason + "\"} (\\S+)$").matcher(get(strata.query() + "/metrics"));
    assertTrue(m.find(), "strata_sink_deadletter_total{reason=\"" + reason + "\"} on /metrics");
    return Double.parseDouble(m.group(1));
  }

  private String get(String url) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), url + ": " + r.body());
    return r.body();
  }

  private static void await(String what, Check c) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (!c.ok()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("not within 30 s: " + what);
      }
      Thread.sleep(200);
    }
  }

  @FunctionalInterface
  private interface Check {
    boolean ok() throws Exception;
  }
}
