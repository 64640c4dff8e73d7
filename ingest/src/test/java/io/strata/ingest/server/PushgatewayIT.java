package io.strata.ingest.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.embedded.junit.StrataTest;
import io.strata.embedded.junit.TestCluster;
import io.strata.ingest.kafka.SampleBatchProducer;
import io.strata.ingest.pushgateway.MetricFamilyProto;
import io.strata.ingest.pushgateway.PushgatewayStore;
import io.strata.schemas.Topics;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.StaleMarker;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Pushgateway API against a real broker: statuses, emitted series, stale markers, TTL, restart. */
@StrataTest
class PushgatewayIT {
  private String prefix;
  private KafkaCheck kafka;
  private TestCluster cluster;
  private SampleBatchProducer producer;
  private IngestServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start(TestCluster cluster) {
    this.cluster = cluster;
    this.kafka = new KafkaCheck(cluster);
    prefix = cluster.uniquePrefix();
    cluster.createTopic(prefix + Topics.SAMPLES, 2);
    cluster.createTopic(prefix + Topics.METADATA, 1);
    producer = new SampleBatchProducer(cluster.bootstrapServers(), cluster.registryUrl(), prefix, Map.of(), new PrometheusRegistry());
    server = newServer();
  }

  private IngestServer newServer() {
    // a long interval: the tests emit on demand, so nothing is written behind their back
    return new IngestServer(IngestConfig.defaults("127.0.0.1", 0).withPushgateway(true, Duration.ofHours(1)), producer, new PrometheusRegistry()).start();
  }

  @AfterEach
  void stop() {
    server.close();
    producer.close();
  }

