package io.strata.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.schemas.Topics;
import io.strata.schemas.deadletter.DeadLetters;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.SeriesPartitioner;
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
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The producer kit as a Node.js team uses it, against a running `strata up`: right after `ready` the samples
 * subject exists with its compatibility level; {@code examples/node/producer} (kafkajs and
 * {@code @kafkajs/confluent-schema-registry}, its own copy of {@code schemas/subjects/}) registers the same
 * version, produces by the partition rule, and every sample is read back exactly over the query API. Then a
 * valid batch on the wrong partition: dead-lettered once by each stage that reads the topic, with the same
 * headers, and never queryable. Skips when node/npm are missing or {@code npm ci} cannot fetch the packages.
 */
class NodeProducerIT {
  private static final Path EXAMPLE = Path.of("").toAbsolutePath().getParent().resolve("examples/node/producer");
  private static final Path SCHEMAS = Path.of("").toAbsolutePath().getParent().resolve("schemas/subjects");
  private static final String METRIC = "node_example_room_temperature_celsius";
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void nodeProducerSamplesAreReadBackExactlyAndAWrongPartitionIsRefusedByEveryStage() throws Exception {
    Path work = Files.createTempDirectory("strata-node-producer");
    assumeTrue(run(work, List.of("node", "--version"), Map.of(), 10).exit == 0, "node is missing: test skipped");
    for (String f : List.of("package.json", "package-lock.json", "produce.js")) {
      Files.copy(EXAMPLE.resolve(f), work.resolve(f));
    }
    long t0 = System.nanoTime();
    Result ci = run(work, List.of("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"), Map.of(), 180);
    System.out.printf("npm ci: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    assumeTrue(ci.exit == 0, "npm ci failed (no network?): test skipped\n" + ci.output);

    // values chosen to catch rounding and encoding slips: 0.1 + 0.2, a subnormal, a large one; UTF-8 label values
    long now = System.currentTimeMillis() / 1000 * 1000;
    List<Map<String, Object>> input = new ArrayList<>();
    double[][] values = {{0.1 + 0.2, 21.5, -3.25}, {4.9e-324, 1e300, 0}, {7, 8, 9}};
    String[] rooms = {"zürich", "r1", "会议室"};
    for (int s = 0; s < rooms.length; s++) {
      List<List<Object>> samples = new ArrayList<>();
      for (int k = 0; k < 3; k++) {
        samples.add(List.of(now - (30 - 10L * k) * 1000, values[s][k]));
      }
      input.add(Map.of("labels", Map.of("__name__", METRIC, "room", rooms[s], "job", "node"), "samples", samples));
    }
    Path series = work.resolve("series.json");
    Files.writeString(series, json.writeValueAsString(input));

    Path data = Files.createTempDirectory("strata-up-node");
    try (StrataProcess p = new StrataProcess(data, List.of())) {
      System.out.printf("strata up ready in %d ms%n", p.start());
      long t1 = System.nanoTime();
      // before any producer: the subject is there, with the level its client checks
      JsonNode config = get(p.registryUrl() + "/config/" + Topics.SAMPLES + "-value");
      assertEquals("BACKWARD", config.path("compatibilityLevel").asText(), config.toString());
      int strataId = get(p.registryUrl() + "/subjects/" + Topics.SAMPLES + "-value/versions/latest").path("id").asInt();

      Result produced = run(work, List.of("node", "produce.js", series.toString()), Map.of("STRATA_KAFKA", p.kafka(),
          "STRATA_REGISTRY", p.registryUrl(), "STRATA_SCHEMA_FILE", SCHEMAS.resolve("metrics.samples-value.avsc").toString()), 60);
      assertEquals(0, produced.exit, produced.output);
      JsonNode summary = json.readTree(produced.output.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
      assertEquals(strataId, summary.path("schemaId").asInt(), "the producer's own copy of the schema is Strata's version");
      assertEquals(1, get(p.registryUrl() + "/subjects/" + Topics.SAMPLES + "-value/versions").size(), "no second version");

      // every sample read back exactly (the query API formats floats as Go does: parse and compare bits)
      JsonNode result = awaitSeries(p, METRIC + "[2m]", now, rooms.length * 3);
      for (JsonNode r : result) {
        int s = List.of(rooms).indexOf(r.path("metric").path("room").asText());
        assertTrue(s >= 0, r.toString());
        for (int k = 0; k < 3; k++) {
          JsonNode point = r.path("values").get(k);
          assertEquals(now - (30 - 10L * k) * 1000, Math.round(point.get(0).asDouble() * 1000));
          assertEquals(Double.doubleToRawLongBits(values[s][k]), Double.doubleToRawLongBits(Double.parseDouble(point.get(1).asText())),
              rooms[s] + " sample " + k);
        }
      }

      System.out.printf("node produce and read back: %d ms%n", (System.nanoTime() - t1) / 1_000_000);
      long t2 = System.nanoTime();
      // a valid batch, written to another partition than its series': every reading stage refuses it
      Labels stray = Labels.of("__name__", "node_example_stray", "job", "node");
      int own = SeriesPartitioner.partition("default", stray, 4);
      AvroWireSerde<SampleBatch> serde = new AvroWireSerde<>(new HttpSchemaRegistry(p.registryUrl()), SampleBatch.class);
      Properties pp = new Properties();
      pp.put("bootstrap.servers", p.kafka());
      try (var producer = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
        producer.send(new ProducerRecord<>(Topics.SAMPLES, (own + 1) % 4, null, serde.serialize(Topics.SAMPLES,
            new SampleBatch("default", "it", List.of(new Series(stray.toAvro(), List.of(new Sample(now, 1.0)))))))).get();
      }
      List<ConsumerRecord<byte[], byte[]>> dead = deadLetters(p, 3);
      Set<String> stages = new TreeSet<>();
      for (ConsumerRecord<byte[], byte[]> d : dead) {
        stages.add(DeadLetters.text(d.headers(), Topics.DLQ_STAGE_HEADER));
        assertEquals("WRONG_PARTITION", DeadLetters.text(d.headers(), Topics.DLQ_REASON_HEADER));
        assertEquals(Topics.SAMPLES, DeadLetters.text(d.headers(), Topics.DLQ_TOPIC_HEADER));
        assertEquals(Integer.toString((own + 1) % 4), DeadLetters.text(d.headers(), Topics.DLQ_PARTITION_HEADER));
      }
      assertEquals(Set.of("flink", "sink", "streams"), stages, "one dead letter per stage, same contract");
      System.out.printf("three dead letters: %d ms%n", (System.nanoTime() - t2) / 1_000_000);
      assertEquals(0, get(p.query() + "/api/v1/query?query=node_example_stray&time=" + now / 1000.0).path("data").path("result").size(),
          "the refused series is not stored");
    }
  }

  /** Polls an instant query until it returns {@code samples} points in all; returns its result. */
  private JsonNode awaitSeries(StrataProcess p, String query, long atMs, int samples) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    JsonNode result = null;
    while (System.currentTimeMillis() < deadline) {
      result = get(p.query() + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8) + "&time=" + atMs / 1000.0)
          .path("data").path("result");
      int n = 0;
      for (JsonNode r : result) {
        n += r.path("values").size();
      }
      if (n >= samples) {
        return result;
      }
      Thread.sleep(300);
    }
    throw new AssertionError("not all " + samples + " samples queryable in 30 s: " + result);
  }

