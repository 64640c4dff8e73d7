package io.strata.app.compose;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.strata.app.cluster.ClusterTopology;
import io.strata.app.cluster.ClusterTopology.Addressing;
import io.strata.app.cluster.ClusterTopology.Instance;
import io.strata.app.cluster.ClusterTopology.Role;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * {@code compose/docker-compose.yml}: the {@link ClusterTopology} that {@code strata cluster up} runs on loopback, as
 * Docker Compose services. Every instance is a service named {@code <role>-<n>} that the others reach by that name;
 * it binds 0.0.0.0, keeps its data in a volume of the same name mounted at {@code /data/<role>-<n>} (the loopback
 * layout with {@code /data} as the cluster directory), publishes its ports as the loopback cluster has them, and
 * runs the same {@code strata} arguments. Brokers run the official {@code apache/kafka} image of the Kafka version
 * Strata is built with, configured through its {@code KAFKA_*} variables to what {@code strata kafka} sets; the
 * rest run the Strata image ({@code mvn -Pimage}, app/pom.xml). One added one-shot service, {@code topics}, creates
 * the topics between the brokers and the stages, as {@code cluster up} does between its first two waves.
 */
public final class ComposeFile {
  /** The Strata image, overridable when compose runs ({@code STRATA_IMAGE=registry/strata:tag}). */
  public static final String STRATA_IMAGE = "${STRATA_IMAGE:-strata:latest}";
  /** The directory that holds every instance's directory inside the containers. */
  public static final String DATA_ROOT = "/data";
  /** Where the apache/kafka image keeps its log (a volume in that image, owned by its user). */
  static final String KAFKA_DATA = "/var/lib/kafka/data";
  static final String TOPICS = "topics";

  /** Compose's addressing: service names, 0.0.0.0, {@code /data/<role>-<n>}. */
  public static final Addressing ADDRESSING = new Addressing() {
    @Override
    public String host(Instance i) {
      return i.name();
    }

    @Override
    public String bindHost(Instance i) {
      return "0.0.0.0";
    }

    @Override
    public String dataDir(Instance i) {
      return DATA_ROOT + "/" + i.name();
    }
  };

  private ComposeFile() {
  }

