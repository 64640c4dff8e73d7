package io.strata.flink;

import static io.strata.flink.TestSeries.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.avro.AlertEvent;
import io.strata.avro.AlertState;
import io.strata.avro.Label;
import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.embedded.junit.StrataTest;
import io.strata.embedded.junit.TestCluster;
import io.strata.schemas.Topics;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.serde.AvroWireSerde;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A consumer in another language: {@code examples/node/alerts-consumer} (kafkajs and
 * {@code @kafkajs/confluent-schema-registry}, installed with {@code npm ci} from its lock file) reads the
 * alerts topic the rule job wrote, decoding with the registry alone, and prints the alert Strata fired:
 * labels, state, startsAt, key. Skipped when node/npm are missing or {@code npm ci} cannot reach the registry.
 */
@StrataTest(realRegistry = true)
class NodeAlertsConsumerIT {
  static final Path CONSUMER = Path.of("..", "examples", "node", "alerts-consumer").toAbsolutePath().normalize();

  @Test
  void aNodeConsumerPrintsTheFiringAlertDecodedWithTheRegistryAlone(TestCluster cluster, @TempDir Path dir) throws Exception {
    assumeTrue(run(List.of("node", "--version"), CONSUMER, 20).exit == 0, "node is not installed");
    Result ci = run(List.of("npm", "ci", "--no-audit", "--no-fund"), CONSUMER, 240);
    assumeTrue(ci.exit == 0, "npm ci failed (no network to the npm registry?): " + ci.output);

    String prefix = cluster.uniquePrefix();
    String samples = cluster.createTopic(prefix + Topics.SAMPLES, 1);
    cluster.createTopic(prefix + Topics.RULES, 1);
    String alerts = cluster.createTopic(prefix + Topics.ALERTS, 1);
    cluster.createTopic(prefix + Topics.DEADLETTER, 1);
    cluster.createTopic(prefix + Topics.RULES_STATUS, 1);
    Path ruleFile = Files.writeString(dir.resolve("rooms.yml"), """
        groups:
          - name: rooms
            interval: 10s
            rules:
              - alert: RoomTooHot
                expr: temperature_celsius > 30
                labels: {severity: page}
                annotations: {summary: "{{ $labels.room }} is at {{ $value }} degrees"}
        """);
    AlertRuleSettings settings = AlertRuleSettings.defaults()
        .withStartFrom(AlertRuleSettings.StartFrom.EARLIEST)
        .withMaxOutOfOrderness(Duration.ofSeconds(1))
        .withWallClockDelay(Duration.ofSeconds(2))
        .withCheckpointInterval(Duration.ofMillis(500))
        .withSpreadEvaluations(false)
        .withConsumerGroup(prefix + "rules");
    AvroWireSerde<SampleBatch> serde = new AvroWireSerde<>(SchemaRegistries.forUrl(cluster.registryUrl()), SampleBatch.class);
    AvroWireSerde<AlertEvent> alertSerde = new AvroWireSerde<>(SchemaRegistries.forUrl(cluster.registryUrl()), AlertEvent.class);
    long start = System.currentTimeMillis() / 10_000 * 10_000 - 40 * SECOND;
    AlertEvent firing;
    try (AlertRuleService service = new AlertRuleService(cluster.bootstrapServers(), cluster.registryUrl(), prefix,
        List.of(ruleFile), dir.resolve("checkpoints"), settings, new PrometheusRegistry());
        KafkaProducer<byte[], byte[]> producer = AlertRuleServiceIT.producer(cluster)) {
      service.start();
      for (long s = 0; s <= 30; s += 10) {
        Series lab = new Series(List.of(new Label("__name__", "temperature_celsius"), new Label("room", "lab")),
            List.of(new Sample(start + s * SECOND, 35.0)));
        producer.send(new ProducerRecord<>(samples, 0, null, serde.serialize(samples, new SampleBatch("default", "test", List.of(lab))))).get();
      }
      firing = alertSerde.deserialize(AlertRuleServiceIT.consume(cluster, alerts, 1,
          r -> r.value() != null && alertSerde.deserialize(r.value()).getState() == AlertState.firing).get(0).value());
    }

    Result node = run(List.of("node", "consume.js", "--bootstrap", cluster.bootstrapServers(), "--registry",
        cluster.registryUrl(), "--topic", alerts, "--idle-ms", "2000"), CONSUMER, 60);
    assertEquals(0, node.exit, node.output);
    JsonNode printed = null;
    for (String line : node.output.split("\n")) {
      if (line.startsWith("{")) {
        JsonNode j = new ObjectMapper().readTree(line);
        if ("firing".equals(j.path("state").asText())) {
          printed = j;
        }
      }
    }
    assertNotNull(printed, "the consumer printed the firing alert:\n" + node.output);
    assertEquals("default/" + firing.getFingerprint(), printed.get("key").asText());
    assertEquals("RoomTooHot", printed.get("alertname").asText());
    assertEquals(Map.of("alertname", "RoomTooHot", "room", "lab", "severity", "page"),
        new ObjectMapper().convertValue(printed.get("labels"), Map.class));
    assertEquals("lab is at 35 degrees", printed.get("annotations").get("summary").asText());
    assertEquals(firing.getStartsAtMs(), Instant.parse(printed.get("startsAt").asText()).toEpochMilli());
    assertEquals(firing.getEndsAtMs(), Instant.parse(printed.get("endsAt").asText()).toEpochMilli());
  }

  record Result(int exit, String output) {}

  static Result run(List<String> cmd, Path dir, int timeoutSeconds) throws InterruptedException {
    try {
      Process p = new ProcessBuilder(new ArrayList<>(cmd)).directory(dir.toFile()).redirectErrorStream(true).start();
      byte[][] out = new byte[1][];
      Thread reader = new Thread(() -> {
        try {
          out[0] = p.getInputStream().readAllBytes();
        } catch (IOException e) {
          out[0] = new byte[0];
        }
      });
      reader.start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        reader.join(5_000);
        return new Result(-1, String.join(" ", cmd) + " timed out after " + timeoutSeconds + " s");
      }
      reader.join(5_000);
      return new Result(p.exitValue(), out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(-1, String.join(" ", cmd) + ": " + e.getMessage());
    }
  }
}
