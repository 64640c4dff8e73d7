package io.strata.app.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.embedded.Ports;
import io.strata.embedded.junit.StrataTest;
import io.strata.embedded.junit.TestCluster;
import io.strata.query.api.QueryConfig;
import io.strata.query.api.QueryServer;
import io.strata.query.store.FanoutStore;
import io.strata.schemas.Topics;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.SeriesPartitioner;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.serde.AvroWireSerde;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata connect} as a user runs it for scale-out: a child process (Connect worker, TSDB sink, the store's
 * query server) against the test's Kafka and registry. Sample batches written to {@code metrics.samples} come back
 * through a query node (a {@link FanoutStore} over the worker's store API), and through the worker's own query API.
 * The worker's port is behind {@code --web.config.file} with one bcrypt user: 401 without credentials, and the
 * query node reads the store with the user in its URL.
 */
@StrataTest(realRegistry = true)
class ConnectCommandIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String AUTH = "Basic " + java.util.Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void samplesOnTheTopicAreQueryableThroughAQueryNodeReadingTheWorkersStore(TestCluster cluster, @TempDir Path work) throws Exception {
    String prefix = cluster.uniquePrefix();
    String samples = cluster.createTopic(prefix + Topics.SAMPLES, 2);
    cluster.createTopic(prefix + Topics.rollup("1m"), 2);
    cluster.createTopic(prefix + Topics.DEADLETTER, 1);
    int[] ports = Ports.free(3); // store query server, Connect REST, query node
    Path strataYml = Files.writeString(work.resolve("strata.yml"), "rollups: {resolutions: [1m]}\nsink: {commit_interval: 500ms}\n");
    List<String> args = List.of("--bootstrap", cluster.bootstrapServers(), "--registry-url", cluster.registryUrl(), "--topic-prefix", prefix,
        "--port", Integer.toString(ports[0]), "--connect-port", Integer.toString(ports[1]), "--data-dir", work.resolve("data").toString(),
        "--config", strataYml.toString(), "--web.config.file", Files.writeString(work.resolve("web.yml"),
            "basic_auth_users:\n  alice: " + BCrypt.withDefaults().hashToString(4, "s3cret".toCharArray()) + "\n").toString());
    long t0 = (System.currentTimeMillis() / 60_000 - 1) * 60_000;
    try (ConnectChild worker = ConnectChild.start("connectcmd-logs", args)) {
      String store = "http://127.0.0.1:" + ports[0];
      assertTrue(worker.output().contains("  store API          " + store + "/api/v1/store/   (strata query --store " + store + ")"),
          String.join("\n", worker.output()));
      awaitStatus(store + "/-/ready", 200); // connector and tasks RUNNING
      assertEquals(200, get(store + "/-/healthy").statusCode());
      assertTrue(get(store + "/metrics").body().contains("strata_query_requests_total"), "the worker's own /metrics");
      HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(store + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(401, anonymous.statusCode(), "no credentials on the secured port");
      assertEquals("Basic", anonymous.headers().firstValue("WWW-Authenticate").orElse(null));

      var serde = new AvroWireSerde<>(SchemaRegistries.forUrl(cluster.registryUrl()), SampleBatch.class);
      Properties p = new Properties();
      p.put("bootstrap.servers", cluster.bootstrapServers());
      try (var producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
        for (int i = 0; i < 10; i++) {
          Labels l = Labels.of("__name__", "connectcmd_temperature", "room", "r" + i);
          Series s = new Series(l.toAvro(), List.of(new Sample(t0, (double) i), new Sample(t0 + 15_000, i + 0.5)));
          producer.send(new ProducerRecord<>(samples, SeriesPartitioner.partition("default", l, 2), null,
              serde.serialize(samples, new SampleBatch("default", "test", List.of(s))))).get();
        }
      }

      // a query node over the worker's store API, as `strata query --store URL` runs it
      PrometheusRegistry metrics = new PrometheusRegistry();
      try (FanoutStore fanout = new FanoutStore(List.of(URI.create("http://alice:s3cret@127.0.0.1:" + ports[0])), false, Duration.ofSeconds(10), metrics)) {
        QueryServer node = new QueryServer(QueryConfig.defaults("127.0.0.1", ports[2]), fanout, metrics, () -> true).start();
        try {
          String at = Long.toString((t0 + 15_000) / 1000);
          String nodeUrl = "http://127.0.0.1:" + node.port();
          JsonNode count = awaitValue(nodeUrl, "count(connectcmd_temperature)", at, "10");
          assertEquals("10", count.at("/data/result/0/value/1").asText());
          assertEquals("50", query(nodeUrl, "sum(connectcmd_temperature)", at).at("/data/result/0/value/1").asText(), "0.5 + 1.5 + ... + 9.5");
          assertEquals("3", query(nodeUrl, "connectcmd_temperature{room=\"r3\"}", Long.toString(t0 / 1000)).at("/data/result/0/value/1").asText());
          // and the worker's own query API over its store
          assertEquals("50", query(store, "sum(connectcmd_temperature)", at).at("/data/result/0/value/1").asText());
        } finally {
          node.close();
        }
      }
    }
  }

  private JsonNode awaitValue(String base, String expr, String time, String want) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    JsonNode r = null;
    while (System.nanoTime() < deadline) {
      r = query(base, expr, time);
      if (want.equals(r.at("/data/result/0/value/1").asText())) {
        return r;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(expr + " is not " + want + " within " + WAIT + ": " + r);
  }

  private JsonNode query(String base, String expr, String time) throws Exception {
    HttpResponse<String> r = get(base + "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8) + "&time=" + time);
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  private void awaitStatus(String url, int status) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    int last = -1;
    while (System.nanoTime() < deadline) {
      last = get(url).statusCode();
      if (last == status) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(url + " answered " + last + ", not " + status + ", for " + WAIT);
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", AUTH).build(), HttpResponse.BodyHandlers.ofString());
  }
}
