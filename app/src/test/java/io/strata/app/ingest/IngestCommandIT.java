package io.strata.app.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.app.StageProcess;
import io.strata.embedded.KafkaBroker;
import io.strata.embedded.Ports;
import io.strata.embedded.TopicProvisioner;
import io.strata.embedded.junit.StrataTest;
import io.strata.embedded.junit.TestCluster;
import io.strata.ingest.kafka.SeriesSamples;
import io.strata.ingest.remotewrite.RemoteWriteV1Encoder;
import io.strata.schemas.Topics;
import io.strata.schemas.model.Labels;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.serde.AvroWireSerde;
import java.net.InetSocketAddress;
import java.net.URI;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata ingest} as a user runs it for scale-out: two child processes against one existing Kafka and
 * registry. The first scrapes a static and a file_sd target of an exposition endpoint served by the test and
 * takes remote_write; the second, on another port (from a strata.yml), takes remote_write too. Everything is
 * read back from {@code metrics.samples} with the project's deserializer; a SIGHUP reloads the scrape config.
 */
@StrataTest(realRegistry = true)
class IngestCommandIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void twoIngestInstancesScrapeAndAcceptRemoteWriteOntoTheSamplesTopic(TestCluster cluster, @TempDir Path work) throws Exception {
    String prefix = cluster.uniquePrefix();
    cluster.createTopic(prefix + Topics.SAMPLES, 2);
    cluster.createTopic(prefix + Topics.METADATA, 1);

    HttpServer exporter = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    exporter.createContext("/metrics", ex -> {
      byte[] body = "# TYPE ingestcmd_temperature_celsius gauge\ningestcmd_temperature_celsius{room=\"lab\"} 21.5\n"
          .getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    exporter.start();
    String target = "127.0.0.1:" + exporter.getAddress().getPort();
    Files.writeString(work.resolve("targets.yml"), "- targets: ['" + target + "']\n  labels: {found_by: file}\n");
    Path scrapeConfig = work.resolve("prometheus.yml");
    Files.writeString(scrapeConfig, """
        global: {scrape_interval: 1s, scrape_timeout: 1s}
        scrape_configs:
          - job_name: static
            static_configs: [{targets: ['%s']}]
          - job_name: files
            file_sd_configs: [{files: ['%s'], refresh_interval: 1s}]
        """.formatted(target, work.resolve("targets.yml")));

    int[] ports = Ports.free(2);
    List<String> first = List.of("--bootstrap", cluster.bootstrapServers(), "--registry-url", cluster.registryUrl(), "--topic-prefix", prefix,
        "--port", Integer.toString(ports[0]), "--scrape-config", scrapeConfig.toString(), "--web.enable-lifecycle");
    // the second takes its topic prefix and port from a strata.yml as strata up reads it
    Path strataYml = work.resolve("strata.yml");
    Files.writeString(strataYml, "kafka: {topic_prefix: '" + prefix + "'}\nports: {ingest: " + ports[1] + "}\n");
    List<String> second = List.of("--kafka", cluster.bootstrapServers(), "--registry-url", cluster.registryUrl(), "--config", strataYml.toString(),
        "--no-pushgateway");
    try (StageProcess one = StageProcess.start("ingest", first); StageProcess two = StageProcess.start("ingest", second)) {
      String url1 = "http://127.0.0.1:" + ports[0];
      String url2 = "http://127.0.0.1:" + ports[1];
      assertTrue(one.output().contains("  ingest             " + url1 + "/api/v1/write   (remote_write 1.0/2.0)"), String.join("\n", one.output()));
      assertEquals(200, get(url1 + "/-/ready").statusCode());
      assertEquals(200, get(url2 + "/-/ready").statusCode());

      // both targets up, the file's with its label
      JsonNode targets = awaitTargetsUp(url1, 2);
      Map<String, JsonNode> byJob = new HashMap<>();
      targets.forEach(t -> byJob.put(t.at("/labels/job").asText(), t));
      assertEquals(target, byJob.get("static").at("/labels/instance").asText());
      assertEquals("file", byJob.get("files").at("/labels/found_by").asText());

      long now = System.currentTimeMillis();
      assertEquals(204, push(url1, "ingestcmd_pushed", "one", now, 1.0).statusCode());
      assertEquals(204, push(url2, "ingestcmd_pushed", "two", now, 2.0).statusCode());
      assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(url1 + "/-/reload")).POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode());

      // scraped samples of both jobs and each instance's push, on the samples topic
      Map<String, List<Double>> found = readSamples(cluster, prefix + Topics.SAMPLES);
      assertEquals(List.of(1.0), found.get("remote_write ingestcmd_pushed{instance=\"one\"}"));
      assertEquals(List.of(2.0), found.get("remote_write ingestcmd_pushed{instance=\"two\"}"));
      assertTrue(found.get("scrape ingestcmd_temperature_celsius{job=\"static\"}").stream().allMatch(v -> v == 21.5), found.toString());
      assertTrue(found.get("scrape ingestcmd_temperature_celsius{job=\"files\"}").stream().allMatch(v -> v == 21.5), found.toString());

      // SIGHUP re-reads the scrape config: the static job is gone, the file's target stays
      Files.writeString(scrapeConfig, """
          global: {scrape_interval: 1s, scrape_timeout: 1s}
          scrape_configs:
            - job_name: files
              file_sd_configs: [{files: ['%s'], refresh_interval: 1s}]
          """.formatted(work.resolve("targets.yml")));
      Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(one.pid())).inheritIO().start();
      assertEquals(0, hup.waitFor());
      assertEquals("files", awaitTargetsUp(url1, 1).get(0).at("/labels/job").asText());

