package io.strata.ingest.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.avro.MetricMetadata;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.embedded.junit.StrataTest;
import io.strata.embedded.junit.TestCluster;
import io.strata.ingest.limits.Limits;
import io.strata.ingest.exposition.FamilyMetadata;
import io.strata.ingest.exposition.MetricType;
import io.strata.ingest.kafka.SampleBatchProducer;
import io.strata.ingest.kafka.SeriesSamples;
import io.strata.ingest.remotewrite.RemoteWriteV1Encoder;
import io.strata.ingest.remotewrite.RemoteWriteV2Encoder;
import io.strata.schemas.Topics;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.SeriesKey;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.serde.AvroWireSerde;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** remote_write 1.0 and 2.0 into a real broker: acknowledged pushes land partition-aligned, bad pushes write nothing. */
@StrataTest
class IngestServerIT {
  /** The fixed timestamps of this test are months old: no sample window. */
  private static final Limits HISTORIC = Limits.defaults().withoutSampleWindow();
  private static final long T0 = 1767225600000L;
  private static final int PARTITIONS = 4;
  private static final String V2 = "application/x-protobuf;proto=io.prometheus.write.v2.Request";

  private String prefix;
  private TestCluster cluster;
  private KafkaCheck kafka;
  private SampleBatchProducer producer;
  private IngestServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start(TestCluster cluster) {
    this.cluster = cluster;
    this.kafka = new KafkaCheck(cluster);
    prefix = cluster.uniquePrefix();
    cluster.createTopic(prefix + Topics.SAMPLES, PARTITIONS);
    cluster.createTopic(prefix + Topics.METADATA, 1);
    producer = new SampleBatchProducer(cluster.bootstrapServers(), cluster.registryUrl(), prefix, Map.of(), new PrometheusRegistry());
    server = new IngestServer(IngestConfig.defaults("127.0.0.1", 0).withLimits(HISTORIC, Map.of()).withMaxBodyBytes(64 * 1024, 256 * 1024).withMaxSeriesPerRequest(100)
        .withPushgateway(false, java.time.Duration.ofSeconds(15)), producer, new PrometheusRegistry()).start();
  }

  @AfterEach
  void stop() {
    server.close();
    producer.close();
  }

