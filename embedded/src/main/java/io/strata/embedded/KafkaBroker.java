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
 * A real single-node Kafka broker in KRaft combined mode (broker and controller in one), running in this
 * JVM. Logs and metadata live under one directory and survive restarts; the cluster id is kept beside
 * them. Internal topics use replication factor 1, so transactions and exactly-once work on one node.
 */
public final class KafkaBroker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaBroker.class);
  private static final int NODE_ID = 1;

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
    try {
      Files.createDirectories(dir);
      Path logs = dir.resolve("logs");
      Path meta = dir.resolve("metadata");
      String clusterId = clusterId(dir);

      Properties p = new Properties();
      p.put("process.roles", "broker,controller");
      p.put("node.id", Integer.toString(NODE_ID));
      p.put("controller.quorum.voters", NODE_ID + "@" + host + ":" + controllerPort);
      p.put("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
      p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
      p.put("controller.listener.names", "CONTROLLER");
      p.put("inter.broker.listener.name", "PLAINTEXT");
      p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
      p.put("log.dirs", logs.toString());
      p.put("metadata.log.dir", meta.toString());
      p.put("num.partitions", "4");
      p.put("default.replication.factor", "1");
      p.put("offsets.topic.replication.factor", "1");
      p.put("offsets.topic.num.partitions", "4");
      p.put("transaction.state.log.replication.factor", "1");
      p.put("transaction.state.log.min.isr", "1");
      p.put("transaction.state.log.num.partitions", "4");
      p.put("share.coordinator.state.topic.replication.factor", "1");
      p.put("share.coordinator.state.topic.min.isr", "1");
      p.put("min.insync.replicas", "1");
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
          .setNodeId(NODE_ID)
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
      String bootstrap = host + ":" + port;
      log.info("Kafka broker (KRaft) listening on {}, data in {}", bootstrap, dir);
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

  private static String clusterId(Path dir) throws IOException {
    Path f = dir.resolve("cluster.id");
    if (Files.exists(f)) {
      return Files.readString(f, StandardCharsets.UTF_8).trim();
    }
    String id = Uuid.randomUuid().toString();
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
