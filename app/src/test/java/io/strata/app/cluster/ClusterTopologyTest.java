package io.strata.app.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.app.cluster.ClusterTopology.Instance;
import io.strata.app.cluster.ClusterTopology.Role;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterTopologyTest {
  final ClusterTopology t = ClusterTopology.standard();
  final ClusterTopology.Addressing lo = ClusterTopology.loopback("/d");

  @Test
  void readmeExamplesKeepTheirPortsOnTheFirstQueryAndIngest() {
    assertEquals(9090, t.instance("query-1").port("query"));
    assertEquals(9091, t.instance("ingest-1").port("ingest"));
  }

  @Test
  void everyPortIsUsedOnce() {
    Set<Integer> seen = new HashSet<>();
    for (Instance i : t.instances()) {
      for (int p : i.ports().values()) {
        assertTrue(seen.add(p), i.name() + " reuses port " + p);
      }
    }
  }

  @Test
  void theIssuesRolesAndCounts() {
    assertEquals(3, t.of(Role.KAFKA).size());
    assertEquals(1, t.of(Role.REGISTRY).size());
    assertEquals(2, t.of(Role.INGEST).size());
    assertEquals(2, t.of(Role.STREAMS).size());
    assertEquals(1, t.of(Role.JOBMANAGER).size());
    assertEquals(2, t.of(Role.TASKMANAGER).size());
    assertEquals(2, t.of(Role.CONNECT).size());
    assertEquals(2, t.of(Role.QUERY).size());
    assertEquals(1, t.of(Role.DELIVERY).size());
  }

  @Test
  void everyInstanceStartsAfterWhatItDependsOn() {
    for (Instance i : t.instances()) {
      for (String d : i.dependsOn()) {
        assertTrue(t.instance(d).wave() < i.wave(), i.name() + " starts in wave " + i.wave() + ", before " + d);
      }
    }
    assertEquals(List.of("kafka-1", "kafka-2", "kafka-3", "registry-1"), t.waves().get(0).stream().map(Instance::name).toList());
  }

  @Test
  void commandLinesFollowTheContracts() {
    assertEquals(List.of("kafka", "--node-id", "2", "--host", "127.0.0.1", "--advertised-host", "127.0.0.1", "--port", "9192",
        "--controller-port", "9195", "--voters", "1@127.0.0.1:9095,2@127.0.0.1:9195,3@127.0.0.1:9295", "--replication-factor", "3",
        "--min-insync-replicas", "2", "--data-dir", "/d/kafka-2", "--log-dir", "/d/kafka-2"), t.args(t.instance("kafka-2"), lo));
    assertEquals(List.of("query", "--bootstrap", "127.0.0.1:9092,127.0.0.1:9192,127.0.0.1:9292", "--registry-url",
        "http://127.0.0.1:8081/apis/ccompat/v7", "--host", "127.0.0.1", "--port", "9190", "--partial-response", "--store", "http://127.0.0.1:9098",
        "--store", "http://127.0.0.1:9198", "--log-dir", "/d/query-2"), t.args(t.instance("query-2"), lo));
    List<String> connect = t.args(t.instance("connect-2"), lo);
    assertTrue(connect.containsAll(List.of("--distributed", "--group-id", "strata-tsdb-sink", "--connect-port", "8183", "--port", "9198",
        "--data-dir", "/d/connect-2")), connect.toString());
    assertTrue(t.args(t.instance("ingest-2"), lo).contains("--no-pushgateway"));
    assertTrue(!t.args(t.instance("ingest-1"), lo).contains("--no-pushgateway"));
    assertEquals(List.of("flink", "taskmanager", "--jobmanager", "127.0.0.1:6123", "--jobmanager-rest", "http://127.0.0.1:8088", "--slots", "2", "--host", "127.0.0.1", "--port", "9089",
        "--data-dir", "/d/taskmanager-1", "--log-dir", "/d/taskmanager-1"), t.args(t.instance("taskmanager-1"), lo));
    assertEquals(List.of("flink", "jobmanager", "--host", "127.0.0.1", "--rpc-port", "6123", "--rest-port", "8088", "--port", "9099",
        "--data-dir", "/d/jobmanager-1", "--log-dir", "/d/jobmanager-1"), t.args(t.instance("jobmanager-1"), lo));
    assertEquals(9189, t.instance("taskmanager-2").port("http"), "every Flink process has its own /metrics and health port");
    assertEquals("http://127.0.0.1:9099/metrics", t.urls(t.instance("jobmanager-1"), lo).get("metrics"));
    assertEquals("http://127.0.0.1:9189/metrics", t.urls(t.instance("taskmanager-2"), lo).get("metrics"));
  }

  @Test
  void aConfigGoesToEveryRoleThatReadsStrataYmlAfterTheTopologysFlags() {
    ClusterTopology c = ClusterTopology.standard("p.").withConfig("/etc/strata.yml");
    for (Instance i : c.instances()) {
      List<String> args = c.args(i, lo);
      int at = args.indexOf("--config");
      if (ClusterTopology.CONFIG_ROLES.contains(i.role())) {
        assertEquals("/etc/strata.yml", args.get(at + 1), i.name() + ": " + args);
        assertEquals(List.of("--config", "/etc/strata.yml"), args.subList(at, at + 2));
        assertEquals(java.util.Optional.empty(), ClusterCommand.unsupported(args), i.name() + ": " + args);
      } else if (i.role() == Role.DELIVERY) {
        assertEquals("/d/delivery-1/alerting.yml", args.get(at + 1), "delivery's --config is its prometheus.yml-shaped file: " + args);
      } else {
        assertEquals(-1, at, i.name() + " takes no strata.yml: " + args);
      }
    }
    assertTrue(c.args(c.instance("query-1"), lo).containsAll(List.of("--topic-prefix", "p.")), "query reads p.alerts, p.rules");
    assertEquals(t.args(t.instance("query-1"), lo), t.withConfig(null).args(t.instance("query-1"), lo));
  }

  @Test
  void upStoresItsConfigForTheNextUpOnTheSameDir(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
    java.nio.file.Path yml = tmp.resolve("strata.yml");
    java.nio.file.Files.writeString(yml, "kafka:\n  topic_prefix: team1.\n");
    java.nio.file.Path dir = tmp.resolve("cluster");
    ClusterTopology first = ClusterCommand.topology(dir, 100, yml);
    ClusterTopology again = ClusterCommand.topology(dir, null, null);
    assertEquals(yml.toAbsolutePath().toString(), again.config());
    assertEquals("team1.", again.topicPrefix());
    assertEquals(first.args(first.instance("ingest-1"), lo), again.args(again.instance("ingest-1"), lo));
    assertEquals(9191, ClusterCommand.topology(dir, null).instance("ingest-1").port("ingest"));
    java.nio.file.Files.writeString(yml, "kafka:\n  topic_prefx: team1.\n");
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> ClusterCommand.topology(dir, null, null));
    assertTrue(e.getMessage().contains("topic_prefx"), e.getMessage());
  }

  @Test
  void aRestartedJobManagersRuleJobRestoresTheNewestCompleteCheckpoint(@org.junit.jupiter.api.io.TempDir java.nio.file.Path jm)
      throws Exception {
    assertEquals(java.util.Optional.empty(), ClusterCommand.newestCheckpoint(jm));
    java.nio.file.Path old = java.nio.file.Files.createDirectories(jm.resolve("checkpoints/aaa/chk-7"));
    java.nio.file.Files.writeString(old.resolve("_metadata"), "x");
    java.nio.file.Files.setLastModifiedTime(old.resolve("_metadata"), java.nio.file.attribute.FileTime.fromMillis(1_000_000));
    java.nio.file.Path newer = java.nio.file.Files.createDirectories(jm.resolve("checkpoints/bbb/chk-3"));
    java.nio.file.Files.writeString(newer.resolve("_metadata"), "x");
    java.nio.file.Files.createDirectories(jm.resolve("checkpoints/bbb/chk-4")); // in progress: no _metadata yet
    java.nio.file.Files.createDirectories(jm.resolve("checkpoints/bbb/shared"));
    assertEquals(java.util.Optional.of(newer), ClusterCommand.newestCheckpoint(jm));
  }

  @Test
  void aPortOffsetMovesEveryPortAndNothingElse() {
    ClusterTopology moved = ClusterTopology.standard("", 20000);
    for (Instance i : t.instances()) {
      Instance m = moved.instance(i.name());
      i.ports().forEach((name, port) -> assertEquals(port + 20000, m.port(name), i.name() + " " + name));
    }
    assertEquals("127.0.0.1:29092,127.0.0.1:29192,127.0.0.1:29292", moved.bootstrap(lo));
  }

  @Test
  void upSkipsACommandLineThisBuildCannotParse() {
    assertTrue(ClusterCommand.unsupported(t.args(t.instance("kafka-1"), lo)).isEmpty());
    assertTrue(ClusterCommand.unsupported(List.of("no-such-role", "--x")).isPresent());
    assertTrue(ClusterCommand.unsupported(List.of("kafka", "--no-such-flag")).isPresent());
  }

  @Test
  void everyInstancesCommandLineIsOneThisBuildRuns() {
    for (Instance i : t.instances()) {
      assertEquals(java.util.Optional.empty(), ClusterCommand.unsupported(t.args(i, lo)), i.name() + ": " + t.args(i, lo));
    }
  }
}
