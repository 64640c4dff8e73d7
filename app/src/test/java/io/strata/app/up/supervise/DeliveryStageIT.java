package io.strata.app.up.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.avro.AlertEvent;
import io.strata.avro.AlertState;
import io.strata.embedded.junit.StrataTest;
import io.strata.embedded.junit.TestCluster;
import io.strata.schemas.Topics;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.serde.AvroWireSerde;
import io.strata.sinks.alertmanager.AlertDelivery;
import io.strata.sinks.alertmanager.DeliveryConfig;
import io.strata.sinks.alertmanager.DeliveryConfigParser;
import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert delivery as {@code strata up} supervises it, on a real broker: its reader of the alerts topic is
 * stopped from outside (its thread interrupted, as a stray interrupt or a bug would end it), the stage is
 * named not ready with the reason, the supervisor starts a new reader, counts the restart, and alerts written
 * afterwards reach the webhook.
 */
@StrataTest
class DeliveryStageIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void stoppedAlertsReaderIsNamedNotReadyThenRestartedAndDeliversAgain(TestCluster cluster, @TempDir Path dir) throws Exception {
    String topic = cluster.createTopic(cluster.uniquePrefix() + Topics.ALERTS, 1);
    List<String> posts = new CopyOnWriteArrayList<>();
    HttpServer webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    webhook.createContext("/hook", ex -> {
      posts.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    webhook.start();
    PrometheusRegistry metrics = new PrometheusRegistry();
    DeliveryConfig config = DeliveryConfigParser.parse(Map.of("alerting", Map.of("webhooks",
        List.of(Map.of("url", "http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook")))), dir);
    java.util.Set<Thread> before = Thread.getAllStackTraces().keySet(); // another class's delivery may run in this JVM
    AlertDelivery delivery = new AlertDelivery(cluster.bootstrapServers(), cluster.registryUrl(), topic, config, metrics, Clock.systemUTC()).start();
    // checks only when the test asks (checkNow), so the not-ready state between failure and repair is seen
    try (Supervisor supervisor = new Supervisor(metrics, metrics, null, 100, Duration.ofHours(1)).add(new DeliveryStage(delivery));
        KafkaProducer<byte[], byte[]> producer = producer(cluster)) {
      supervisor.start();
      assertEquals(List.of(), supervisor.awaitReady(Duration.ofSeconds(30)), "ready once the topic is read");

      List<Thread> readers = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().equals("delivery-alerts-reader") && !before.contains(t)).toList();
      assertEquals(1, readers.size(), "this delivery's reader thread: " + readers);
      Thread reader = readers.get(0);
      reader.interrupt();
      reader.join(10_000);
      assertTrue(!reader.isAlive(), "the reader stopped");

      supervisor.checkNow(); // sees it stopped and starts a new reader at once (the first restart has no backoff)
      assertEquals(List.of("delivery"), supervisor.notReady(), "named until a check sees it repaired");
      JsonNode stage = status(supervisor).at("/stages/0");
      assertEquals("delivery", stage.get("name").asText());
      assertTrue(stage.get("lastError").asText().startsWith("reading the alerts topic stopped"), stage.toString());
      assertEquals(1, stage.get("restarts").asInt(), stage.toString());
      assertTrue(exposition(metrics).contains("strata_stage_restarts_total{stage=\"delivery\"} 1.0"), "counted");

      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!supervisor.notReady().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(200);
        supervisor.checkNow();
      }
      assertEquals(List.of(), supervisor.notReady(), "ready again with the new reader");

      long now = System.currentTimeMillis();
      AlertEvent firing = AlertEvent.newBuilder().setFingerprint("f1").setTenant("default").setRuleGroup("g").setAlertName("AfterRestart")
          .setState(AlertState.firing).setLabels(Map.of("alertname", "AfterRestart")).setAnnotations(Map.of()).setValue(1)
          .setActiveAtMs(now - 60_000).setFiredAtMs(now - 1_000).setResolvedAtMs(null).setEvaluatedAtMs(now)
          .setGeneratorUrl("http://strata:9090/graph").build();
      AvroWireSerde<AlertEvent> serde = new AvroWireSerde<>(SchemaRegistries.forUrl(cluster.registryUrl()), AlertEvent.class);
      producer.send(new ProducerRecord<>(topic, "default/f1".getBytes(StandardCharsets.UTF_8), serde.serialize(topic, firing))).get();
      deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (posts.stream().noneMatch(p -> p.contains("AfterRestart")) && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertTrue(posts.stream().anyMatch(p -> p.contains("AfterRestart")), "the alert written after the restart reached the webhook: " + posts);
    } finally {
      delivery.close();
      webhook.stop(0);
    }
  }

  private static KafkaProducer<byte[], byte[]> producer(TestCluster cluster) {
    Properties p = new Properties();
    p.put("bootstrap.servers", cluster.bootstrapServers());
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static JsonNode status(Supervisor s) throws Exception {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
      s.write(g);
    }
    return JSON.readTree(w.toString());
  }

  private static String exposition(PrometheusRegistry metrics) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, metrics.scrape());
    return out.toString(StandardCharsets.UTF_8);
  }
}
