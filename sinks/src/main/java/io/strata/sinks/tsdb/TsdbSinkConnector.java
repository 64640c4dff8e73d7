package io.strata.sinks.tsdb;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * Writes {@code metrics.samples} and {@code metrics.rollup.*} into the local TSDB. Use with
 * {@code value.converter=org.apache.kafka.connect.converters.ByteArrayConverter}: tasks decode the
 * Confluent wire format themselves.
 */
public final class TsdbSinkConnector extends SinkConnector {
  private Map<String, String> props;

  @Override
  public void start(Map<String, String> props) {
    new TsdbSinkConfig(props); // fail fast on bad config
    this.props = Map.copyOf(props);
  }

  @Override
  public Class<? extends Task> taskClass() {
    return TsdbSinkTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    List<Map<String, String>> out = new ArrayList<>(maxTasks);
    for (int i = 0; i < maxTasks; i++) {
      out.add(props);
    }
    return out;
  }

  @Override
  public void stop() {}

  @Override
  public ConfigDef config() {
    return TsdbSinkConfig.DEF;
  }

  @Override
  public String version() {
    return Version.VERSION;
  }
}
