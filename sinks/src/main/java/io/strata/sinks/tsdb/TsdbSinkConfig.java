package io.strata.sinks.tsdb;

import io.strata.tsdb.TsdbConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** The TSDB sink's configuration: one key constant and one ConfigDef entry per key, parsed eagerly. */
public final class TsdbSinkConfig extends AbstractConfig {
  public static final String DATA_DIR = "tsdb.data.dir";
  public static final String REGISTRY_URL = "schema.registry.url";
  public static final String KAFKA_BOOTSTRAP = "kafka.bootstrap.servers";
  public static final String DEADLETTER_TOPIC = "deadletter.topic";
  /** Keys with this prefix, prefix removed, go to the task's own Kafka clients (admin, dead-letter producer): e.g. a SASL login. */
  public static final String KAFKA_CLIENT_PREFIX = "kafka.client.";

  public static final ConfigDef DEF = new ConfigDef()
      .define(DATA_DIR, ConfigDef.Type.STRING, "", ConfigDef.Importance.HIGH,
          "Directory of the store; tasks of one worker with the same directory share one store. Empty: the store the worker "
              + "itself opened (strata connect registers it), so one config serves every worker of a distributed Connect cluster.")
      .define(REGISTRY_URL, ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE, (name, value) -> {
        String s = (String) value;
        if (s == null || !(s.startsWith("http://") || s.startsWith("https://") || s.startsWith("mock://"))) {
          throw new ConfigException(name, value, "must be an http(s):// URL of a Confluent-compatible registry (or mock:// in tests)");
        }
      }, ConfigDef.Importance.HIGH, "Schema registry URL used to resolve the writer schema id of each record.")
      .define(KAFKA_BOOTSTRAP, ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), ConfigDef.Importance.HIGH,
          "Bootstrap servers of the cluster the input topics live on: the task reads the samples topic's partition count "
              + "there (the partition rule check) and writes its dead letters there.")
      .define(DEADLETTER_TOPIC, ConfigDef.Type.STRING, "", ConfigDef.Importance.HIGH,
          "Topic for records that cannot be decoded or are refused (metrics.deadletter, with the strata.error.* headers); "
              + "empty: such a record fails the task.")
      .define(TsdbConfig.OUT_OF_ORDER_WINDOW, ConfigDef.Type.STRING, "10m", ConfigDef.Importance.MEDIUM,
          "How far behind a series' newest sample a sample may be and still be stored; older ones are rejected as too_old.")
      .define(TsdbConfig.RETENTION_PREFIX + "raw", ConfigDef.Type.STRING, "15d", ConfigDef.Importance.MEDIUM, "Retention of raw samples.")
      .define(TsdbConfig.RETENTION_PREFIX + "1m", ConfigDef.Type.STRING, null, ConfigDef.Importance.LOW, "Retention of 1m rollups (default: raw's).")
      .define(TsdbConfig.RETENTION_PREFIX + "5m", ConfigDef.Type.STRING, null, ConfigDef.Importance.LOW, "Retention of 5m rollups (default: raw's).")
      .define(TsdbConfig.RETENTION_PREFIX + "1h", ConfigDef.Type.STRING, null, ConfigDef.Importance.LOW, "Retention of 1h rollups (default: raw's).")
      .define(TsdbConfig.BLOCK_DURATION, ConfigDef.Type.STRING, "2h", ConfigDef.Importance.LOW, "Time span of a freshly cut block.")
      .define(TsdbConfig.MAX_BLOCK_DURATION, ConfigDef.Type.STRING, "24h", ConfigDef.Importance.LOW, "Largest block compaction builds.");

  /** Null: the worker's store ({@link WorkerStore}). */
  public final Path dataDir;
  public final String registryUrl;
  public final String kafkaBootstrap;
  /** Empty when none. */
  public final String deadletterTopic;
  /** The {@link #KAFKA_CLIENT_PREFIX} keys, prefix removed. */
  public final Map<String, String> kafkaClient;
  /**
   * The engine's settings: every {@code tsdb.*} key given (see tsdb/README.md), the rest at their defaults; null with
   * the worker's store, which its owner opened with its own settings.
   */
  public final TsdbConfig tsdb;

  public TsdbSinkConfig(Map<String, String> props) {
    super(DEF, props);
    String dir = getString(DATA_DIR);
    this.dataDir = dir.isBlank() ? null : Path.of(dir);
    this.registryUrl = getString(REGISTRY_URL);
    this.kafkaBootstrap = getString(KAFKA_BOOTSTRAP);
    this.deadletterTopic = getString(DEADLETTER_TOPIC);
    Map<String, String> client = new HashMap<>();
    props.forEach((k, v) -> {
      if (k.startsWith(KAFKA_CLIENT_PREFIX) && v != null) {
        client.put(k.substring(KAFKA_CLIENT_PREFIX.length()), v);
      }
    });
    this.kafkaClient = Map.copyOf(client);
    Map<String, String> engine = new HashMap<>();
    props.forEach((k, v) -> {
      if (k.startsWith("tsdb.") && v != null) {
        engine.put(k, v);
      }
    });
    if (dataDir == null) {
      engine.remove(DATA_DIR);
      if (!engine.isEmpty()) { // the store is the worker's: a setting here would silently not apply
        String key = new java.util.TreeSet<>(engine.keySet()).first();
        throw new ConfigException(key, engine.get(key), "a setting of the store, which the worker opens itself when "
            + DATA_DIR + " is empty: set it on the worker (strata connect --config), or name a directory in " + DATA_DIR);
      }
      this.tsdb = null;
      return;
    }
    try {
      this.tsdb = TsdbConfig.fromMap(engine);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }
}