  private HttpResponse<String> push(byte[] body, String contentType, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/v1/write"))
        .header("Content-Type", contentType).header("Content-Encoding", "snappy")
        .header("X-Prometheus-Remote-Write-Version", contentType.contains("v2") ? "2.0.0" : "0.1.0")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<SeriesSamples> nodeSeries(int n) {
    List<SeriesSamples> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new SeriesSamples(Labels.of("__name__", "node_load1", "instance", "host-" + i, "job", "node"),
          new long[] {T0, T0 + 15_000}, new double[] {i, i + 0.5}, 2));
    }
    return out;
  }

  @Test
  void acknowledgedPushLandsAsOneBatchPerPartitionOnTheSeriesPartition() throws Exception {
    HttpResponse<String> r = push(RemoteWriteV1Encoder.encode(nodeSeries(40)), "application/x-protobuf");
    assertEquals(204, r.statusCode(), r.body());

    List<ConsumerRecord<byte[], byte[]>> records = kafka.records(prefix + Topics.SAMPLES, PARTITIONS);
    var serde = new AvroWireSerde<>(SchemaRegistries.forUrl(cluster.registryUrl()), SampleBatch.class);
    String probe = cluster.createTopic(prefix + "probe", PARTITIONS);
    Map<Integer, Integer> batchesPerPartition = new HashMap<>();
    int series = 0;
    int samples = 0;
    Properties p = new Properties();
    p.put("bootstrap.servers", cluster.bootstrapServers());
    try (var keyed = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (var rec : records) {
        batchesPerPartition.merge(rec.partition(), 1, Integer::sum);
        SampleBatch b = serde.deserialize(rec.value());
        assertEquals("default", b.getTenant());
        assertEquals("remote_write", b.getSource());
        for (Series s : b.getSeries()) {
          series++;
          samples += s.getSamples().size();
          // the partition Kafka's default partitioner picks for a record keyed by the series key
          byte[] key = SeriesKey.encode(b.getTenant(), Labels.fromAvro(s.getLabels()));
          int expected = keyed.send(new ProducerRecord<>(probe, key, new byte[0])).get().partition();
          assertEquals(expected, rec.partition(), "series " + Labels.fromAvro(s.getLabels()));
        }
      }
    }
    assertEquals(40, series);
    assertEquals(80, samples);
    batchesPerPartition.values().forEach(n -> assertEquals(1, n, "one batch per partition per request"));
  }

  @Test
  void remoteWrite2WritesSamplesAndMetadataAndReportsCounts() throws Exception {
    List<SeriesSamples> series = List.of(
        new SeriesSamples(Labels.of("__name__", "http_requests_total", "code", "200", "job", "api"), new long[] {T0, T0 + 1000}, new double[] {1, 2}, 2),
        SeriesSamples.of(Labels.of("__name__", "up", "job", "api"), T0, 1));
    byte[] body = RemoteWriteV2Encoder.encode(series, List.of(new FamilyMetadata("http_requests_total", MetricType.COUNTER, "Requests served.", "")));
    HttpResponse<String> r = push(body, V2, "X-Scope-OrgID", "team-a");
    assertEquals(204, r.statusCode(), r.body());
    assertEquals("3", r.headers().firstValue("X-Prometheus-Remote-Write-Samples-Written").orElse(null));
    assertEquals("0", r.headers().firstValue("X-Prometheus-Remote-Write-Histograms-Written").orElse(null));
    assertEquals("0", r.headers().firstValue("X-Prometheus-Remote-Write-Exemplars-Written").orElse(null));
    List<KafkaCheck.Point> points = kafka.samples(prefix + Topics.SAMPLES, 1);
    assertEquals(3, points.size());
    assertTrue(points.stream().allMatch(p -> p.tenant().equals("team-a")), "tenant from X-Scope-OrgID");
    List<MetricMetadata> meta = kafka.metadata(prefix + Topics.METADATA, 1);
    assertEquals(1, meta.size());
    assertEquals("counter", meta.get(0).getType());
    assertEquals("Requests served.", meta.get(0).getHelp());
    assertEquals("team-a", meta.get(0).getTenant());
  }

  @Test
  void remoteWrite1MetadataGoesToTheMetadataTopic() throws Exception {
    byte[] body = RemoteWriteV1Encoder.encode(List.of(), List.of(new FamilyMetadata("node_load1", MetricType.GAUGE, "1m load average.", "")));
    assertEquals(204, push(body, "application/x-protobuf").statusCode());
    List<MetricMetadata> meta = kafka.metadata(prefix + Topics.METADATA, 1);
    assertEquals(List.of("node_load1"), meta.stream().map(MetricMetadata::getMetricFamilyName).toList());
    assertEquals("gauge", meta.get(0).getType());
  }

  @Test
  void unknownProtoOrEncodingIs415() throws Exception {
    byte[] body = RemoteWriteV1Encoder.encode(nodeSeries(1));
    assertEquals(415, push(body, "application/x-protobuf;proto=io.prometheus.write.v3.Request").statusCode());
    assertEquals(415, push(body, "application/json").statusCode());
    HttpResponse<String> gzip = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/v1/write"))
        .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "gzip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(415, gzip.statusCode());
  }

  @Test
  void badInputOfEveryKindGets4xxAndWritesNothing() throws Exception {
    byte[] body = RemoteWriteV1Encoder.encode(nodeSeries(5));
    HttpResponse<String> truncated = push(Arrays.copyOf(body, body.length - 7), "application/x-protobuf");
    assertEquals(400, truncated.statusCode());
    assertTrue(truncated.body().contains("snappy"), truncated.body());

    byte[] garbage = org.xerial.snappy.Snappy.compress(new byte[] {0x0a, (byte) 0xff, (byte) 0xff, 0x01, 0x02});
    assertEquals(400, push(garbage, "application/x-protobuf").statusCode(), "malformed protobuf");
    assertEquals(400, push(garbage, V2).statusCode(), "malformed protobuf (2.0)");

    // a good series first and a bad one after: the good one must not be written either
    List<SeriesSamples> mixed = new ArrayList<>(nodeSeries(3));
    mixed.add(SeriesSamples.of(Labels.of("__name__", "up", "bad-label", "x"), T0, 1));
    HttpResponse<String> invalidName = push(RemoteWriteV1Encoder.encode(mixed), "application/x-protobuf");
    assertEquals(400, invalidName.statusCode());
    assertTrue(invalidName.body().contains("bad-label"), invalidName.body());
    assertEquals(400, push(RemoteWriteV2Encoder.encode(mixed, List.of()), V2).statusCode(), "invalid label name (2.0)");

    HttpResponse<String> tooMany = push(RemoteWriteV1Encoder.encode(nodeSeries(101)), "application/x-protobuf");
    assertEquals(400, tooMany.statusCode());
    assertTrue(tooMany.body().contains("ingest.max_series_per_request"), tooMany.body());

    byte[] big = new byte[70 * 1024];
    new java.util.Random(1).nextBytes(big);
    HttpResponse<String> oversize = push(big, "application/x-protobuf");
    assertEquals(413, oversize.statusCode());
    assertTrue(oversize.body().contains("ingest.max_body_bytes"), oversize.body());

    List<SeriesSamples> fat = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      fat.add(SeriesSamples.of(Labels.of("__name__", "m", "i", Integer.toString(i), "v", "y".repeat(8000)), T0, 1));
    }
    byte[] compressible = RemoteWriteV1Encoder.encode(fat);
    assertTrue(compressible.length < 64 * 1024, "snappy shrinks repeated text");
    assertEquals(413, push(compressible, "application/x-protobuf").statusCode(), "decompressed size over ingest.max_decompressed_bytes");

    HttpResponse<String> badTenant = push(RemoteWriteV1Encoder.encode(nodeSeries(1)), "application/x-protobuf", "X-Scope-OrgID", "a/b");
    assertEquals(400, badTenant.statusCode());
    assertTrue(badTenant.body().contains("X-Scope-OrgID"), badTenant.body());

    byte[] badMeta = RemoteWriteV1Encoder.encode(nodeSeries(2), List.of(new FamilyMetadata("bad name", MetricType.GAUGE, "", "")));
    assertEquals(400, push(badMeta, "application/x-protobuf").statusCode(), "invalid metadata family name");

    assertEquals(0, kafka.records(prefix + Topics.SAMPLES, 0).size(), "nothing of a rejected request reaches Kafka");
    assertEquals(0, kafka.records(prefix + Topics.METADATA, 0).size(), "no metadata of a rejected request reaches Kafka");
  }

  @Test
  void kafkaUnavailableGets503WithRetryAfter() throws Exception {
    // the samples topic of this prefix does not exist: the producer cannot get its partitions within max.block.ms
    String missing = cluster.uniquePrefix();
    try (var p = new SampleBatchProducer(cluster.bootstrapServers(), cluster.registryUrl(), missing, Map.of("max.block.ms", "300"), new PrometheusRegistry());
         var s = new IngestServer(IngestConfig.defaults("127.0.0.1", 0).withLimits(HISTORIC, Map.of()).withPushgateway(false, java.time.Duration.ofSeconds(15)), p,
             new PrometheusRegistry()).start()) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/api/v1/write"))
          .header("Content-Type", "application/x-protobuf").POST(HttpRequest.BodyPublishers.ofByteArray(RemoteWriteV1Encoder.encode(nodeSeries(2))))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(503, r.statusCode(), r.body());
      assertNotNull(r.headers().firstValue("Retry-After").orElse(null));
    }
  }

  @Test
  void metricsEndpointCountsAcknowledgedSamples() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    try (var p2 = new SampleBatchProducer(cluster.bootstrapServers(), cluster.registryUrl(), prefix, Map.of(), registry);
         var s2 = new IngestServer(IngestConfig.defaults("127.0.0.1", 0).withLimits(HISTORIC, Map.of()).withPushgateway(false, java.time.Duration.ofSeconds(15)), p2, registry).start()) {
      http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s2.port() + "/api/v1/write"))
          .header("Content-Type", "application/x-protobuf").POST(HttpRequest.BodyPublishers.ofByteArray(RemoteWriteV1Encoder.encode(nodeSeries(3))))
          .build(), HttpResponse.BodyHandlers.ofString());
      String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s2.port() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(metrics.contains("strata_ingest_samples_total 6.0"), metrics);
      assertTrue(metrics.contains("strata_ingest_requests_total{code=\"204\",handler=\"remote_write\"} 1.0"), metrics);
    }
  }
}
