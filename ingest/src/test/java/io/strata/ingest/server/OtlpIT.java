package io.strata.ingest.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.CodedInputStream;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.avro.MetricMetadata;
import io.strata.embedded.junit.StrataTest;
import io.strata.embedded.junit.TestCluster;
import io.strata.ingest.limits.Limits;
import io.strata.ingest.kafka.SampleBatchProducer;
import io.strata.ingest.otlp.OtlpRequests;
import io.strata.schemas.Topics;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** OTLP/HTTP metrics into a real broker: protobuf and JSON, partial success for delta temporality, bad bodies write nothing. */
@StrataTest
class OtlpIT {
  /** The fixed timestamps of this test are months old: no sample window. */
  private static final Limits HISTORIC = Limits.defaults().withoutSampleWindow();
  private static final long T0_NANOS = 1767225600000L * 1_000_000L;

  private String prefix;
  private KafkaCheck kafka;
  private SampleBatchProducer producer;
  private IngestServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start(TestCluster cluster) {
    kafka = new KafkaCheck(cluster);
    prefix = cluster.uniquePrefix();
    cluster.createTopic(prefix + Topics.SAMPLES, 2);
    cluster.createTopic(prefix + Topics.METADATA, 1);
    producer = new SampleBatchProducer(cluster.bootstrapServers(), cluster.registryUrl(), prefix, Map.of(), new PrometheusRegistry());
    server = new IngestServer(IngestConfig.defaults("127.0.0.1", 0).withLimits(HISTORIC, Map.of()).withPushgateway(false, Duration.ofSeconds(15)), producer,
        new PrometheusRegistry()).start();
  }

  @AfterEach
  void stop() {
    server.close();
    producer.close();
  }

  private HttpResponse<byte[]> post(String path, byte[] body, String contentType) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void protobufExportWithADeltaSumIsAPartialSuccess() throws Exception {
    byte[] body = new OtlpRequests("service.name", "checkout", "service.instance.id", "pod-1", "host.name", "node-7")
        .sum("http.server.requests", "{request}", true, 2, T0_NANOS, 10, 0, "http.method", "GET")
        .sum("bytes.sent", "By", true, 1, T0_NANOS, 99, 0)
        .histogram("http.server.duration", "ms", 2, T0_NANOS, new double[] {5, 10}, new long[] {1, 2, 3}, 55)
        .bytes();
    HttpResponse<byte[]> r = post("/v1/metrics", body, "application/x-protobuf");
    assertEquals(200, r.statusCode());
    assertEquals("application/x-protobuf", r.headers().firstValue("Content-Type").orElse(""));
    // ExportMetricsServiceResponse.partial_success {rejected_data_points = 1, error_message}
    CodedInputStream in = CodedInputStream.newInstance(r.body());
    assertEquals(1 << 3 | 2, in.readTag());
    CodedInputStream ps = CodedInputStream.newInstance(in.readByteArray());
    assertEquals(1 << 3, ps.readTag());
    assertEquals(1, ps.readInt64());
    assertEquals(2 << 3 | 2, ps.readTag());
    assertTrue(ps.readString().contains("delta temporality"));

    Set<String> series = new TreeSet<>();
    kafka.samples(prefix + Topics.SAMPLES, 1).forEach(p -> {
      series.add(p.labels().toString());
      assertEquals("otlp", p.source());
    });
    assertEquals(new TreeSet<>(List.of(
        "http_server_requests_total{http_method=\"GET\", instance=\"pod-1\", job=\"checkout\"}",
        "http_server_duration_milliseconds_bucket{instance=\"pod-1\", job=\"checkout\", le=\"5\"}",
        "http_server_duration_milliseconds_bucket{instance=\"pod-1\", job=\"checkout\", le=\"10\"}",
        "http_server_duration_milliseconds_bucket{instance=\"pod-1\", job=\"checkout\", le=\"+Inf\"}",
        "http_server_duration_milliseconds_sum{instance=\"pod-1\", job=\"checkout\"}",
        "http_server_duration_milliseconds_count{instance=\"pod-1\", job=\"checkout\"}",
        "target_info{host_name=\"node-7\", instance=\"pod-1\", job=\"checkout\"}")), series);
    List<String> types = kafka.metadata(prefix + Topics.METADATA, 3).stream().map(MetricMetadata::getType).sorted().toList();
    assertTrue(types.containsAll(List.of("counter", "gauge", "histogram")), types.toString());
  }

  @Test
  void jsonExportOnPrometheusPath() throws Exception {
    String json = """
        {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api"}}]},
         "scopeMetrics":[{"metrics":[{"name":"queue.depth","gauge":{"dataPoints":[{"timeUnixNano":"%d","asDouble":3}]}}]}]}]}
        """.formatted(T0_NANOS);
    HttpResponse<byte[]> r = post("/api/v1/otlp/v1/metrics", json.getBytes(StandardCharsets.UTF_8), "application/json");
    assertEquals(200, r.statusCode());
    assertEquals("{}", new String(r.body(), StandardCharsets.UTF_8));
    List<KafkaCheck.Point> points = kafka.samples(prefix + Topics.SAMPLES, 1);
    assertEquals(1, points.size());
    assertEquals("queue_depth{job=\"api\"}", points.get(0).labels().toString());
  }

  @Test
  void badBodiesGet4xxWithAStatusAndWriteNothing() throws Exception {
    HttpResponse<byte[]> bad = post("/v1/metrics", new byte[] {0x0a, 0x7f, 0x01}, "application/x-protobuf");
    assertEquals(400, bad.statusCode());
    CodedInputStream status = CodedInputStream.newInstance(bad.body()); // google.rpc.Status {code = 3, message}
    assertEquals(1 << 3, status.readTag());
    assertEquals(3, status.readInt32());
    HttpResponse<byte[]> badJson = post("/v1/metrics", "{\"resourceMetrics\":[".getBytes(StandardCharsets.UTF_8), "application/json");
    assertEquals(400, badJson.statusCode());
    assertTrue(new String(badJson.body(), StandardCharsets.UTF_8).contains("\"code\":3"));
    assertEquals(415, post("/v1/metrics", new byte[0], "text/plain").statusCode());
    assertEquals(0, kafka.records(prefix + Topics.SAMPLES, 0).size());
  }
}
