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
import io.strata.query.testkit.ApiClient;
import io.strata.query.testkit.TopicWriter;
import io.strata.schemas.Topics;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.serde.AvroWireSerde;
import io.strata.tsdb.simple.SimpleStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code /api/v1/metadata} fed by a real broker's compacted metrics.metadata topic, as ingest writes it. */
@StrataTest
class MetadataTopicIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ApiClient api = new ApiClient();

  @Test
  void metadataEndpointServesTheTopic(TestCluster cluster) throws Exception {
    String prefix = cluster.uniquePrefix();
    String topic = prefix + Topics.METADATA;
    TopicProvisioner.ensure(cluster.bootstrapServers(), List.of(new Topics.Spec(topic, Map.of("cleanup.policy", "compact"))), 2, (short) 1);
    AvroWireSerde<MetricMetadata> serde = new AvroWireSerde<>(SchemaRegistries.forUrl(cluster.registryUrl()), MetricMetadata.class);
    try (TopicWriter producer = new TopicWriter(cluster)) {
      producer.send(topic, "http_requests_total", serde.serialize(topic, meta("default", "http_requests_total", "counter", "Requests served.", "")));
      producer.send(topic, "node_load1", serde.serialize(topic, meta("default", "node_load1", "gauge", "1m load average.", "")));
      producer.send(topic, "process_cpu_seconds_total", serde.serialize(topic, meta("default", "process_cpu_seconds_total", "counter", "CPU time.", "seconds")));
      producer.send(topic, "team_jobs", serde.serialize(topic, meta("team-x", "team_jobs", "gauge", "Jobs.", "")));
      producer.send(topic, "broken", "not avro".getBytes(StandardCharsets.UTF_8));
      producer.send(topic, "gone_total", serde.serialize(topic, meta("default", "gone_total", "counter", "Deleted.", "")));
      producer.send(topic, "gone_total", null);
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
          api.get(base + "/api/v1/metadata", null).body());
      assertEquals(JSON.readTree("{\"node_load1\":[{\"type\":\"gauge\",\"help\":\"1m load average.\",\"unit\":\"\"}]}"),
          api.get(base + "/api/v1/metadata?metric=node_load1", null).body().get("data"));
      assertEquals(List.of("http_requests_total"), names(api.get(base + "/api/v1/metadata?limit=1&limit_per_metric=1", null).body()));
      assertEquals(List.of(), names(api.get(base + "/api/v1/metadata?metric=nonexistent", null).body()));
      assertEquals(List.of("team_jobs"), names(api.get(base + "/api/v1/metadata", "team-x").body()));
      ApiClient.Answer bad = api.get(base + "/api/v1/metadata?limit=abc", null);
      assertEquals(400, bad.status());
      assertEquals("bad_data", bad.body().get("errorType").asText());
      assertEquals("limit must be a number", bad.body().get("error").asText());

      // the record that is not wire-format Avro was skipped and counted
      String metrics = api.text(base + "/metrics");
      assertTrue(metrics.contains("strata_query_metadata_records_skipped_total{reason=\"bad_magic_byte\"} 1.0"), metrics);

      // records written later are followed
      try (TopicWriter producer = new TopicWriter(cluster)) {
        producer.send(topic, "node_load1", serde.serialize(topic, meta("default", "node_load1", "gauge", "Load, updated.", "")));
        }
      deadline = System.currentTimeMillis() + 30_000;
      String help = "";
      while (!help.equals("Load, updated.") && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
        help = api.get(base + "/api/v1/metadata?metric=node_load1", null).body().path("data").path("node_load1").path(0).path("help").asText();
      }
      assertEquals("Load, updated.", help);
    }
  }

  private static MetricMetadata meta(String tenant, String family, String type, String help, String unit) {
    return new MetricMetadata(tenant, family, type, help, unit);
  }

  private static List<String> names(JsonNode envelope) {
    List<String> out = new java.util.ArrayList<>();
    envelope.get("data").fieldNames().forEachRemaining(out::add);
    return out;
  }
}
