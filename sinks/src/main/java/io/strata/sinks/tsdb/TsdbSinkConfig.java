package io.strata.sinks.tsdb;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** The TSDB sink's configuration: one key constant and one ConfigDef entry per key, parsed eagerly. */
public final class TsdbSinkConfig extends AbstractConfig {
  public static final String DATA_DIR = "tsdb.data.dir";
  public static final String REGISTRY_URL = "schema.registry.url";

  public static final ConfigDef DEF = new ConfigDef()
      .define(DATA_DIR, ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), ConfigDef.Importance.HIGH,
          "Directory of the store. Tasks of one worker with the same directory share one store.")
      .define(REGISTRY_URL, ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE, (name, value) -> {
        String s = (String) value;
        if (s == null || !(s.startsWith("http://") || s.startsWith("https://") || s.startsWith("mock://"))) {
          throw new ConfigException(name, value, "must be an http(s):// URL of a Confluent-compatible registry (or mock:// in tests)");
        }
      }, ConfigDef.Importance.HIGH, "Schema registry URL used to resolve the writer schema id of each record.");

  public final Path dataDir;
  public final String registryUrl;

  public TsdbSinkConfig(Map<String, String> props) {
    super(DEF, props);
    this.dataDir = Path.of(getString(DATA_DIR));
    this.registryUrl = getString(REGISTRY_URL);
  }
}
