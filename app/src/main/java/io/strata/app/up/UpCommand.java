package io.strata.app.up;

import io.strata.embedded.Ports;
import io.strata.flink.AlertRuleSettings;
import io.strata.schemas.prom.PromDuration;
import io.strata.schemas.http.WebSecurity;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code strata up}: the whole pipeline on this machine, on real parts, with data under ./data. */
@Command(name = "up", mixinStandardHelpOptions = true,
    description = "Start everything on this machine: a KRaft Kafka broker, the schema registry, ingest, Kafka Streams rollups, "
        + "the Flink rule job, a Kafka Connect worker with the TSDB sink, and the query API. Ctrl-C stops it cleanly.")
public final class UpCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML config file (see README); flags override it")
  Path config;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "where all data lives (default: ./data)")
  Path dataDir;

  @Option(names = "--host", description = "address every server binds (default: 127.0.0.1)")
  String host;

  @Option(names = "--query-port", description = "Prometheus HTTP API (default: 9090)")
  Integer queryPort;

  @Option(names = "--ingest-port", description = "remote_write and push receivers (default: 9091)")
  Integer ingestPort;

  @Option(names = "--kafka-port", description = "Kafka broker (default: 9092)")
  Integer kafkaPort;

  @Option(names = "--kafka-controller-port", description = "KRaft controller (default: 9095)")
  Integer kafkaControllerPort;

  @Option(names = "--registry-port", description = "schema registry (default: 8081)")
  Integer registryPort;

  @Option(names = "--connect-port", description = "Kafka Connect REST (default: 8083)")
  Integer connectPort;

  @Option(names = "--rule-file", paramLabel = "FILE", description = "Prometheus rule file for the Flink rule job (repeatable)")
  List<Path> ruleFiles;

  @Option(names = "--scrape-config", paramLabel = "FILE",
      description = "prometheus.yml with the scrape jobs, rule_files, global.evaluation_interval/external_labels and alerting "
          + "(default: one that scrapes Strata's own /metrics); POST /-/reload on the ingest port (with --web.enable-lifecycle) or SIGHUP re-reads it")
  Path scrapeConfig;

  @Option(names = "--web.config.file", paramLabel = "FILE",
      description = "Prometheus web-config.yml for the query and ingest ports: tls_server_config, basic_auth_users (bcrypt), "
          + "http_server_config headers; re-read on every request and TLS handshake")
  Path webConfigFile;

  @Option(names = "--web.enable-lifecycle", description = "answer POST /-/reload and /-/quit (otherwise 403, as Prometheus)")
  boolean enableLifecycle;

  @Option(names = {"--web.enable-admin-api", "--enable-admin-api"},
      description = "answer /api/v1/admin/tsdb/* (snapshot, delete_series, clean_tombstones, flush; otherwise refused, as Prometheus)")
  boolean enableAdminApi;

  @Option(names = "--rules.alert.for-outage-tolerance", paramLabel = "DURATION",
      description = "as Prometheus: how far back the rule job, starting without state, restores alerts' `for` progress from "
          + "ALERTS_FOR_STATE (default: 1h; config rule_job rules.alert.for-outage-tolerance)")
  String forOutageTolerance;

  @Option(names = "--rules.alert.for-grace-period", paramLabel = "DURATION",
      description = "as Prometheus: a restored alert fires no sooner than this after the restore, and rules with a shorter `for` "
          + "are not restored (default: 10m; config rule_job rules.alert.for-grace-period)")
  String forGracePeriod;

  @Option(names = "--rules.alert.resend-delay", paramLabel = "DURATION",
      description = "as Prometheus: how often a firing alert is re-sent to the Alertmanagers; endsAt is 4 x max(this, evaluation "
          + "interval) ahead (default: 1m; config alerting.resend_delay and rule_job rules.resend-delay)")
  String resendDelay;

  @Option(names = "--registry-home", paramLabel = "DIR", hidden = true, description = "folder with the Apicurio runner jar")
  Path registryHome;

  @Override
  public Integer call() throws Exception {
    Settings settings;
    Stack stack;
    try {
      StrataConfig file = config == null ? StrataConfig.EMPTY : StrataConfig.load(config);
      Path configDir = config == null ? Path.of("") : config.toAbsolutePath().getParent();
      settings = Settings.resolve(file, dataDir, host, queryPort, ingestPort, kafkaPort, kafkaControllerPort, registryPort,
          connectPort, ruleFiles, scrapeConfig, registryHome, configDir).withAlertFlags(forOutageTolerance, forGracePeriod, resendDelay);
      settings.alerting().load(); // an invalid alerting config is an error before anything starts
      io.strata.app.LogDir.use(settings.dataDir().resolve("logs"));
      System.out.println("Strata: starting on " + settings.host() + ", data in " + settings.dataDir());
      Map<String, List<String>> tenants = Settings.tenants(file);
      // POST /-/quit exits; the shutdown hook below stops the stack
      WebSecurity web = WebSecurity.load(new WebSecurity.Options(webConfigFile == null ? null : webConfigFile.toAbsolutePath(),
          tenants, enableLifecycle, enableAdminApi, () -> System.exit(0)));
      stack = new Stack(settings, System.out, web).withFlags(flags(settings));
      stack.checkPorts();
    } catch (IllegalArgumentException | Ports.PortInUseException e) {
      System.err.println("strata up: " + e.getMessage());
      return 2;
    }
    try {
      // an invalid rule file is an error naming file and problem before anything starts (exit 1, as always)
      new RuleSource(settings.ruleFiles(), settings.scrapeConfig()).load(null);
    } catch (RuntimeException e) {
      System.err.println("strata up: " + e.getMessage());
      return 1;
    }
        CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      System.out.println("Strata: stopping ...");
      stack.close();
      System.out.println("Strata: stopped");
      stopped.countDown();
    }, "strata-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stack.start();
    } catch (RuntimeException e) {
      Runtime.getRuntime().removeShutdownHook(hook);
      System.err.println("strata up: " + e.getMessage());
      return 1;
    }
    stopped.await();
    return 0;
  }

  /**
   * Every option by its longest name without dashes, with its value ("" when unset): /api/v1/status/flags.
   * The {@code rules.alert.*} flags show the value in effect (flag, config file or default), as Prometheus
   * shows its defaults.
   */
  Map<String, String> flags(Settings settings) {
    Map<String, String> m = new java.util.TreeMap<>();
    if (spec == null) {
      return m;
    }
    for (OptionSpec o : spec.options()) {
      if (o.usageHelp() || o.versionHelp()) {
        continue;
      }
      Object v = o.getValue();
      m.put(o.longestName().replaceFirst("^-+", ""), v == null ? "" : String.valueOf(v));
    }
    AlertRuleSettings job = settings.ruleJobSettings();
    m.put("rules.alert.for-outage-tolerance", PromDuration.format(job.forOutageTolerance().toMillis()));
    m.put("rules.alert.for-grace-period", PromDuration.format(job.forGracePeriod().toMillis()));
    m.put("rules.alert.resend-delay", PromDuration.format(settings.alerting().load().resendDelay().toMillis()));
    return m;
  }
}