  /** The compose file of {@code topology}, as YAML text. */
  public static String render(ClusterTopology topology) {
    Map<String, Object> services = new LinkedHashMap<>();
    Map<String, Object> volumes = new LinkedHashMap<>();
    for (Instance i : topology.instances()) {
      if (i.role() == Role.KAFKA) {
        services.put(i.name(), kafka(topology, i));
        volumes.put(i.name(), Map.of());
      } else {
        services.put(i.name(), strata(topology, i, volumes));
      }
      if (i.role() == Role.KAFKA && i.equals(last(topology.of(Role.KAFKA)))) {
        services.put(TOPICS, topics(topology));
      }
    }
    Map<String, Object> file = new LinkedHashMap<>();
    file.put("name", "strata");
    file.put("services", services);
    file.put("volumes", volumes);
    YAMLMapper yaml = YAMLMapper.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
        .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
        .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR).build();
    try {
      return HEADER + yaml.writeValueAsString(file);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("BUG: a map of strings, lists and maps did not serialise", e);
    }
  }

  static final String HEADER = """
      # Strata's distributed topology for Docker Compose: the loopback cluster of `strata cluster up`, one service per
      # instance. Generated from app/cluster/ClusterTopology by `strata cluster compose`; do not edit (ComposeFileTest
      # fails when this file and the topology differ). Run it: compose/README.md.
      """;

  private static Map<String, Object> kafka(ClusterTopology t, Instance i) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("image", "apache/kafka:" + AppInfoParser.getVersion());
    s.put("hostname", i.name());
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CLUSTER_ID", clusterId(t));
    env.put("KAFKA_NODE_ID", Integer.toString(i.n()));
    env.put("KAFKA_PROCESS_ROLES", "broker,controller");
    env.put("KAFKA_LISTENERS", "PLAINTEXT://0.0.0.0:" + i.port("client") + ",CONTROLLER://0.0.0.0:" + i.port("controller"));
    env.put("KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://" + ADDRESSING.host(i) + ":" + i.port("client"));
    env.put("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    env.put("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER");
    env.put("KAFKA_INTER_BROKER_LISTENER_NAME", "PLAINTEXT");
    env.put("KAFKA_CONTROLLER_QUORUM_VOTERS", t.voters(ADDRESSING));
    String rf = Integer.toString(ClusterTopology.REPLICATION_FACTOR);
    String minIsr = Integer.toString(ClusterTopology.MIN_INSYNC_REPLICAS);
    env.put("KAFKA_DEFAULT_REPLICATION_FACTOR", rf);
    env.put("KAFKA_MIN_INSYNC_REPLICAS", minIsr);
    env.put("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", rf);
    env.put("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", rf);
    env.put("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", minIsr);
    env.put("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
    env.put("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
    env.put("KAFKA_LOG_DIRS", KAFKA_DATA);
    env.put("KAFKA_HEAP_OPTS", "-Xmx" + i.heap() + " -Xms" + i.heap());
    s.put("environment", env);
    s.put("volumes", List.of(i.name() + ":" + KAFKA_DATA));
    // the image's own client tool: healthy once this broker answers on its client port
    s.put("healthcheck", healthcheck(List.of("CMD", "/opt/kafka/bin/kafka-broker-api-versions.sh", "--bootstrap-server",
        "localhost:" + i.port("client"))));
    s.put("restart", "unless-stopped");
    return s;
  }

  private static Map<String, Object> topics(ClusterTopology t) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("image", STRATA_IMAGE);
    s.put("command", t.topicsArgs(ADDRESSING));
    Map<String, Object> deps = new LinkedHashMap<>();
    for (Instance k : t.of(Role.KAFKA)) {
      deps.put(k.name(), Map.of("condition", "service_healthy"));
    }
    s.put("depends_on", deps);
    s.put("restart", "on-failure");
    return s;
  }

  private static Map<String, Object> strata(ClusterTopology t, Instance i, Map<String, Object> volumes) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("image", STRATA_IMAGE);
    s.put("hostname", i.name());
    s.put("command", t.args(i, ADDRESSING));
    s.put("environment", Map.of("JDK_JAVA_OPTIONS", "-Xmx" + i.heap()));
    List<String> mounts = new ArrayList<>();
    mounts.add(i.name() + ":" + ADDRESSING.dataDir(i));
    volumes.put(i.name(), Map.of());
    if (i.role() == Role.TASKMANAGER) {
      // the JobManager's directory holds the checkpoints and savepoints the TaskManagers write and restore
      // (on loopback: the same disk)
      for (Instance jm : t.of(Role.JOBMANAGER)) {
        mounts.add(jm.name() + ":" + ADDRESSING.dataDir(jm));
      }
    }
    if (i.role() == Role.DELIVERY) {
      mounts.add("./" + ClusterTopology.DELIVERY_CONFIG + ":" + ADDRESSING.dataDir(i) + "/" + ClusterTopology.DELIVERY_CONFIG + ":ro");
    }
    s.put("volumes", mounts);
    if (!i.ports().isEmpty()) {
      List<Object> ports = new ArrayList<>();
      for (int p : i.ports().values()) {
        ports.add(map("target", p, "published", Integer.toString(p)));
      }
      s.put("ports", ports);
    }
    Map<String, Object> deps = new LinkedHashMap<>();
    if (i.wave() > 1) {
      deps.put(TOPICS, Map.of("condition", "service_completed_successfully"));
    }
    for (String d : i.dependsOn()) {
      Instance dep = t.instance(d);
      deps.put(d, Map.of("condition", dep.role() == Role.KAFKA ? "service_healthy" : "service_started"));
    }
    if (!deps.isEmpty()) {
      s.put("depends_on", deps);
    }
    // a one-shot instance retries until it succeeded; a stage comes back after a crash, as `cluster up` leaves
    // restarts to its supervisor (an instance that waits for one not yet serving exits and is started again)
    s.put("restart", i.oneShot() ? "on-failure" : "unless-stopped");
    return s;
  }

  private static Map<String, Object> healthcheck(List<String> test) {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("test", test);
    h.put("interval", "5s");
    h.put("timeout", "10s");
    h.put("retries", 30);
    return h;
  }

  /** The KRaft cluster id every broker formats with: fixed per voters list, so the file is reproducible. */
  static String clusterId(ClusterTopology t) {
    UUID u = UUID.nameUUIDFromBytes(("strata-compose " + t.voters(ADDRESSING)).getBytes(StandardCharsets.UTF_8));
    return new Uuid(u.getMostSignificantBits(), u.getLeastSignificantBits()).toString();
  }

  /** An ordered map (Map.of's order changes from one JVM to the next, the file must not). */
  private static Map<String, Object> map(Object... keyThenValue) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int k = 0; k < keyThenValue.length; k += 2) {
      m.put((String) keyThenValue[k], keyThenValue[k + 1]);
    }
    return m;
  }

  private static Instance last(List<Instance> l) {
    return l.get(l.size() - 1);
  }
}
