package io.strata.app.kafka;

import io.strata.embedded.KafkaBroker;
import io.strata.embedded.Ports;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code strata kafka}: one Kafka node in KRaft combined mode (broker and controller), alone or one voter of a
 * quorum ({@code --voters}), the same broker {@code strata up} runs in-process ({@link KafkaBroker}).
 */
@Command(name = "kafka", mixinStandardHelpOptions = true,
    description = "Run one Kafka node in KRaft combined mode (broker + controller): alone, or one voter of a quorum (--voters). "
        + "Start every voter of a new quorum at about the same time: each waits for a majority. Ctrl-C stops it.")
public final class KafkaCommand implements Callable<Integer> {
  @Option(names = "--node-id", description = "node.id, one of the ids in --voters (default: ${DEFAULT-VALUE})", defaultValue = "1")
  int nodeId;

  @Option(names = "--host", description = "address the ports bind (default: ${DEFAULT-VALUE})", defaultValue = "127.0.0.1")
  String host;

  @Option(names = "--advertised-host", description = "address clients and the other nodes reach it at (default: --host; 127.0.0.1 for 0.0.0.0)")
  String advertisedHost;

  @Option(names = "--port", description = "client (PLAINTEXT) port (default: ${DEFAULT-VALUE})", defaultValue = "9092")
  int port;

  @Option(names = "--controller-port", description = "KRaft controller port (default: ${DEFAULT-VALUE})", defaultValue = "9095")
  int controllerPort;

  @Option(names = "--voters", paramLabel = "ID@HOST:PORT,...",
      description = "controller.quorum.voters, every voter's id and controller address (default: this node alone)")
  String voters;

  @Option(names = "--replication-factor", description = "default replication factor, of the internal topics too "
      + "(default: 3 with 3 or more voters, else 1)")
  Integer replicationFactor;

  @Option(names = "--min-insync-replicas", description = "default min.insync.replicas, of the transaction log too "
      + "(default: replication factor - 1, at least 1)")
  Integer minInsyncReplicas;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "holds logs/, metadata/ and cluster.id (default: ${DEFAULT-VALUE})",
      defaultValue = "data/kafka")
  Path dataDir;

  @Option(names = "--log-dir", paramLabel = "DIR", description = "where strata.log goes (default: the temp dir's strata-logs/)")
  Path logDir;

  @Override
  public Integer call() throws Exception {
    if (logDir != null) { // before the first logger is made
      io.strata.app.LogDir.use(logDir);
    }
    KafkaBroker.Node node;
    try {
      node = node();
      Ports.requireFree("Kafka", host, port);
      Ports.requireFree("Kafka controller", host, controllerPort);
    } catch (IllegalArgumentException | Ports.PortInUseException e) {
      System.err.println("strata kafka: " + e.getMessage());
      return 2;
    }
    System.out.println("strata kafka: starting node " + node.nodeId() + " of quorum " + node.voters() + ", data in "
        + dataDir.toAbsolutePath().normalize() + " ...");
    System.out.flush();
    long t0 = System.nanoTime();
    KafkaBroker broker;
    try {
      broker = KafkaBroker.start(dataDir.toAbsolutePath().normalize(), node, Map.of());
    } catch (RuntimeException e) {
      System.err.println("strata kafka: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("strata kafka: stopping ...");
      broker.close();
      System.out.println("strata kafka: stopped");
      stopped.countDown();
    }, "strata-kafka-shutdown"));
    System.out.println("strata kafka is up (" + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms): node " + node.nodeId()
        + ", replication factor " + node.replicationFactor() + ", min.insync.replicas " + node.minInsyncReplicas());
    System.out.println("  bootstrap          " + broker.bootstrapServers());
    System.out.println("  controller         " + node.advertisedHost() + ":" + controllerPort);
    System.out.println("ready");
    System.out.flush();
    stopped.await();
    return 0;
  }

  KafkaBroker.Node node() {
    String advertised = advertisedHost != null ? advertisedHost : host.equals("0.0.0.0") ? "127.0.0.1" : host;
    String quorum = voters != null ? voters : nodeId + "@" + advertised + ":" + controllerPort;
    int count = 0;
    boolean self = false;
    for (String v : quorum.split(",")) {
      String[] idAddress = v.trim().split("@", 2);
      if (idAddress.length != 2 || !idAddress[1].matches(".+:\\d+")) {
        throw new IllegalArgumentException("--voters: \"" + v + "\" is not ID@HOST:PORT");
      }
      try {
        self |= Integer.parseInt(idAddress[0]) == nodeId;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--voters: \"" + idAddress[0] + "\" is not a node id");
      }
      count++;
    }
    if (!self) {
      throw new IllegalArgumentException("--voters " + quorum + " does not list --node-id " + nodeId);
    }
    int rf = replicationFactor != null ? replicationFactor : count >= 3 ? 3 : 1;
    if (rf < 1 || rf > count) {
      throw new IllegalArgumentException("--replication-factor must be 1.." + count + " (the number of voters), got " + rf);
    }
    int minIsr = minInsyncReplicas != null ? minInsyncReplicas : Math.max(1, rf - 1);
    if (minIsr < 1 || minIsr > rf) {
      throw new IllegalArgumentException("--min-insync-replicas must be 1.." + rf + " (the replication factor), got " + minIsr);
    }
    return new KafkaBroker.Node(nodeId, host, advertised, port, controllerPort, quorum.replace(" ", ""), rf, minIsr);
  }
}