  private HttpResponse<String> send(String method, String path, byte[] body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
    return send(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), headers);
  }

  /** The label sets of the last emission (stale markers excluded) and the stale-marked ones. */
  private record Emission(Set<String> live, Set<String> stale) {}

  private Emission lastEmission(int atLeastRecords) {
    List<KafkaCheck.Point> points = kafka.samples(prefix + Topics.SAMPLES, atLeastRecords);
    long last = points.stream().mapToLong(KafkaCheck.Point::timestampMs).max().orElse(-1);
    Set<String> live = new TreeSet<>();
    Set<String> stale = new TreeSet<>();
    for (KafkaCheck.Point p : points) {
      if (p.timestampMs() == last) {
        assertEquals("pushgateway", p.source());
        (StaleMarker.isStale(p.value()) ? stale : live).add(p.labels().toString());
      }
    }
    return new Emission(live, stale);
  }

  @Test
  void putPostDeleteAndTheSeriesPrometheusWouldSee() throws Exception {
    assertEquals(200, send("PUT", "/metrics/job/some_job/instance/some_instance",
        "# TYPE some_metric counter\n# HELP some_metric Just an example.\nsome_metric{label=\"val1\"} 42\nanother_metric 2398\n").statusCode());
    assertEquals(200, send("POST", "/metrics/job/some_job/instance/some_instance", "some_metric{label=\"val2\"} 43\n").statusCode());
    assertEquals(200, send("PUT", "/metrics/job@base64/YmF0Y2gvam9i/path@base64/L3Zhci90bXA", "z 1\n").statusCode());
    long emitted = server.pushgateway().emitNow();
    assertEquals(7, emitted);
    Emission e = lastEmission(1);
    assertEquals(new TreeSet<>(List.of(
        "another_metric{instance=\"some_instance\", job=\"some_job\"}",
        "some_metric{instance=\"some_instance\", job=\"some_job\", label=\"val2\"}",
        "push_time_seconds{instance=\"some_instance\", job=\"some_job\"}",
        "push_failure_time_seconds{instance=\"some_instance\", job=\"some_job\"}",
        "z{job=\"batch/job\", path=\"/var/tmp\"}",
        "push_time_seconds{job=\"batch/job\", path=\"/var/tmp\"}",
        "push_failure_time_seconds{job=\"batch/job\", path=\"/var/tmp\"}")), e.live());

    assertEquals(202, send("DELETE", "/metrics/job@base64/YmF0Y2gvam9i/path@base64/L3Zhci90bXA", (String) null).statusCode());
    assertEquals(202, send("DELETE", "/metrics/job/never_pushed", (String) null).statusCode(), "deleting a missing group is 202");
    Emission deleted = lastEmission(2);
    assertEquals(Set.of("z{job=\"batch/job\", path=\"/var/tmp\"}", "push_time_seconds{job=\"batch/job\", path=\"/var/tmp\"}",
        "push_failure_time_seconds{job=\"batch/job\", path=\"/var/tmp\"}"), deleted.stale(),
        "the deleted group's series get stale markers before the DELETE is answered");
    assertEquals(Set.of(), deleted.live(), "the delete writes only the deleted group's series");
    server.pushgateway().emitNow();
    Emission after = lastEmission(3);
    assertEquals(Set.of(), after.stale(), "marked once");
    assertEquals(4, after.live().size());
    assertEquals(405, send("GET", "/metrics/job/some_job", (String) null).statusCode());
  }

  @Test
  void aPushIsWrittenBeforeItIsAnsweredWithoutWaitingForTheInterval() throws Exception {
    assertEquals(200, send("PUT", "/metrics/job/batch/instance/i1", "# TYPE done counter\ndone 3\nleft 7\n").statusCode());
    Emission first = lastEmission(1);
    assertEquals(Set.of("done{instance=\"i1\", job=\"batch\"}", "left{instance=\"i1\", job=\"batch\"}",
        "push_time_seconds{instance=\"i1\", job=\"batch\"}", "push_failure_time_seconds{instance=\"i1\", job=\"batch\"}"),
        first.live(), "in Kafka when the push is answered, though the interval is an hour");
    assertEquals(200, send("PUT", "/metrics/job/batch/instance/i1", "done 4\n").statusCode());
    Emission second = lastEmission(2);
    assertEquals(Set.of("left{instance=\"i1\", job=\"batch\"}"), second.stale(), "PUT replaced the group: the metric it dropped is stale at once");
    assertEquals(3, second.live().size());
    List<KafkaCheck.Point> points = kafka.samples(prefix + Topics.SAMPLES, 2);
    assertEquals(List.of(3.0, 4.0), points.stream().filter(p -> p.labels().toString().startsWith("done{"))
        .sorted(java.util.Comparator.comparingLong(KafkaCheck.Point::timestampMs)).map(KafkaCheck.Point::value).toList());
  }

  @Test
  void inconsistentAndTimestampedPushesAre400AndOnlyRecordTheFailure() throws Exception {
    assertEquals(200, send("PUT", "/metrics/job/a", "# TYPE m counter\nm 1\n").statusCode());
    HttpResponse<String> clash = send("PUT", "/metrics/job/b", "# TYPE m gauge\nm 2\n");
    assertEquals(400, clash.statusCode());
    assertTrue(clash.body().contains("\"m\"") && clash.body().contains("COUNTER") && clash.body().contains("GAUGE"), clash.body());
    HttpResponse<String> ts = send("PUT", "/metrics/job/a", "m 1 1700000000000\n");
    assertEquals(400, ts.statusCode());
    assertTrue(ts.body().contains("must not have timestamps"), ts.body());
    assertEquals(400, send("PUT", "/metrics/job/a", "bad metric\n").statusCode(), "parse error");

    JsonNode groups = new ObjectMapper().readTree(send("GET", "/api/v1/metrics", (String) null).body()).get("data");
    Map<String, JsonNode> byJob = new java.util.TreeMap<>();
    groups.forEach(g -> byJob.put(g.get("labels").get("job").asText(), g));
    assertEquals(Set.of("a", "b"), byJob.keySet(), "a failed push creates its group, as in the Pushgateway");
    assertFalse(byJob.get("a").get("last_push_successful").asBoolean());
    assertEquals("1", byJob.get("a").get("m").get("metrics").get(0).get("value").asText(), "the failed push changed no metric");
    assertEquals("COUNTER", byJob.get("a").get("m").get("type").asText());
    assertEquals("0", byJob.get("b").get("push_time_seconds").get("metrics").get(0).get("value").asText());
    assertFalse(byJob.get("b").get("push_failure_time_seconds").get("metrics").get(0).get("value").asText().equals("0"));
  }

  @Test
  void protobufAndGzipBodiesAreAccepted() throws Exception {
    byte[] proto = new MetricFamilyProto().simple("jobs_done_total", "Jobs done.", 0, 5, -1, "queue", "a")
        .histogram("lat", "", new double[] {0.5, 1}, new long[] {1, 2}, 3, 4.5).bytes();
    assertEquals(200, send("PUT", "/metrics/job/proto", proto, "Content-Type", MetricFamilyProto.CONTENT_TYPE).statusCode());
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (var out = new GZIPOutputStream(gz)) {
      out.write("gz 1\n".getBytes(StandardCharsets.UTF_8));
    }
    assertEquals(200, send("PUT", "/metrics/job/gz", gz.toByteArray(), "Content-Encoding", "gzip").statusCode());
    byte[] timestamped = new MetricFamilyProto().simple("g", "", 1, 1, 1700000000000L).bytes();
    assertEquals(400, send("PUT", "/metrics/job/proto2", timestamped, "Content-Type", MetricFamilyProto.CONTENT_TYPE).statusCode());
    server.pushgateway().emitNow();
    Set<String> live = lastEmission(1).live();
    assertTrue(live.contains("jobs_done_total{job=\"proto\", queue=\"a\"}"), live.toString());
    assertTrue(live.contains("lat_bucket{job=\"proto\", le=\"+Inf\"}"), live.toString());
    assertTrue(live.contains("gz{job=\"gz\"}"), live.toString());
  }

  @Test
  void groupsSurviveARestart() throws Exception {
    assertEquals(200, send("PUT", "/metrics/job/backup/instance/db1", "# HELP last_success Last success.\nlast_success 1.7e9\n").statusCode());
    server.close();
    server = newServer();
    List<io.strata.ingest.pushgateway.PushGroup> restored = server.pushgateway().groups("default");
    assertEquals(1, restored.size());
    assertEquals(Labels.of("job", "backup", "instance", "db1"), restored.get(0).key().labels());
    assertEquals("Last success.", restored.get(0).families().get("last_success").help());
    assertEquals(202, send("DELETE", "/metrics/job/backup/instance/db1", (String) null).statusCode());
    server.close();
    server = newServer();
    assertEquals(0, server.pushgateway().groups("default").size(), "a deleted group stays deleted (tombstone)");
  }

  @Test
  void ttlExpiresTheGroupWithStaleMarkers() throws Exception {
    assertEquals(200, send("PUT", "/metrics/job/short?ttl=1s", "ephemeral 1\n").statusCode());
    assertEquals(200, send("PUT", "/metrics/job/long", "durable 1\n", "X-Strata-Push-TTL", "1h").statusCode());
    assertEquals(400, send("PUT", "/metrics/job/x?ttl=soon", "x 1\n").statusCode(), "invalid TTL");
    server.pushgateway().emitNow();
    assertTrue(lastEmission(1).live().contains("ephemeral{job=\"short\"}"));
    Thread.sleep(1200);
    server.pushgateway().emitNow();
    Emission e = lastEmission(2);
    assertTrue(e.stale().contains("ephemeral{job=\"short\"}"), e.toString());
    assertTrue(e.live().contains("durable{job=\"long\"}"), e.toString());
    long deadline = System.currentTimeMillis() + 5000;
    while (server.pushgateway().groups("default").size() != 1 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(List.of("long"), server.pushgateway().groups("default").stream().map(g -> g.key().job()).collect(Collectors.toList()));
  }

  @Test
  void tenantsAreSeparate() throws Exception {
    assertEquals(200, send("PUT", "/metrics/job/j", "a 1\n", "X-Scope-OrgID", "team-a").statusCode());
    assertEquals(200, send("PUT", "/metrics/job/j", "# TYPE a counter\na 1\n", "X-Scope-OrgID", "team-b").statusCode(),
        "a different type in another tenant is no inconsistency");
    assertEquals(1, server.pushgateway().groups("team-a").size());
    assertEquals(0, server.pushgateway().groups("default").size());
  }

  @Test
  void badPushesWriteNoSamples() throws Exception {
    assertEquals(400, send("PUT", "/metrics/job/x/instance", "z 1\n").statusCode(), "odd grouping key");
    assertEquals(400, send("PUT", "/metrics/job/x/bad-name/v", "z 1\n").statusCode());
    assertEquals(400, send("PUT", "/metrics/job/x", "e{bad-l=\"1\"} 1\n").statusCode());
    assertEquals(400, send("PUT", "/metrics/job/x", new byte[] {0x1f, (byte) 0x8b, 1, 2}, "Content-Encoding", "gzip").statusCode(), "bad gzip");
    assertEquals(400, send("PUT", "/metrics/job/x", new byte[] {0x20, 0x0a}, "Content-Type", MetricFamilyProto.CONTENT_TYPE).statusCode());
    assertEquals(0, server.pushgateway().emitNow(), "no group, nothing to emit");
    assertEquals(0, kafka.records(prefix + Topics.SAMPLES, 0).size());
    assertEquals(0, kafka.records(prefix + PushgatewayStore.TOPIC, 0).size(), "parse errors leave no group record");
  }

  @Test
  void aRejectedPushClosesItsConnectionAndTheNextPushSucceeds() throws Exception {
    // rejected from the URL alone, before the body is read: the connection must not be reused as if clean
    HttpResponse<String> bad = send("PUT", "/metrics/job/x/instance", "z 1\n".repeat(20_000));
    assertEquals(400, bad.statusCode());
    assertEquals("close", bad.headers().firstValue("connection").orElse(""), "a 400 says the connection ends");
    for (int i = 0; i < 5; i++) {
      assertEquals(400, send("PUT", "/metrics/job/x/instance", "z 1\n").statusCode());
      assertEquals(200, send("PUT", "/metrics/job/ok", "z 1\n").statusCode(), "the same client pushes again at once");
    }
  }
}
