package io.strata.streams;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.schemas.kafka.PartitionCounts;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.registry.SchemaRegistry;
import io.strata.streams.config.RollupConfig;
import io.strata.streams.metrics.RollupMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the rollup topology: what {@code strata up} and {@code strata streams} start. The topics must
 * exist (samples, one rollup topic per resolution, dead-letter), with the rollup topics having as many
 * partitions as the samples topic.
 *
 * <pre>
 * var svc = new RollupService("localhost:9092", "http://localhost:8081/apis/ccompat/v7", "strata-rollup",
 *     Path.of("data/streams"), "", List.of("1m", "5m", "1h"), Duration.ofMinutes(10), registry);
 * svc.start();
 * ...
 * svc.close();
 * </pre>
 */
public final class RollupService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RollupService.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final RollupConfig cfg;
  private final SchemaRegistry schemaRegistry;
  private final RollupMetrics metrics;
  private final KafkaStreams streams;
  /** Reads the samples topic's partition count for the partition rule check. */
  private final Admin admin;
  private boolean closed;

  /**
   * @param bootstrapServers Kafka bootstrap servers
   * @param registryUrl schema registry base URL (http(s)://..., or mock://scope in tests)
   * @param applicationId Kafka Streams application.id
   * @param stateDir directory for the RocksDB state stores
   * @param topicPrefix prefix of every topic name, "" for none
   * @param resolutions Prometheus durations, finest first, each a multiple of the previous (e.g. 1m, 5m, 1h)
   * @param outOfOrderWindow the TSDB's out-of-order window ({@code tsdb.out.of.order.window}); must equal it
   * @param prometheus where the stage's metrics are registered
   * @throws IllegalArgumentException naming the setting and the bad value
   */
  public RollupService(String bootstrapServers, String registryUrl, String applicationId, Path stateDir,
      String topicPrefix, List<String> resolutions, Duration outOfOrderWindow, PrometheusRegistry prometheus) {
    this(RollupConfig.of(bootstrapServers, registryUrl, applicationId, stateDir, topicPrefix, resolutions, outOfOrderWindow),
        Map.of(), prometheus);
  }

  /** With every setting of {@link RollupConfig} (e.g. from {@link RollupConfig#fromMap}). */
  public RollupService(RollupConfig cfg, PrometheusRegistry prometheus) {
    this(cfg, Map.of(), prometheus);
  }

  /**
   * @param kafkaClient extra properties of every Kafka client of the stage (Streams' producers, consumers and admin,
   *     and the partition-count admin), e.g. a SASL login
   */
  public RollupService(RollupConfig cfg, Map<String, String> kafkaClient, PrometheusRegistry prometheus) {
    this.cfg = cfg;
    this.schemaRegistry = SchemaRegistries.forUrl(cfg.registryUrl());
    this.metrics = new RollupMetrics(prometheus);
    Map<String, Object> adminProps = new java.util.HashMap<>(kafkaClient);
    adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers());
    this.admin = Admin.create(adminProps);
    java.util.Properties streamsProps = RollupTopology.streamsConfig(cfg);
    streamsProps.putAll(kafkaClient);
    try {
      this.streams = new KafkaStreams(RollupTopology.buildTopology(cfg, schemaRegistry, PartitionCounts.cached(admin), metrics),
          streamsProps);
    } catch (RuntimeException e) {
      metrics.close();
      admin.close();
      schemaRegistry.close();
      throw e;
    }
    // A failed stream thread (registry unreachable beyond the client's retries, broker trouble) is
    // replaced: its task restarts from the last committed transaction, so nothing is lost or doubled.
    streams.setUncaughtExceptionHandler(e -> {
      LOG.error("rollup stream thread failed; replacing it (task restarts from its last commit)", e);
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    });
  }

  public RollupConfig config() {
    return cfg;
  }

  /** Starts the stream threads and returns; see {@link #state()}. */
  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException("rollup service is closed");
    }
    LOG.info("starting rollups {} from {} (application.id {}, out-of-order window {})", cfg.resolutions(),
        RollupTopology.samplesTopic(cfg), cfg.applicationId(), cfg.outOfOrderWindow());
    streams.start();
  }

  /** The Kafka Streams state: CREATED, REBALANCING, RUNNING, ... */
  public KafkaStreams.State state() {
    return streams.state();
  }

  /**
   * Stops the stream threads (committing their transactions) and leaves the consumer group, then
   * unregisters the metrics. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    // Leave the group on a clean stop, so the instances that stay take over its partitions at once
    // instead of after session.timeout.ms (and a restart in the same process does not wait for it).
    boolean stopped = streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
        .withTimeout(CLOSE_TIMEOUT));
    if (!stopped) {
      LOG.warn("rollup stream threads did not stop within {}", CLOSE_TIMEOUT);
    }
    admin.close(Duration.ofSeconds(5));
    schemaRegistry.close();
    metrics.close();
  }
}
