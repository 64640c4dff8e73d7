package io.strata.ingest.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.embedded.junit.StrataTest;
import io.strata.embedded.junit.TestCluster;
import io.strata.ingest.kafka.SampleBatchProducer;
import io.strata.ingest.kafka.SeriesSamples;
import io.strata.ingest.remotewrite.RemoteWriteV1Encoder;
import io.strata.schemas.Topics;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.SeriesKey;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.serde.AvroWireSerde;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** remote_write into a real broker: acknowledged pushes land partition-aligned, bad pushes write nothing. */
@StrataTest
class IngestServerIT {
  private static final long T0 = 1767225600000L;
  private static final int PARTITIONS = 4;

  private String prefix;
  private TestCluster cluster;
  private SampleBatchProducer producer;
  private IngestServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start(TestCluster cluster) {
    this.cluster = cluster;
    prefix = cluster.uniquePrefix();
    cluster.createTopic(prefix + Topics.SAMPLES, PARTITIONS);
    producer = new SampleBatchProducer(cluster.bootstrapServers(), cluster.registryUrl(), prefix, Map.of(), new PrometheusRegistry());
    server = new IngestServer(IngestConfig.defaults("127.0.0.1", 0), producer, new PrometheusRegistry()).start();
  }

  @AfterEach
  void stop() {
    server.close();
    producer.close();
  }

  private HttpResponse<String> push(byte[] body, String contentType) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/v1/write"))
        .header("Content-Type", contentType).header("Content-Encoding", "snappy")
        .header("X-Prometheus-Remote-Write-Version", "0.1.0")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<SeriesSamples> nodeSeries(int n) {
    List<SeriesSamples> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new SeriesSamples(Labels.of("__name__", "node_load1", "instance", "host-" + i, "job", "node"),
          new long[] {T0, T0 + 15_000}, new double[] {i, i + 0.5}, 2));
    }
    return out;
  }

  private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int atLeast) {
    Properties c = new Properties();
    c.put("bootstrap.servers", cluster.bootstrapServers());
    c.put("group.id", "check-" + topic + System.nanoTime());
    c.put("auto.offset.reset", "earliest");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.currentTimeMillis() + 10_000;
      while (System.currentTimeMillis() < deadline && out.size() < atLeast) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      // one more short poll: anything beyond what was expected must show up too
      consumer.poll(Duration.ofMillis(500)).forEach(out::add);
    }
    return out;
  }

  @Test
  void acknowledgedPushLandsAsOneBatchPerPartitionOnTheSeriesPartition() throws Exception {
    HttpResponse<String> r = push(RemoteWriteV1Encoder.encode(nodeSeries(40)), "application/x-protobuf");
    assertEquals(204, r.statusCode(), r.body());

    List<ConsumerRecord<byte[], byte[]>> records = readAll(prefix + Topics.SAMPLES, PARTITIONS);
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
  void truncatedSnappyBodyGets400AndWritesNothing() throws Exception {
    byte[] body = RemoteWriteV1Encoder.encode(nodeSeries(5));
    HttpResponse<String> bad = push(java.util.Arrays.copyOf(body, body.length - 7), "application/x-protobuf");
    assertEquals(400, bad.statusCode());
    assertTrue(bad.body().contains("snappy"), bad.body());
    HttpResponse<String> invalidName = push(RemoteWriteV1Encoder.encode(List.of(new SeriesSamples(
        Labels.of("__name__", "up", "bad-label", "x"), new long[] {T0}, new double[] {1}, 1))), "application/x-protobuf");
    assertEquals(400, invalidName.statusCode());
    assertTrue(invalidName.body().contains("bad-label"), invalidName.body());
    assertEquals(0, readAll(prefix + Topics.SAMPLES, 0).size(), "nothing of a rejected request reaches Kafka");
  }

  @Test
  void remoteWrite2IsRefusedWith415() throws Exception {
    HttpResponse<String> r = push(RemoteWriteV1Encoder.encode(nodeSeries(1)), "application/x-protobuf;proto=io.prometheus.write.v2.Request");
    assertEquals(415, r.statusCode());
  }

  @Test
  void metricsEndpointCountsAcknowledgedSamples() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    try (var p2 = new SampleBatchProducer(cluster.bootstrapServers(), cluster.registryUrl(), prefix, Map.of(), registry);
         var s2 = new IngestServer(IngestConfig.defaults("127.0.0.1", 0), p2, registry).start()) {
      http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s2.port() + "/api/v1/write"))
          .header("Content-Type", "application/x-protobuf").POST(HttpRequest.BodyPublishers.ofByteArray(RemoteWriteV1Encoder.encode(nodeSeries(3))))
          .build(), HttpResponse.BodyHandlers.ofString());
      String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s2.port() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(metrics.contains("strata_ingest_samples_total 6.0"), metrics);
    }
  }
}