      int code = one.stop(); // SIGTERM, as Ctrl-C: the shutdown hook stops the server and flushes the producer
      assertTrue(one.output().contains("strata ingest: stopped"), "exit " + code + ":\n" + String.join("\n", one.output()));
    } finally {
      exporter.stop(0);
    }
  }

  @Test
  void readyIs503NamingKafkaWhileTheBrokerIsStoppedAnd200OnceItRuns(TestCluster cluster, @TempDir Path work) throws Exception {
    int[] ports = Ports.free(3); // ingest, and the broker's listener and controller: nothing listens there yet
    String bootstrap = "127.0.0.1:" + ports[1];
    List<String> args = List.of("--bootstrap", bootstrap, "--registry-url", cluster.registryUrl(), "--port", Integer.toString(ports[0]),
        "--no-pushgateway");
    try (StageProcess ingest = StageProcess.start("ingest", args)) {
      String url = "http://127.0.0.1:" + ports[0];
      HttpResponse<String> ready = get(url + "/-/ready");
      assertEquals(503, ready.statusCode(), ready.body());
      assertTrue(ready.body().startsWith("Service Unavailable: cannot write: Kafka unreachable"), ready.body());
      assertEquals(200, get(url + "/-/healthy").statusCode(), "/-/healthy is liveness");

      try (KafkaBroker broker = KafkaBroker.start(work.resolve("kafka"), "127.0.0.1", ports[1], ports[2], Map.of())) {
        TopicProvisioner.ensure(bootstrap, Topics.all("", List.of()).stream().filter(t -> t.name().equals(Topics.SAMPLES)).toList(), 1, (short) 1);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (get(url + "/-/ready").statusCode() != 200 && System.nanoTime() < deadline) {
          Thread.sleep(200);
        }
        assertEquals(200, get(url + "/-/ready").statusCode(), "ready once the broker runs and has the samples topic");
        assertEquals(204, push(url, "ingestcmd_after_broker_start", "one", System.currentTimeMillis(), 1.0).statusCode(), "and it writes");
      }
    }
  }

  private HttpResponse<String> push(String base, String name, String instance, long t, double v) throws Exception {
    byte[] body = RemoteWriteV1Encoder.encode(List.of(SeriesSamples.of(Labels.of("__name__", name, "instance", instance, "job", "push"), t, v)));
    return http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/write")).header("Content-Type", "application/x-protobuf")
        .header("Content-Encoding", "snappy").header("X-Prometheus-Remote-Write-Version", "0.1.0")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode awaitTargetsUp(String base, int n) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    JsonNode active = null;
    while (System.nanoTime() < deadline) {
      active = JSON.readTree(get(base + "/api/v1/targets").body()).at("/data/activeTargets");
      int up = 0;
      for (JsonNode t : active) {
        up += t.get("health").asText().equals("up") ? 1 : 0;
      }
      if (up == n && active.size() == n) {
        return active;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("not " + n + " targets up in " + WAIT + ": " + active);
  }

  /**
   * "source name{label}" to the values of the test's series: the pushed ones (by instance) and the scraped
   * one (by job); waits until all four are there.
   */
  private static Map<String, List<Double>> readSamples(TestCluster cluster, String topic) throws Exception {
    var serde = new AvroWireSerde<>(SchemaRegistries.forUrl(cluster.registryUrl()), SampleBatch.class);
    Properties p = new Properties();
    p.put("bootstrap.servers", cluster.bootstrapServers());
    p.put("auto.offset.reset", "earliest");
    p.put("group.id", "ingestcmd-it-" + System.nanoTime());
    Map<String, List<Double>> found = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (found.size() < 4 && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(500))) {
          SampleBatch b = serde.deserialize(rec.value());
          for (Series s : b.getSeries()) {
            Labels l = Labels.fromAvro(s.getLabels());
            String key = switch (l.metricName()) {
              case "ingestcmd_pushed" -> b.getSource() + " ingestcmd_pushed{instance=\"" + l.get("instance") + "\"}";
              case "ingestcmd_temperature_celsius" -> b.getSource() + " ingestcmd_temperature_celsius{job=\"" + l.get("job") + "\"}";
              default -> null;
            };
            if (key != null) {
              for (Sample sample : s.getSamples()) {
                found.computeIfAbsent(key, k -> new ArrayList<>()).add(sample.getValue());
              }
            }
          }
        }
      }
    }
    assertEquals(4, found.size(), "series found on " + topic + ": " + found.keySet());
    return found;
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
