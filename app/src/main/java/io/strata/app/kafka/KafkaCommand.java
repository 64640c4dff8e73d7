package io.strata.app.kafka;

import io.strata.app.Stage;
import io.strata.app.StageFlags;
import io.strata.app.StageRun;
import io.strata.app.StageSettings;
import io.strata.app.up.Settings;
import io.strata.embedded.KafkaBroker;
import io.strata.embedded.Ports;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code strata kafka}: one Kafka node in KRaft combined mode (broker and controller), alone or one voter of a
 * quorum ({@code --voters}), the same broker {@code strata up} runs in-process ({@link KafkaBroker}). {@code --port} is
 * its client port; it has no HTTP port (its health is the Kafka protocol's: a metadata request answers).
 */
@Command(name = "kafka", mixinStandardHelpOptions = true,
    description = "Run one Kafka node in KRaft combined mode (broker + controller): alone, or one voter of a quorum (--voters). "
        + "Start every voter of a new quorum at about the same time: each waits for a majority. Ctrl-C stops it. strata.yml keys "
        + "read: host, data_dir (the node keeps DIR/kafka), ports.kafka, ports.kafka_controller.")
public final class KafkaCommand implements Callable<Integer> {
  static final Stage STAGE = new Stage("kafka", "Kafka", "ports.kafka", 9092, true, "kafka");
  static final int DEFAULT_CONTROLLER_PORT = 9095;

  @Mixin
  StageFlags.Config config;

  @Mixin
  StageFlags.Process process;

  @Mixin
  StageFlags.Log log;

  @Option(names = "--node-id", description = "node.id, one of the ids in --voters (default: ${DEFAULT-VALUE})", defaultValue = "1")
  int nodeId;

  @Option(names = "--advertised-host", description = "address clients and the other nodes reach it at (default: --host; 127.0.0.1 for 0.0.0.0)")
  String advertisedHost;

  @Option(names = "--controller-port", description = "KRaft controller port (default: ports.kafka_controller, else " + DEFAULT_CONTROLLER_PORT + ")")
  Integer controllerPort;

  @Option(names = "--voters", paramLabel = "ID@HOST:PORT,...",
      description = "controller.quorum.voters, every voter's id and controller address (default: this node alone)")
  String voters;

  @Option(names = "--replication-factor", description = "default replication factor, of the internal topics too "
      + "(default: 3 with 3 or more voters, else 1)")
  Integer replicationFactor;

  @Option(names = "--min-insync-replicas", description = "default min.insync.replicas, of the transaction log too "
      + "(default: replication factor - 1, at least 1)")
  Integer minInsyncReplicas;

  @Override
  public Integer call() throws Exception {
    StageRun run = new StageRun(STAGE.name());
    StageSettings s;
    KafkaBroker.Node node;
    try {
      s = StageFlags.resolve(STAGE, config.load(), config.dir(), log, process, null, null, null);
      node = node(s);
      if (s.port() == 0 || node.controllerPort() == 0) {
        throw Settings.invalid(s.port() == 0 ? s.portSource() : "--controller-port", "must be a fixed port (the other nodes and clients are told it)");
      }
      if (s.port() == node.controllerPort()) {
        throw Settings.invalid("--controller-port", "must differ from the client port " + s.port());
      }
      s.requirePortFree();
      try {
        Ports.requireFree("Kafka controller", s.host(), node.controllerPort());
      } catch (Ports.PortInUseException e) {
        throw Settings.invalid("--controller-port", e.getMessage());
      }
    } catch (IllegalArgumentException e) {
      return run.refuse(e);
    }
    run.say("starting node " + node.nodeId() + " of quorum " + node.voters() + ", data in " + s.dataDir() + " ...");
    System.out.flush();
    KafkaBroker broker;
    try {
      broker = run.started(KafkaBroker.start(s.dataDir(), node, Map.of()));
    } catch (RuntimeException e) {
      return run.fail(1, e.getMessage());
    }
    return run.serve("node " + node.nodeId() + ", replication factor " + node.replicationFactor() + ", min.insync.replicas "
        + node.minInsyncReplicas(), null, out -> {
          out.println(StageRun.line("bootstrap", broker.bootstrapServers()));
          out.println(StageRun.line("controller", node.advertisedHost() + ":" + node.controllerPort()));
        });
  }

  /** The node's settings: the shared ones resolved in {@code s}, the role's own from its flags. */
  KafkaBroker.Node node(StageSettings s) {
    String host = s.host();
    int controller = Settings.port(controllerPort != null ? "--controller-port" : "ports.kafka_controller",
        controllerPort != null ? controllerPort : java.util.Objects.requireNonNullElse(StageFlags.filePort(s.file(), "ports.kafka_controller"),
            DEFAULT_CONTROLLER_PORT), 0);
    String advertised = advertisedHost != null ? advertisedHost : host.equals("0.0.0.0") ? "127.0.0.1" : host;
    String quorum = voters != null ? voters : nodeId + "@" + advertised + ":" + controller;
    int count = 0;
    boolean self = false;
    for (String v : quorum.split(",")) {
      String[] idAddress = v.trim().split("@", 2);
      if (idAddress.length != 2 || !idAddress[1].matches(".+:\\d+")) {
        throw Settings.invalid("--voters", "\"" + v + "\" is not ID@HOST:PORT");
      }
      try {
        self |= Integer.parseInt(idAddress[0]) == nodeId;
      } catch (NumberFormatException e) {
        throw Settings.invalid("--voters", "\"" + idAddress[0] + "\" is not a node id");
      }
      count++;
    }
    if (!self) {
      throw Settings.invalid("--voters", quorum + " does not list --node-id " + nodeId);
    }
    int rf = replicationFactor != null ? replicationFactor : count >= 3 ? 3 : 1;
    if (rf < 1 || rf > count) {
      throw Settings.invalid("--replication-factor", "must be 1.." + count + " (the number of voters), got " + rf);
    }
    int minIsr = minInsyncReplicas != null ? minInsyncReplicas : Math.max(1, rf - 1);
    if (minIsr < 1 || minIsr > rf) {
      throw Settings.invalid("--min-insync-replicas", "must be 1.." + rf + " (the replication factor), got " + minIsr);
    }
    return new KafkaBroker.Node(nodeId, host, advertised, s.port(), controller, quorum.replace(" ", ""), rf, minIsr);
  }
}
