package io.strata.app;

import io.strata.app.up.Settings;
import io.strata.app.up.StrataConfig;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options every per-stage command shares (a picocli mixin), each resolved as flag, else its strata.yml key, else
 * its default, and checked by the one parser of its kind ({@link Settings#port}, {@link Settings#checkTopicPrefix(String, String)}).
 * They come in groups (the nested mixins below) so that a role takes the ones that mean something to it: the Kafka
 * node and the registry take {@link Process} but no {@link Kafka}, {@code flink submit} takes {@link Kafka} but no port.
 * {@link StageOptions} adds {@code --config strata.yml}; {@code strata delivery}, whose {@code --config} is a
 * prometheus.yml-shaped alerting file, takes these alone. Errors are {@code <flag or key>: <problem>}
 * ({@link Settings#invalid}), printed as {@code strata <stage>: ...} with exit code 2 by {@link StageRun#refuse}.
 */
public class StageFlags {
  public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";
  public static final String DEFAULT_REGISTRY_URL = "http://127.0.0.1:8081/apis/ccompat/v7";

  /** {@code --bootstrap} and {@code --registry-url}: the Kafka and schema registry a stage reads or writes. */
  public static class Kafka {
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
  }

  /** {@code --topic-prefix}. */
  public static class Prefix {
    @Option(names = "--topic-prefix", paramLabel = "P", description = "prefix of every topic name (default: kafka.topic_prefix, else none)")
    String topicPrefix;
  }

  /** {@code --host}, {@code --port}, {@code --data-dir}: what a serving process binds and keeps. */
  public static class Process {
    @Option(names = "--host", paramLabel = "HOST", description = "address the stage's port binds (default: host, else 127.0.0.1)")
    String host;

    @Option(names = "--port", paramLabel = "PORT", description = "the stage's port, 0 for any free one (default: its ports.* key, else the "
        + "stage's own: app/README.md)")
    Integer port;

    @Option(names = "--data-dir", paramLabel = "DIR",
        description = "this process's own directory (default: data_dir, else ./data; kafka, registry and the flink roles: a folder of "
            + "it named for the role)")
    Path dataDir;
  }

  /** {@code --web.config.file} of a stage's own HTTP port. */
  public static class Web {
    @Option(names = "--web.config.file", paramLabel = "FILE",
        description = "Prometheus web-config.yml for the stage's HTTP port: tls_server_config, basic_auth_users (bcrypt), "
            + "http_server_config headers")
    Path webConfigFile;
  }

  /** {@code --log-dir}. */
  public static class Log {
    @Option(names = "--log-dir", paramLabel = "DIR", description = "where strata.log goes (default: the temp dir's strata-logs/)")
    Path logDir;
  }

  /** {@code --config strata.yml}. */
  public static class Config {
    @Option(names = "--config", paramLabel = "FILE",
        description = "strata.yml, the file of strata up: the stage reads its keys (app/README.md), accepts the others, refuses unknown "
            + "ones; flags override it")
    Path config;

    /** The file, {@link StrataConfig#EMPTY} without {@code --config}. */
    public StrataConfig load() {
      return config == null ? StrataConfig.EMPTY : StrataConfig.load(config);
    }

    /** The folder relative paths of the config file resolve against (the working directory without a file). */
    public Path dir() {
      return config == null ? Path.of("") : config.toAbsolutePath().getParent();
    }
  }

  @Mixin
  Kafka kafka = new Kafka();

  @Mixin
  Prefix prefix = new Prefix();

  @Mixin
  Process process = new Process();

  @Mixin
  Web web = new Web();

  @Mixin
  Log log = new Log();

  /**
   * Sends the log to {@code --log-dir} (first: before anything makes a logger), then resolves every option against
   * {@code file} (whose relative paths resolve against {@code configDir}).
   *
   * @throws IllegalArgumentException {@code <flag or key>: <problem>}
   */
  public StageSettings resolve(Stage stage, StrataConfig file, Path configDir) {
    return resolve(stage, file, configDir, log, process, kafka, prefix, web);
  }

  /**
   * The one resolution of the shared options, for a command that takes some of the groups (null: the command does not
   * take that group: its settings are the file's or the defaults, the Kafka ones null). Sends the log to
   * {@code --log-dir} first, before anything makes a logger.
   *
   * @throws IllegalArgumentException {@code <flag or key>: <problem>}
   */
  public static StageSettings resolve(Stage stage, StrataConfig file, Path configDir, Log log, Process process, Kafka kafka, Prefix prefix,
      Web web) {
    if (log != null && log.logDir != null) {
      LogDir.use(log.logDir);
    }
    Process p = process != null ? process : new Process();
    String topicPrefix = prefix != null && prefix.topicPrefix != null ? Settings.checkTopicPrefix("--topic-prefix", prefix.topicPrefix)
        : Settings.checkTopicPrefix("kafka.topic_prefix", Settings.topicPrefix(file));
    String bindHost = p.host != null ? p.host : file.host() != null ? file.host() : "127.0.0.1";
    Integer filePort = stage.portKey() == null ? null : filePort(file, stage.portKey());
    String portSource = p.port != null ? "--port" : filePort != null ? stage.portKey() : "--port";
    int bindPort = Settings.port(portSource, p.port != null ? p.port : filePort != null ? filePort : stage.defaultPort(), 0);
    Path dir = (p.dataDir != null ? p.dataDir
        : (file.dataDir() != null ? configDir.resolve(file.dataDir()) : Path.of("data")).resolve(stage.dataSubdir())).toAbsolutePath().normalize();
    String bootstrap = kafka != null && kafka.bootstrap != null ? kafka.bootstrap : kafka == null || stage.kafkaOptional() ? null : DEFAULT_BOOTSTRAP;
    if (bootstrap != null && bootstrap.isBlank()) {
      throw Settings.invalid("--bootstrap", "must name at least one HOST:PORT");
    }
    return new StageSettings(stage, file, bindHost, bindPort, portSource, bootstrap, kafka == null ? null : kafka.registryUrl, topicPrefix, dir,
        web == null || web.webConfigFile == null ? null : web.webConfigFile.toAbsolutePath());
  }

  /** The value of a {@code ports.*} key of {@code file}, null when absent. */
  public static Integer filePort(StrataConfig file, String key) {
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
