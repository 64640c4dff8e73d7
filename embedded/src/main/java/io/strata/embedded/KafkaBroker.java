package io.strata.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka node in KRaft combined mode (broker and controller in one), running in this JVM: a single-node
 * cluster ({@link #start(Path, String, int, int, Map)}, internal topics with replication factor 1, so transactions
 * and exactly-once work on one node), or one voter of a multi-node quorum ({@link #start(Path, Node, Map)}). Logs
 * and metadata live under one directory and survive restarts; the cluster id is kept beside them.
 */
public final class KafkaBroker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaBroker.class);

  /**
   * One node of a KRaft quorum.
   *
   * @param nodeId its {@code node.id}, one of the voters' ids
   * @param host the address it binds
   * @param advertisedHost the address clients and the other nodes use to reach it
   * @param port the client (PLAINTEXT) port
   * @param controllerPort the KRaft controller port
   * @param voters {@code controller.quorum.voters}: {@code id@host:controllerPort,...}
   * @param replicationFactor the default replication factor, of the internal topics too
   * @param minInsyncReplicas the default {@code min.insync.replicas}, of the transaction log too
   */
  public record Node(int nodeId, String host, String advertisedHost, int port, int controllerPort, String voters, int replicationFactor,
      int minInsyncReplicas) {
    /** The single-node cluster {@code strata up} runs: node 1, its own only voter, replication factor 1. */
    public static Node single(String host, int port, int controllerPort) {
      return new Node(1, host, host, port, controllerPort, "1@" + host + ":" + controllerPort, 1, 1);
    }

    /** True when the quorum has more than this node. */
    boolean clustered() {
      return voters.split(",").length > 1;
    }
  }

  private final KafkaRaftServer server;
  private final String bootstrap;

  private KafkaBroker(KafkaRaftServer server, String bootstrap) {
    this.server = server;
    this.bootstrap = bootstrap;
  }

  /**
   * Formats the directory when new, then starts the broker.
   *
   * @param overrides extra broker properties (e.g. log.retention.check.interval.ms)
   */
  public static KafkaBroker start(Path dir, String host, int port, int controllerPort, Map<String, String> overrides) {
    return start(dir, Node.single(host, port, controllerPort), overrides);
  }

  /**
   * Formats the directory when new, then starts the node; with several voters it returns once the quorum has
   * elected a leader and this broker is unfenced (the other voters must be starting too). Every voter of a new
   * cluster formats with the same cluster id, derived from the voters list; once formatted, the stored id is used.
   */
  public static KafkaBroker start(Path dir, Node node, Map<String, String> overrides) {
    String host = node.host();
    int port = node.port();
    int controllerPort = node.controllerPort();
    String rf = Integer.toString(node.replicationFactor());
    String minIsr = Integer.toString(node.minInsyncReplicas());
    try {
      Files.createDirectories(dir);
      Path logs = dir.resolve("logs");
      Path meta = dir.resolve("metadata");
      String clusterId = clusterId(dir, node);

      Properties p = new Properties();
      p.put("process.roles", "broker,controller");
      p.put("node.id", Integer.toString(node.nodeId()));
      p.put("controller.quorum.voters", node.voters());
      p.put("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
      p.put("advertised.listeners", "PLAINTEXT://" + node.advertisedHost() + ":" + port);
      p.put("controller.listener.names", "CONTROLLER");
      p.put("inter.broker.listener.name", "PLAINTEXT");
      p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
      p.put("log.dirs", logs.toString());
      p.put("metadata.log.dir", meta.toString());
      p.put("num.partitions", "4");
      p.put("default.replication.factor", rf);
      p.put("offsets.topic.replication.factor", rf);
      p.put("offsets.topic.num.partitions", "4");
      p.put("transaction.state.log.replication.factor", rf);
      p.put("transaction.state.log.min.isr", minIsr);
      p.put("transaction.state.log.num.partitions", "4");
      p.put("share.coordinator.state.topic.replication.factor", rf);
      p.put("share.coordinator.state.topic.min.isr", minIsr);
      p.put("min.insync.replicas", minIsr);
      p.put("group.initial.rebalance.delay.ms", "0");
      // the controller appends a no-op record to the metadata log when idle (liveness of the quorum, KIP-835):
      // every 5 s instead of every 0.5 s, each one being a log append the broker's metadata loader then applies
      p.put("metadata.max.idle.interval.ms", "5000");
      p.put("auto.create.topics.enable", "false");
      p.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
      // sized for one node on a small machine next to the other stages (defaults: 3 network, 8 I/O and
      // 10 background threads, and a 128 MB heap buffer the log cleaner allocates up front for compaction)
      p.put("num.network.threads", "2");
      p.put("num.io.threads", "2");
      p.put("background.threads", "2");
      p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 << 20));
      p.putAll(overrides);

      new Formatter()
          .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
          .setNodeId(node.nodeId())
          .setClusterId(clusterId)
          .setDirectories(List.of(logs.toString(), meta.toString()))
          .setMetadataLogDirectory(meta.toString())
          .setControllerListenerName("CONTROLLER")
          .setReleaseVersion(MetadataVersion.latestProduction())
          .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
          .setIgnoreFormatted(true)
          .run();

      KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
      try {
        server.startup();
      } catch (RuntimeException e) {
        server.shutdown(); // otherwise non-daemon threads keep the JVM alive
        throw e;
      }
      String bootstrap = node.advertisedHost() + ":" + port;
      log.info("Kafka broker (KRaft node {}) listening on {}, data in {}", node.nodeId(), bootstrap, dir);
      return new KafkaBroker(server, bootstrap);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare Kafka directory " + dir, e);
    } catch (Exception e) {
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("cannot format Kafka storage in " + dir + ": " + e.getMessage(), e);
    }
  }

  private static String clusterId(Path dir, Node node) throws IOException {
    Path f = dir.resolve("cluster.id");
    if (Files.exists(f)) {
      return Files.readString(f, StandardCharsets.UTF_8).trim();
    }
    // the voters of one quorum agree on the id without talking: it is a function of the voters list
    java.util.UUID shared = java.util.UUID.nameUUIDFromBytes(("strata-kraft:" + node.voters()).getBytes(StandardCharsets.UTF_8));
    String id = node.clustered() ? new Uuid(shared.getMostSignificantBits(), shared.getLeastSignificantBits()).toString() : Uuid.randomUuid().toString();
    Files.writeString(f, id, StandardCharsets.UTF_8);
    return id;
  }

  public String bootstrapServers() {
    return bootstrap;
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }
}