  private List<ConsumerRecord<byte[], byte[]>> deadLetters(StrataProcess p, int n) {
    Properties c = new Properties();
    c.put("bootstrap.servers", p.kafka());
    c.put("group.id", "node-it-dlq");
    c.put("auto.offset.reset", "earliest");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topics.DEADLETTER));
      long deadline = System.currentTimeMillis() + 45_000;
      while (out.size() < n && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(300)).forEach(out::add);
      }
    }
    assertEquals(n, out.size(), "dead letters");
    return out;
  }

  private JsonNode get(String url) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), url + ": " + r.body());
    return json.readTree(r.body());
  }

  private record Result(int exit, String output) {}

  private static Result run(Path dir, List<String> cmd, Map<String, String> env, int timeoutSeconds) throws InterruptedException {
    try {
      Path log = Files.createTempFile(dir, "run", ".log");
      ProcessBuilder b = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
      b.environment().putAll(env);
      Process proc = b.start();
      if (!proc.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        proc.destroyForcibly();
        return new Result(-1, "timed out after " + timeoutSeconds + " s: " + cmd + "\n" + Files.readString(log));
      }
      return new Result(proc.exitValue(), Files.readString(log));
    } catch (IOException e) {
      return new Result(-1, e.toString()); // the program is missing
    }
  }
}
