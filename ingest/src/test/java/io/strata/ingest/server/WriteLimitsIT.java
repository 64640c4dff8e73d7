package io.strata.ingest.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.embedded.Ports;
import io.strata.embedded.junit.StrataTest;
import io.strata.embedded.junit.TestCluster;
import io.strata.ingest.kafka.SampleBatchProducer;
import io.strata.ingest.kafka.SeriesSamples;
import io.strata.ingest.limits.Limits;
import io.strata.ingest.otlp.OtlpRequests;
import io.strata.ingest.remotewrite.RemoteWriteV1Encoder;
import io.strata.ingest.remotewrite.RemoteWriteV2Encoder;
import io.strata.schemas.Topics;
import io.strata.schemas.model.Labels;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Large valid writes are accepted whole (records split to fit Kafka's default message size), a refused
 * write stores nothing, and the per-tenant limits and the sample window answer 400/413/429 as documented.
 * Timestamps are relative to the wall clock: the accepted window is.
 */
@StrataTest
class WriteLimitsIT {
  private static final String PROMETHEUS = "/usr/bin/prometheus";
  private static final int PARTITIONS = 4;

  private String prefix;
  private String topic;
  private KafkaCheck kafka;
  private SampleBatchProducer producer;
  private PrometheusRegistry metrics;
  private IngestServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start(TestCluster cluster) {
    kafka = new KafkaCheck(cluster);
    prefix = cluster.uniquePrefix();
    topic = cluster.createTopic(prefix + Topics.SAMPLES, PARTITIONS);
    cluster.createTopic(prefix + Topics.METADATA, 1);
    metrics = new PrometheusRegistry();
    producer = new SampleBatchProducer(cluster.bootstrapServers(), cluster.registryUrl(), prefix, Map.of(), metrics);
    IngestConfig cfg = IngestConfig.defaults("127.0.0.1", 0).withPushgateway(true, Duration.ofHours(1))
        .withLimits(Limits.defaults(), Map.of("small", Limits.defaults().withIngestionRate(100, 1000)));
    server = new IngestServer(cfg, producer, metrics).start();
  }

  @AfterEach
  void stop() {
    server.close();
    producer.close();
  }

  private HttpResponse<String> send(String method, String path, byte[] body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> remoteWrite(List<SeriesSamples> series, String... headers) throws Exception {
    List<String> h = new ArrayList<>(List.of("Content-Type", "application/x-protobuf", "Content-Encoding", "snappy"));
    h.addAll(List.of(headers));
    return send("POST", "/api/v1/write", RemoteWriteV1Encoder.encode(series), h.toArray(String[]::new));
  }

  /** node_exporter-like series of ~165 bytes of labels each, one sample at {@code t}. */
  private static List<SeriesSamples> nodeSeries(int n, long t) {
    List<SeriesSamples> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(SeriesSamples.of(Labels.of("__name__", "node_network_receive_bytes_total", "device", "eth" + (i % 8),
          "instance", "host-" + i + ".rack-" + (i % 40) + ".example.org:9100", "job", "node", "cluster", "eu-west-1-prod",
          "region", "eu-west-1", "team", "observability"), t, i));
    }
    return out;
  }

  private List<KafkaCheck.Point> stored(int atLeastRecords) {
    return kafka.samples(topic, atLeastRecords);
  }

  private void assertNothingStored() {
    assertEquals(0, kafka.records(topic, 0).size(), "a refused request stores nothing");
  }

  @Test
  void aRemoteWriteOf40000SeriesIsAcceptedWhole() throws Exception {
    long now = System.currentTimeMillis();
    List<SeriesSamples> series = nodeSeries(40_000, now);
    HttpResponse<String> r = remoteWrite(series);
    assertEquals(204, r.statusCode(), r.body());
    var records = kafka.records(topic, PARTITIONS + 1);
    assertTrue(records.size() > PARTITIONS, "~6.6 MB of series split over more than one record per partition: " + records.size());
    records.forEach(rec -> assertTrue(rec.serializedValueSize() <= 1_000_000, "record of " + rec.serializedValueSize() + " bytes"));
    List<KafkaCheck.Point> points = stored(records.size());
    assertEquals(40_000, points.size());
    Set<Labels> distinct = new HashSet<>();
    points.forEach(p -> distinct.add(p.labels()));
    assertEquals(40_000, distinct.size());
  }

  @Test
  void aRemoteWrite2OfEqualSizeIsAcceptedWholeToo() throws Exception {
    long now = System.currentTimeMillis();
    byte[] body = RemoteWriteV2Encoder.encode(nodeSeries(40_000, now), List.of());
    HttpResponse<String> r = send("POST", "/api/v1/write", body, "Content-Type", "application/x-protobuf;proto=io.prometheus.write.v2.Request",
        "Content-Encoding", "snappy", "X-Prometheus-Remote-Write-Version", "2.0.0");
    assertEquals(204, r.statusCode(), r.body());
    assertEquals("40000", r.headers().firstValue("X-Prometheus-Remote-Write-Samples-Written").orElse(null));
    var records = kafka.records(topic, PARTITIONS + 1);
    assertTrue(records.size() > PARTITIONS, "split over more than one record per partition: " + records.size());
    assertEquals(40_000, stored(records.size()).size());
  }

  @Test
  void aRequestWithOneInvalidSeriesInTheMiddleStoresNothing() throws Exception {
    long now = System.currentTimeMillis();
    List<SeriesSamples> series = nodeSeries(30_500, now);
    series.set(15_000, SeriesSamples.of(Labels.of("__name__", "up", "job", "node", "note", "x".repeat(3000)), now, 1));
    HttpResponse<String> r = remoteWrite(series);
    assertEquals(400, r.statusCode(), r.body());
    assertTrue(r.body().startsWith("received a series whose label value length exceeds the limit"), r.body());
    assertNothingStored();
  }

  @Test
  void anOversizeSingleSeriesIs413AndStoresNothing() throws Exception {
    long now = System.currentTimeMillis();
    int n = 120_000; // ~14 bytes per sample in a record: 1.7 MB, past the 1 MB record limit
    long[] ts = new long[n];
    double[] vs = new double[n];
    for (int i = 0; i < n; i++) {
      ts[i] = now - n + i;
      vs[i] = i;
    }
    List<SeriesSamples> series = new ArrayList<>(nodeSeries(100, now));
    series.add(new SeriesSamples(Labels.of("__name__", "big_series", "job", "x"), ts, vs, n));
    HttpResponse<String> r = remoteWrite(series);
    assertEquals(413, r.statusCode(), r.body());
    assertTrue(r.body().contains("big_series") && r.body().contains("more than the largest Kafka record"), r.body());
    assertNothingStored();
  }

  @Test
  void labelLimitsAnswer400AndAreCounted() throws Exception {
    long now = System.currentTimeMillis();
    String[] many = new String[62];
    many[0] = "__name__";
    many[1] = "many_labels";
    for (int i = 1; i < 31; i++) {
      many[2 * i] = "l" + i;
      many[2 * i + 1] = "v";
    }
    HttpResponse<String> r = remoteWrite(List.of(SeriesSamples.of(Labels.of(many), now, 1)));
    assertEquals(400, r.statusCode(), r.body());
    assertTrue(r.body().startsWith("received a series whose number of labels exceeds the limit (actual: 31, limit: 30)"), r.body());

    r = remoteWrite(List.of(SeriesSamples.of(Labels.of("__name__", "up", "n".repeat(1025), "v"), now, 1)));
    assertEquals(400, r.statusCode(), r.body());
    assertTrue(r.body().startsWith("received a series whose label name length exceeds the limit"), r.body());

    r = remoteWrite(List.of(SeriesSamples.of(Labels.of("__name__", "up", "big", "v".repeat(1 << 20)), now, 1)));
    assertEquals(400, r.statusCode(), r.body());
    assertTrue(r.body().startsWith("received a series whose label value length exceeds the limit"), r.body());
    assertTrue(r.body().length() < 1000, "the value is quoted shortly");
    assertNothingStored();

    String exposition = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(exposition.contains("strata_ingest_discarded_samples_total{reason=\"label_value_too_long\",tenant=\"default\"} 1.0"), exposition);
    assertTrue(exposition.contains("strata_ingest_discarded_samples_total{reason=\"max_label_names_per_series\",tenant=\"default\"} 1.0"), exposition);
  }

  /**
   * The same out-of-window samples to Debian's Prometheus 2.42 (remote-write receiver, its head at now) and
   * to ingest: both answer 400 "out of bounds" and store nothing of the request. Prometheus's side is
   * skipped when it is not installed; ingest's is always checked.
   */
  @Test
  void samplesOutsideTheWindowAre400OutOfBoundsLikePrometheus(@TempDir Path dir) throws Exception {
    long now = System.currentTimeMillis();
    Labels fresh = Labels.of("__name__", "up", "job", "node");
    Labels late = Labels.of("__name__", "up", "job", "late");
    long[] outside = {0, 1000, -1000, now - Duration.ofDays(30).toMillis(), now - Duration.ofHours(2).toMillis()};
    boolean prom = ExternalProcess.installed(PROMETHEUS);
    int promPort = Ports.free();
    ExternalProcess p = null;
    try {
      if (prom) {
        Files.writeString(dir.resolve("prometheus.yml"), "global:\n  scrape_interval: 1m\n");
        p = ExternalProcess.start(List.of(PROMETHEUS, "--config.file=" + dir.resolve("prometheus.yml"), "--storage.tsdb.path=" + dir.resolve("data"),
            "--web.listen-address=127.0.0.1:" + promPort, "--web.enable-remote-write-receiver"), dir);
        p.awaitReady("http://127.0.0.1:" + promPort + "/-/ready", Duration.ofSeconds(30));
        // its head starts at the first sample it appends: now
        assertEquals(204, post(promPort, RemoteWriteV1Encoder.encode(List.of(SeriesSamples.of(fresh, now, 1)))).statusCode());
      }
      for (int i = 0; i < outside.length; i++) {
        long t = outside[i];
        // a valid sample first (at a new timestamp: the same one with another value is Prometheus's "duplicate sample for timestamp")
        byte[] body = RemoteWriteV1Encoder.encode(List.of(SeriesSamples.of(fresh, now + 1 + i, 2), SeriesSamples.of(late, t, 1)));
        HttpResponse<String> ours = send("POST", "/api/v1/write", body, "Content-Type", "application/x-protobuf", "Content-Encoding", "snappy");
        assertEquals(400, ours.statusCode(), t + ": " + ours.body());
        assertTrue(ours.body().startsWith("out of bounds: received a sample whose timestamp is too far in the past, timestamp: " + t), ours.body());
        if (prom) {
          HttpResponse<String> theirs = post(promPort, body);
          assertEquals(400, theirs.statusCode(), "Prometheus, " + t + ": " + theirs.body());
          assertTrue(theirs.body().startsWith("out of bounds"), theirs.body());
        }
      }
      // not sent to Prometheus 2.42: it answers 204 to int64 max, and its head's newest time is then int64 max,
      // so it refuses every later sample as out of bounds (ingest refuses the future like Mimir, README "Limits")
      HttpResponse<String> future = remoteWrite(List.of(SeriesSamples.of(late, Long.MAX_VALUE, 1)));
      assertEquals(400, future.statusCode(), future.body());
      assertTrue(future.body().startsWith("out of bounds: received a sample whose timestamp is too far in the future"), future.body());
      assertNothingStored();
      if (prom) {
        // nothing of the refused requests was appended either: only the first sample of "fresh" is there
        String q = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + promPort + "/api/v1/query?query=count_over_time(up%5B3h%5D)&time="
            + (now / 1000 + 1))).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(q.contains("\"value\":[") && q.contains("\"1\"]"), q);
        assertTrue(!q.contains("late"), q);
      }
    } finally {
      if (p != null) {
        p.close();
      }
    }
    HttpResponse<String> ok = remoteWrite(List.of(SeriesSamples.of(fresh, now - 60_000, 1)));
    assertEquals(204, ok.statusCode(), ok.body());
  }

  private HttpResponse<String> post(int port, byte[] body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/write")).header("Content-Type", "application/x-protobuf")
        .header("Content-Encoding", "snappy").header("X-Prometheus-Remote-Write-Version", "0.1.0").POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theTenantsIngestionRateAnswers429WithRetryAfter() throws Exception {
    long now = System.currentTimeMillis();
    assertEquals(204, remoteWrite(nodeSeries(800, now), "X-Scope-OrgID", "small").statusCode());
    HttpResponse<String> r = remoteWrite(nodeSeries(800, now + 1), "X-Scope-OrgID", "small");
    assertEquals(429, r.statusCode(), r.body());
    long retryAfter = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(retryAfter >= 5 && retryAfter <= 6, "600 samples missing at 100/s: " + retryAfter);
    assertTrue(r.body().startsWith("the request has been rejected because the tenant exceeded the ingestion rate limit, set to 100 samples/s"), r.body());
    assertEquals(204, remoteWrite(nodeSeries(800, now), "X-Scope-OrgID", "other").statusCode(), "another tenant has the defaults");
    assertEquals(1600, stored(2).size());
  }

  @Test
  void aPushgatewayGroupOf8000SeriesIsAcceptedWhole() throws Exception {
    StringBuilder body = new StringBuilder("# TYPE batch_job_records gauge\n");
    for (int i = 0; i < 8000; i++) {
      body.append("batch_job_records{shard=\"").append(i).append("\",path=\"/var/lib/batch/input/partition-").append(i)
          .append("/part-00000.parquet\",stage=\"transform-and-load\",owner=\"data-platform\"} ").append(i).append('\n');
    }
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    assertTrue(bytes.length > 1_100_000, "a group larger than Kafka's default message size: " + bytes.length);
    HttpResponse<String> r = send("PUT", "/metrics/job/batch", bytes, "Content-Type", "text/plain; version=0.0.4");
    assertEquals(200, r.statusCode(), r.body());
    // the push wrote its samples before it was answered: plus push_time_seconds and push_failure_time_seconds
    assertEquals(8002, stored(PARTITIONS).size());
    assertEquals(8002, server.pushgateway().emitNow(), "and the interval's emission writes them again");
  }

  @Test
  void anOtlpMetricNameOf4MegabytesIs400() throws Exception {
    long nanos = System.currentTimeMillis() * 1_000_000L;
    byte[] body = new OtlpRequests("service.name", "svc").gauge("m".repeat(4_000_000), "", nanos, 1).bytes();
    HttpResponse<String> r = send("POST", "/v1/metrics", body, "Content-Type", "application/x-protobuf");
    assertEquals(400, r.statusCode(), r.body());
    assertTrue(r.body().contains("received a series whose label value length exceeds the limit"), r.body());
    assertNothingStored();
  }
}
