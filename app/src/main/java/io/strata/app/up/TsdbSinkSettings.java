package io.strata.app.up;

import io.strata.schemas.Topics;
import io.strata.sinks.tsdb.TsdbSinkConfig;
import io.strata.sinks.tsdb.TsdbSinkConnector;
import io.strata.tsdb.TsdbConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The TSDB sink connector's configuration, the one place of it ({@code strata up} and {@code strata connect}): the
 * samples and rollup topics into the store at {@code tsdbDir}, or, without one, into the store of the worker that
 * runs each task ({@code strata connect}, whose config must hold for every worker of a distributed group).
 */
public final class TsdbSinkSettings {
  /** The connector's name: its sink offsets are the consumer group {@code connect-strata-tsdb-sink}. */
  public static final String CONNECTOR = Stack.TSDB_CONNECTOR;

  private TsdbSinkSettings() {}

  /** @param tsdbDir the store's directory; null: each worker's own store (no path in the config) */
  public static Map<String, String> connector(String prefix, List<String> resolutions, Path tsdbDir, String registryUrl, String bootstrap,
      Duration outOfOrderWindow, Map<String, String> kafkaClient, int tasks) {
    List<String> topics = new ArrayList<>();
    topics.add(prefix + Topics.SAMPLES);
    for (String r : resolutions) {
      topics.add(prefix + Topics.rollup(r));
    }
    Map<String, String> cfg = new HashMap<>();
    cfg.put("connector.class", TsdbSinkConnector.class.getName());
    cfg.put("tasks.max", Integer.toString(tasks));
    cfg.put("topics", String.join(",", topics));
    if (tsdbDir != null) {
      cfg.put(TsdbSinkConfig.DATA_DIR, tsdbDir.toString());
      // the store is opened once with the same window (SharedStores); stated here too so the two never differ
      cfg.put(TsdbConfig.OUT_OF_ORDER_WINDOW, outOfOrderWindow.toMillis() + "ms");
    } // else the worker opened its store with its own window
    cfg.put(TsdbSinkConfig.REGISTRY_URL, registryUrl);
    // the task writes its own dead letters (the strata.error.* headers of every stage), original headers as bytes
    cfg.put(TsdbSinkConfig.KAFKA_BOOTSTRAP, bootstrap);
    cfg.put(TsdbSinkConfig.DEADLETTER_TOPIC, prefix + Topics.DEADLETTER);
    kafkaClient.forEach((k, v) -> cfg.put(TsdbSinkConfig.KAFKA_CLIENT_PREFIX + k, v));
    cfg.put("header.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    cfg.put("consumer.override.isolation.level", "read_committed");
    return cfg;
  }

  /** {@code sink.out_of_order_window} of the config file (default 10m): {@link Settings#outOfOrderWindow}. */
  public static Duration outOfOrderWindow(StrataConfig file) {
    return Settings.outOfOrderWindow(file);
  }

  /** {@code rollups.resolutions} of the config file (default 1m, 5m, 1h): {@link Settings#resolutions}. */
  public static List<String> resolutions(StrataConfig file) {
    return Settings.resolutions(file);
  }
}
