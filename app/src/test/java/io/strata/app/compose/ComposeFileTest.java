package io.strata.app.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.strata.app.cluster.ClusterTopology;
import io.strata.app.cluster.ClusterTopology.Instance;
import io.strata.app.cluster.ClusterTopology.Role;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** compose/docker-compose.yml is the loopback cluster's topology: generated from it, and read back it matches it. */
class ComposeFileTest {
  static final Path CHECKED_IN = Path.of("..", "compose", "docker-compose.yml");
  static final ClusterTopology TOPOLOGY = ClusterTopology.standard();

  @Test
  void checkedInFileIsTheOneGeneratedFromTheTopology() throws IOException {
    String generated = ComposeFile.render(TOPOLOGY);
    if (!generated.equals(Files.readString(CHECKED_IN, StandardCharsets.UTF_8))) {
      Path out = Path.of("target", "docker-compose.yml");
      Files.writeString(out, generated, StandardCharsets.UTF_8);
      assertEquals(generated, Files.readString(CHECKED_IN, StandardCharsets.UTF_8),
          "compose/docker-compose.yml differs from ClusterTopology: regenerate it with "
              + "`./strata cluster compose > compose/docker-compose.yml` (the generated file is in app/" + out + ")");
    }
  }

  @Test
  void renderingIsTheSameEveryTime() {
    assertEquals(ComposeFile.render(TOPOLOGY), ComposeFile.render(ClusterTopology.standard()));
  }

  /** Read back as compose reads it: every instance a service, with the topology's command, ports and volumes. */
  @Test
  void fileParsesAndItsServicesAreTheTopologysInstances() throws IOException {
    JsonNode file = new YAMLMapper().readTree(CHECKED_IN.toFile());
    JsonNode services = file.get("services");
    Set<String> names = new LinkedHashSet<>();
    services.fieldNames().forEachRemaining(names::add);
    Set<String> expected = new LinkedHashSet<>();
    TOPOLOGY.instances().forEach(i -> expected.add(i.name()));
    expected.add(ComposeFile.TOPICS);
    assertEquals(expected, names);
    assertEquals(18, names.size(), "3 brokers, registry, 2 ingest, 2 streams, JobManager, 2 TaskManagers, submit, "
        + "2 Connect workers, 2 query nodes, delivery, topics");

    for (Instance i : TOPOLOGY.instances()) {
      JsonNode s = services.get(i.name());
      if (i.role() == Role.KAFKA) {
        assertTrue(s.get("image").asText().startsWith("apache/kafka:"), i.name());
        JsonNode env = s.get("environment");
        assertEquals(Integer.toString(i.n()), env.get("KAFKA_NODE_ID").asText());
        assertEquals("1@kafka-1:9095,2@kafka-2:9195,3@kafka-3:9295", env.get("KAFKA_CONTROLLER_QUORUM_VOTERS").asText());
        assertEquals("PLAINTEXT://kafka-" + i.n() + ":" + i.port("client"), env.get("KAFKA_ADVERTISED_LISTENERS").asText());
        assertEquals("3", env.get("KAFKA_DEFAULT_REPLICATION_FACTOR").asText());
        assertEquals("2", env.get("KAFKA_MIN_INSYNC_REPLICAS").asText());
        continue;
      }
      assertEquals("${STRATA_IMAGE:-strata:latest}", s.get("image").asText(), i.name());
      List<String> command = strings(s.get("command"));
      if (i.role() == Role.JOBMANAGER || i.role() == Role.TASKMANAGER) {
        // Flink announces the address it binds: the service name, which the other containers resolve
        assertEquals(i.name(), command.get(command.indexOf("--host") + 1), i.name() + " binds and announces its service name");
      }
      assertEquals(TOPOLOGY.args(i, ComposeFile.ADDRESSING), command, i.name());
      List<Integer> published = new ArrayList<>();
      if (s.has("ports")) {
        s.get("ports").forEach(p -> {
          assertEquals(p.get("target").asInt(), p.get("published").asInt(), i.name() + " publishes as loopback");
          published.add(p.get("published").asInt());
        });
      }
      assertEquals(List.copyOf(i.ports().values()), published, i.name());
      assertEquals("-Xmx" + i.heap(), s.get("environment").get("JDK_JAVA_OPTIONS").asText());
      assertTrue(strings(s.get("volumes")).contains(i.name() + ":/data/" + i.name()), i.name() + " keeps its directory in a volume");
      assertTrue(file.get("volumes").has(i.name()), i.name());
      for (String d : i.dependsOn()) {
        assertTrue(s.get("depends_on").has(d), i.name() + " waits for " + d);
      }
      assertEquals(i.oneShot() ? "on-failure" : "unless-stopped", s.get("restart").asText(), i.name());
    }
    // as on loopback: the first query node on the query port, the first ingest on the ingest port
    assertEquals(9090, services.get("query-1").get("ports").get(0).get("published").asInt());
    assertEquals(9091, services.get("ingest-1").get("ports").get(0).get("published").asInt());
    List<String> query1 = strings(services.get("query-1").get("command"));
    assertEquals(List.of("--store", "http://connect-1:9098", "--store", "http://connect-2:9198"),
        query1.subList(query1.indexOf("--store"), query1.indexOf("--store") + 4));
    assertTrue(strings(services.get("taskmanager-2").get("volumes")).contains("jobmanager-1:/data/jobmanager-1"),
        "TaskManagers see the JobManager's checkpoints");
    assertTrue(Files.isRegularFile(CHECKED_IN.resolveSibling("alerting.yml")), "delivery-1 mounts compose/alerting.yml");
    services.forEach(s -> {
      if (s.has("depends_on")) {
        s.get("depends_on").fieldNames().forEachRemaining(d -> assertTrue(services.has(d), "depends on a service: " + d));
      }
    });
  }

  static List<String> strings(JsonNode array) {
    List<String> l = new ArrayList<>();
    array.forEach(n -> l.add(n.asText()));
    return l;
  }
}
