package io.strata.query.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.avro.MetricMetadata;
import io.strata.embedded.TopicProvisioner;
import io.strata.embedded.junit.StrataTest;
import io.strata.embedded.junit.TestCluster;
import io.strata.query.api.QueryConfig;
import io.strata.query.api.QueryServer;
import io.strata.schemas.Topics;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.serde.AvroWireSerde;
import io.strata.tsdb.simple.SimpleStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** {@code /api/v1/metadata} fed by a real broker's compacted metrics.metadata topic, as ingest writes it. */
@StrataTest
class MetadataTopicIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void metadataEndpointServesTheTopic(TestCluster cluster) throws Exception {
    String prefix = cluster.uniquePrefix();
    String topic = prefix + Topics.METADATA;
    TopicProvisioner.ensure(cluster.bootstrapServers(), List.of(new Topics.Spec(topic, Map.of("cleanup.policy", "compact"))), 2, (short) 1);
    AvroWireSerde<MetricMetadata> serde = new AvroWireSerde<>(SchemaRegistries.forUrl(cluster.registryUrl()), MetricMetadata.class);
    try (KafkaProducer<byte[], byte[]> producer = producer(cluster)) {
      send(producer, topic, "http_requests_total", serde.serialize(topic, meta("default", "http_requests_total", "counter", "Requests served.", "")));
      send(producer, topic, "node_load1", serde.serialize(topic, meta("default", "node_load1", "gauge", "1m load average.", "")));
      send(producer, topic, "process_cpu_seconds_total", serde.serialize(topic, meta("default", "process_cpu_seconds_total", "counter", "CPU time.", "seconds")));
      send(producer, topic, "team_jobs", serde.serialize(topic, meta("team-x", "team_jobs", "gauge", "Jobs.", "")));
      send(producer, topic, "broken", "not avro".getBytes(StandardCharsets.UTF_8));
      send(producer, topic, "gone_total", serde.serialize(topic, meta("default", "gone_total", "counter", "Deleted.", "")));
      send(producer, topic, "gone_total", null);
      producer.flush();
    }

    PrometheusRegistry registry = new PrometheusRegistry();
    try (SimpleStore store = new SimpleStore(Files.createTempDirectory("strata-metadata-it"));
        QueryServer server = new QueryServer(QueryConfig.defaults("127.0.0.1", 0), store, registry, () -> true,
            cluster.bootstrapServers(), cluster.registryUrl(), prefix).start()) {
      long deadline = System.currentTimeMillis() + 30_000;
      while (!server.metadataCaughtUp() && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
      }
      assertTrue(server.metadataCaughtUp(), "the reader reached the end of " + topic + " within 30 s");
      String base = "http://127.0.0.1:" + server.port();

      assertEquals(JSON.readTree("""
          {"status":"success","data":{
            "http_requests_total":[{"type":"counter","help":"Requests served.","unit":""}],
            "node_load1":[{"type":"gauge","help":"1m load average.","unit":""}],
            "process_cpu_seconds_total":[{"type":"counter","help":"CPU time.","unit":"seconds"}]}}"""),
          get(base + "/api/v1/metadata", null).body);
      assertEquals(JSON.readTree("{\"node_load1\":[{\"type\":\"gauge\",\"help\":\"1m load average.\",\"unit\":\"\"}]}"),
          get(base + "/api/v1/metadata?metric=node_load1", null).body.get("data"));
      assertEquals(List.of("http_requests_total"), names(get(base + "/api/v1/metadata?limit=1&limit_per_metric=1", null).body));
      assertEquals(List.of(), names(get(base + "/api/v1/metadata?metric=nonexistent", null).body));
      assertEquals(List.of("team_jobs"), names(get(base + "/api/v1/metadata", "team-x").body));
      Answer bad = get(base + "/api/v1/metadata?limit=abc", null);
      assertEquals(400, bad.status);
      assertEquals("bad_data", bad.body.get("errorType").asText());
      assertEquals("limit must be a number", bad.body.get("error").asText());

      // the record that is not wire-format Avro was skipped and counted
      String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(metrics.contains("strata_query_metadata_records_skipped_total{reason=\"bad_magic_byte\"} 1.0"), metrics);

      // records written later are followed
      try (KafkaProducer<byte[], byte[]> producer = producer(cluster)) {
        send(producer, topic, "node_load1", serde.serialize(topic, meta("default", "node_load1", "gauge", "Load, updated.", "")));
        producer.flush();
      }
      deadline = System.currentTimeMillis() + 30_000;
      String help = "";
      while (!help.equals("Load, updated.") && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
        help = get(base + "/api/v1/metadata?metric=node_load1", null).body.path("data").path("node_load1").path(0).path("help").asText();
      }
      assertEquals("Load, updated.", help);
    }
  }

  private static MetricMetadata meta(String tenant, String family, String type, String help, String unit) {
    return new MetricMetadata(tenant, family, type, help, unit);
  }

  private static KafkaProducer<byte[], byte[]> producer(TestCluster cluster) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  private static void send(KafkaProducer<byte[], byte[]> p, String topic, String key, byte[] value) throws Exception {
    p.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get();
  }

  private record Answer(int status, JsonNode body) {}

  private Answer get(String url, String tenant) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (tenant != null) {
      b.header("X-Scope-OrgID", tenant);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), JSON.readTree(r.body()));
  }

  private static List<String> names(JsonNode envelope) {
    List<String> out = new java.util.ArrayList<>();
    envelope.get("data").fieldNames().forEachRemaining(out::add);
    return out;
  }
}
