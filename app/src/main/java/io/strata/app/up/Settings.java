package io.strata.app.up;

import io.strata.ingest.limits.LimitsConfig;
import io.strata.schemas.prom.PromDuration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import io.strata.flink.AlertRuleSettings;

/**
 * The resolved settings of {@code strata up}: defaults, then the config file, then command-line flags.
 * Validated once here; every error names the key and the bad value.
 */
public record Settings(
    String host,
    Path dataDir,
    int queryPort,
    int ingestPort,
    int kafkaPort,
    int kafkaControllerPort,
    int registryPort,
    int connectPort,
    int partitions,
    String topicPrefix,
    List<Path> ruleFiles,
    Path scrapeConfig,
    List<String> resolutions,
    Duration sinkCommitInterval,
    Duration outOfOrderWindow,
    List<String> replicaLabels,
    Path registryHome,
    AlertingSource alerting,
    LimitsConfig limits,
    Map<String, String> ruleJob) {

  public static final int DEFAULT_QUERY_PORT = 9090;
  public static final int DEFAULT_INGEST_PORT = 9091;
  public static final int DEFAULT_KAFKA_PORT = 9092;
  /** 9093 is Alertmanager's and 9094 its cluster port: the controller takes the next free number. */
  public static final int DEFAULT_KAFKA_CONTROLLER_PORT = 9095;
  public static final int DEFAULT_REGISTRY_PORT = 8081;
  public static final int DEFAULT_CONNECT_PORT = 8083;

  public Settings {
    port("ports.query", queryPort, 1);
    port("ports.ingest", ingestPort, 1);
    port("ports.kafka", kafkaPort, 1);
    port("ports.kafka_controller", kafkaControllerPort, 1);
    port("ports.registry", registryPort, 1);
    port("ports.connect", connectPort, 1);
    long distinct = java.util.stream.IntStream.of(queryPort, ingestPort, kafkaPort, kafkaControllerPort, registryPort, connectPort).distinct().count();
    if (distinct != 6) {
      throw new IllegalArgumentException("ports must all differ: query " + queryPort + ", ingest " + ingestPort + ", kafka " + kafkaPort
          + ", kafka_controller " + kafkaControllerPort + ", registry " + registryPort + ", connect " + connectPort);
    }
    if (partitions < 1) {
      throw invalid("kafka.partitions", "must be >= 1, got " + partitions);
    }
    checkTopicPrefix("kafka.topic_prefix", topicPrefix);
    if (outOfOrderWindow.isNegative()) {
      throw invalid("sink.out_of_order_window", "must be >= 0, got " + PromDuration.format(outOfOrderWindow));
    }
    checkCommitInterval(sinkCommitInterval);
    ruleJob = Map.copyOf(ruleJob);
    try {
      ruleJobSettings(ruleJob); // validated once, here
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("rule_job: " + e.getMessage(), e);
    }
  }

  /**
   * The rule job's settings from the config key {@code rule_job}: flink-jobs/README.md's keys without their
   * {@code flink.} prefix (e.g. {@code watermark.max-out-of-orderness: 2s}), defaults for the others.
   */
  public AlertRuleSettings ruleJobSettings() {
    return ruleJobSettings(ruleJob);
  }

  /**
   * The rule job's settings as {@code strata up} runs it and {@code strata flink submit} submits it: the config key
   * {@code rule_job}, {@code $externalURL} the query port on {@code host}, a first start reading everything retained
   * (later starts resume from the checkpoint or savepoint), and the prometheus.yml's {@code global.evaluation_interval}
   * and {@code global.external_labels} when it sets them.
   */
  public AlertRuleSettings ruleJobSettings(RuleSource.Loaded rules) {
    AlertRuleSettings settings = ruleJobSettings()
        .withExternalUrl("http://" + host + ":" + queryPort)
        .withStartFrom(AlertRuleSettings.StartFrom.EARLIEST);
    if (rules.evaluationInterval() != null) {
      settings = settings.withEvaluationInterval(rules.evaluationInterval());
    }
    if (!rules.externalLabels().isEmpty()) {
      settings = settings.withExternalLabels(rules.externalLabels());
    }
    return settings;
  }

  private static AlertRuleSettings ruleJobSettings(Map<String, String> keys) {
    Map<String, String> m = new java.util.HashMap<>();
    keys.forEach((k, v) -> m.put("flink." + k, v));
    return AlertRuleSettings.fromMap(m);
  }

  /**
   * These settings with {@code strata up}'s Prometheus-named alerting flags applied over the config file (a
   * null flag is not given): {@code --rules.alert.for-outage-tolerance} and {@code --rules.alert.for-grace-period}
   * set the rule job's {@code rules.alert.for-outage-tolerance} / {@code for-grace-period};
   * {@code --rules.alert.resend-delay} sets the rule job's {@code rules.resend-delay} and the delivery stage's
   * {@code alerting.resend_delay}, as the one Prometheus flag sets both in Prometheus.
   *
   * @throws IllegalArgumentException naming the flag when a value is not a positive duration
   */
  public Settings withAlertFlags(String forOutageTolerance, String forGracePeriod, String resendDelay) {
    Map<String, String> job = new java.util.HashMap<>(ruleJob);
    String[][] flags = {{"rules.alert.for-outage-tolerance", forOutageTolerance}, {"rules.alert.for-grace-period", forGracePeriod},
        {"rules.alert.resend-delay", resendDelay}};
    for (String[] f : flags) {
      if (f[1] != null && duration("--" + f[0], f[1]).toMillis() <= 0) {
        throw new IllegalArgumentException("--" + f[0] + " must be > 0, got " + f[1]);
      }
    }
    if (forOutageTolerance != null) {
      job.put("rules.alert.for-outage-tolerance", forOutageTolerance);
    }
    if (forGracePeriod != null) {
      job.put("rules.alert.for-grace-period", forGracePeriod);
    }
    AlertingSource a = alerting;
    if (resendDelay != null) {
      job.put("rules.resend-delay", resendDelay);
      a = new AlertingSource(alerting.section(), alerting.sectionDir(), alerting.prometheusYml(), resendDelay);
    }
    return new Settings(host, dataDir, queryPort, ingestPort, kafkaPort, kafkaControllerPort, registryPort, connectPort, partitions,
        topicPrefix, ruleFiles, scrapeConfig, resolutions, sinkCommitInterval, outOfOrderWindow, replicaLabels, registryHome, a, limits, job);
  }

  /** {@code kafka.topic_prefix} as {@link #checkTopicPrefix(String, String)} checks it; returns it. */
  public static String checkTopicPrefix(String topicPrefix) {
    return checkTopicPrefix("kafka.topic_prefix", topicPrefix);
  }

  /** A topic prefix given as {@code key} (the config key or the flag): letters, digits, '.', '_' and '-' only; returns it. */
  public static String checkTopicPrefix(String key, String topicPrefix) {
    if (!validTopicPrefix(topicPrefix)) {
      throw invalid(key, TOPIC_PREFIX_RULE + ", got \"" + topicPrefix + "\"");
    }
    return topicPrefix;
  }

  private static final String TOPIC_PREFIX_RULE = "may hold only letters, digits, '.', '_' and '-'";

  private static boolean validTopicPrefix(String topicPrefix) {
    return topicPrefix.matches("[a-zA-Z0-9._-]*");
  }

  /**
   * A port given as {@code key} (the config key or the flag): {@code min}..65535, where {@code min} is 0 for a
   * stage's own HTTP port (0: any free port) and 1 for ports others must reach at a known number.
   */
  public static int port(String key, int port, int min) {
    if (port < min || port > 65535) {
      throw invalid(key, "must be " + min + "..65535, got " + port);
    }
    return port;
  }

  /**
   * A Prometheus duration ({@code PromDuration}: {@code 30s}, {@code 1h30m}) given as {@code key}: the one way every
   * Strata config key and flag that holds a duration is read.
   */
  public static Duration duration(String key, String value) {
    try {
      return Duration.ofMillis(PromDuration.parseMillis(value));
    } catch (RuntimeException e) {
      throw invalid(key, "\"" + value + "\" is not a duration like 30s or 1m");
    }
  }

  /** The one error of a bad setting: {@code <key or flag>: <problem>} (the command prefixes {@code strata <command>: }). */
  public static IllegalArgumentException invalid(String key, String problem) {
    return new IllegalArgumentException(key + ": " + problem);
  }

  /** {@code kafka.topic_prefix} of the config file ("" when absent), unchecked. */
  public static String topicPrefix(StrataConfig file) {
    return file.kafka() == null || file.kafka().topicPrefix() == null ? "" : file.kafka().topicPrefix();
  }

  /** {@code scrape_config}: the flag, else the file's key joined to the file's folder, else null. */
  public static Path scrapeConfig(StrataConfig file, Path scrapeConfigFlag, Path configDir) {
    return scrapeConfigFlag != null ? scrapeConfigFlag.toAbsolutePath() : file.scrapeConfig() == null ? null : configDir.resolve(file.scrapeConfig());
  }

  /** {@code limits}: ingest's write limits; the oldest accepted sample depends on {@code sink.out_of_order_window}. */
  public static LimitsConfig limits(StrataConfig file) {
    return LimitsConfig.parse(file.limits(), outOfOrderWindow(file));
  }

  /** {@code auth.tenants} (empty when absent). */
  public static Map<String, List<String>> tenants(StrataConfig file) {
    return file.auth() == null || file.auth().tenants() == null ? Map.of() : file.auth().tenants();
  }

  /** {@code sink.out_of_order_window} (default 10m): the store's window, which ingest's limits and the rollups take too. */
  public static Duration outOfOrderWindow(StrataConfig file) {
    return duration("sink.out_of_order_window",
        file.sink() == null || file.sink().outOfOrderWindow() == null ? "10m" : file.sink().outOfOrderWindow());
  }

  /** {@code sink.commit_interval} (default 1s, at least 100ms): how often the sink commits its store and offsets. */
  public static Duration sinkCommitInterval(StrataConfig file) {
    return checkCommitInterval(duration("sink.commit_interval",
        file.sink() == null || file.sink().commitInterval() == null ? "1s" : file.sink().commitInterval()));
  }

  private static Duration checkCommitInterval(Duration d) {
    if (d.toMillis() < 100) {
      throw invalid("sink.commit_interval", "must be >= 100ms, got " + PromDuration.format(d));
    }
    return d;
  }

  /**
   * {@code rollups.resolutions} (default 1m, 5m, 1h), each in Prometheus's canonical form ({@code 60s} is {@code 1m}):
   * the rollups name their topics so, and the topics created, the sink's subscription and the query's rollup reads take
   * these names, so all agree.
   */
  public static List<String> resolutions(StrataConfig file) {
    if (file.rollups() == null || file.rollups().resolutions() == null) {
      return List.of("1m", "5m", "1h");
    }
    return file.rollups().resolutions().stream().map(r -> PromDuration.format(duration("rollups.resolutions", r))).toList();
  }

  /** Merges defaults, the config file and flags (a null flag means "not given"). */
  public static Settings resolve(StrataConfig file, Path dataDirFlag, String hostFlag, Integer queryPort, Integer ingestPort, Integer kafkaPort,
      Integer kafkaControllerPort, Integer registryPort, Integer connectPort, List<Path> ruleFilesFlag, Path scrapeConfigFlag,
      Path registryHome, Path configDir) {
    StrataConfig.PortsConfig ports = file.ports() == null ? new StrataConfig.PortsConfig(null, null, null, null, null, null) : file.ports();
    StrataConfig.KafkaConfig kafka = file.kafka() == null ? new StrataConfig.KafkaConfig(null, null) : file.kafka();
    StrataConfig.QuerySection query = file.query() == null ? new StrataConfig.QuerySection(null, null, null, null) : file.query();
    Path dataDir = dataDirFlag != null ? dataDirFlag : file.dataDir() != null ? configDir.resolve(file.dataDir()) : Path.of("data");
    List<Path> rules = ruleFilesFlag != null && !ruleFilesFlag.isEmpty() ? ruleFilesFlag
        : file.ruleFiles() == null ? List.of() : file.ruleFiles().stream().map(configDir::resolve).toList();
    return new Settings(
        first(hostFlag, file.host(), "127.0.0.1"),
        dataDir.toAbsolutePath().normalize(),
        first(queryPort, ports.query(), DEFAULT_QUERY_PORT),
        first(ingestPort, ports.ingest(), DEFAULT_INGEST_PORT),
        first(kafkaPort, ports.kafka(), DEFAULT_KAFKA_PORT),
        first(kafkaControllerPort, ports.kafkaController(), DEFAULT_KAFKA_CONTROLLER_PORT),
        first(registryPort, ports.registry(), DEFAULT_REGISTRY_PORT),
        first(connectPort, ports.connect(), DEFAULT_CONNECT_PORT),
        first(null, kafka.partitions(), 4),
        topicPrefix(file),
        rules,
        scrapeConfig(file, scrapeConfigFlag, configDir),
        resolutions(file),
        sinkCommitInterval(file),
        outOfOrderWindow(file),
        first(null, query.replicaLabels(), List.of()),
        registryHome,
        new AlertingSource(file.alerting(), configDir.toAbsolutePath(), scrapeConfig(file, scrapeConfigFlag, configDir)),
        limits(file), // ingest's write limits (ingest README "Limits")
        file.ruleJob() == null ? Map.of() : file.ruleJob());
  }

  @SafeVarargs
  private static <T> T first(T... candidates) {
    for (T c : candidates) {
      if (c != null) {
        return c;
      }
    }
    throw new IllegalStateException("BUG: no default");
  }
}
