package io.strata.app;

import io.strata.app.up.Settings;
import io.strata.app.up.StrataConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options every per-stage command shares (a picocli mixin), each resolved as flag, else its strata.yml key, else
 * its default, and checked by the one parser of its kind ({@link Settings#port}, {@link Settings#checkTopicPrefix(String, String)}).
 * {@link StageOptions} adds {@code --config strata.yml}; {@code strata delivery}, whose {@code --config} is a
 * prometheus.yml-shaped alerting file, takes these alone. Errors are {@code <flag or key>: <problem>}
 * ({@link Settings#invalid}), printed as {@code strata <stage>: ...} with exit code 2 by {@link StageRun#refuse}.
 */
public class StageFlags {
  public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";
  public static final String DEFAULT_REGISTRY_URL = "http://127.0.0.1:8081/apis/ccompat/v7";

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT,...",
      description = "Kafka bootstrap servers (default: " + DEFAULT_BOOTSTRAP + "; strata query: none, then /api/v1/metadata, /rules "
          + "and /alerts answer empty)")
  String bootstrap;

  /** The names the stages had before they shared these options: still accepted, not shown. */
  @Option(names = {"--kafka", "--bootstrap-server"}, paramLabel = "HOST:PORT,...", hidden = true, description = "same as --bootstrap")
  void bootstrapAlias(String servers) {
    bootstrap = servers;
  }

  @Option(names = "--registry-url", paramLabel = "URL",
      description = "schema registry, Confluent-compatible API; a password as user info: http(s)://user:password@host:port/... "
          + "(default: ${DEFAULT-VALUE})", defaultValue = DEFAULT_REGISTRY_URL)
  String registryUrl;

  @Option(names = "--topic-prefix", paramLabel = "P", description = "prefix of every topic name (default: kafka.topic_prefix, else none)")
  String topicPrefix;

  @Option(names = "--host", paramLabel = "HOST", description = "address the stage's HTTP port binds (default: host, else 127.0.0.1)")
  String host;

  @Option(names = "--port", paramLabel = "PORT", description = "the stage's HTTP port, 0 for any free one (default: ingest ports.ingest, else 9091; "
      + "query ports.query, else 9090; streams 9096; delivery 9097)")
  Integer port;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "this process's own directory (default: data_dir, else ./data); streams keeps its RocksDB state in DIR/streams/, "
          + "ingest, query and delivery keep nothing there")
  Path dataDir;

  @Option(names = "--web.config.file", paramLabel = "FILE",
      description = "Prometheus web-config.yml for the stage's HTTP port: tls_server_config, basic_auth_users (bcrypt), "
          + "http_server_config headers")
  Path webConfigFile;

  @Option(names = "--log-dir", paramLabel = "DIR", description = "where strata.log goes (default: the temp dir's strata-logs/)")
  Path logDir;

  /**
   * Sends the log to {@code --log-dir} (first: before anything makes a logger), then resolves every option against
   * {@code file} (whose relative paths resolve against {@code configDir}).
   *
   * @throws IllegalArgumentException {@code <flag or key>: <problem>}
   */
  public StageSettings resolve(Stage stage, StrataConfig file, Path configDir) {
    useLogDir();
    String prefix = topicPrefix != null ? Settings.checkTopicPrefix("--topic-prefix", topicPrefix)
        : Settings.checkTopicPrefix("kafka.topic_prefix", Settings.topicPrefix(file));
    String bindHost = host != null ? host : file.host() != null ? file.host() : "127.0.0.1";
    Integer filePort = stage.portKey() == null ? null : filePort(file, stage.portKey());
    String portSource = port != null ? "--port" : filePort != null ? stage.portKey() : "--port";
    int bindPort = Settings.port(portSource, port != null ? port : filePort != null ? filePort : stage.defaultPort(), 0);
    Path dir = (dataDir != null ? dataDir : file.dataDir() != null ? configDir.resolve(file.dataDir()) : Path.of("data")).toAbsolutePath().normalize();
    String kafka = bootstrap != null ? bootstrap : stage.kafkaOptional() ? null : DEFAULT_BOOTSTRAP;
    if (kafka != null && kafka.isBlank()) {
      throw Settings.invalid("--bootstrap", "must name at least one HOST:PORT");
    }
    return new StageSettings(stage, file, bindHost, bindPort, portSource, kafka, registryUrl, prefix, dir,
        webConfigFile == null ? null : webConfigFile.toAbsolutePath());
  }

  /** Sends strata.log to {@code --log-dir} when given. */
  protected void useLogDir() {
    if (logDir != null) {
      LogDir.use(logDir);
    }
  }

  /** The value of a {@code ports.*} key of {@code file}, null when absent. */
  static Integer filePort(StrataConfig file, String key) {
    StrataConfig.PortsConfig p = file.ports();
    if (p == null) {
      return null;
    }
    return switch (key) {
      case "ports.query" -> p.query();
      case "ports.ingest" -> p.ingest();
      case "ports.kafka" -> p.kafka();
      case "ports.kafka_controller" -> p.kafkaController();
      case "ports.registry" -> p.registry();
      case "ports.connect" -> p.connect();
      default -> throw new IllegalStateException("BUG: no key " + key);
    };
  }
}
