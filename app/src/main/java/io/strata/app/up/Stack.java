package io.strata.app.up;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.app.rules.RulesTopic;
import io.strata.app.up.supervise.ConsumerLag;
import io.strata.app.up.supervise.DeliveryStage;
import io.strata.app.up.supervise.KafkaStage;
import io.strata.app.up.supervise.RegistryStage;
import io.strata.app.up.supervise.RollupStage;
import io.strata.app.up.supervise.RuleJobStage;
import io.strata.app.up.supervise.SinkStage;
import io.strata.app.up.supervise.Supervisor;
import io.strata.embedded.ConnectWorker;
import io.strata.flink.AlertRuleService;
import io.strata.flink.AlertRuleSettings;
import io.strata.embedded.KafkaBroker;
import io.strata.embedded.Ports;
import io.strata.embedded.RegistryProcess;
import io.strata.embedded.TopicProvisioner;
import java.time.Duration;
import io.strata.ingest.server.IngestConfig;
import io.strata.query.api.QueryConfig;
import io.strata.query.api.QueryServer;
import io.strata.schemas.Topics;
import io.strata.schemas.http.WebSecurity;
import io.strata.sinks.alertmanager.AlertDelivery;
import io.strata.sinks.alertmanager.DeliveryConfig;
import io.strata.streams.RollupService;
import io.strata.tsdb.SharedStores;
import io.strata.tsdb.Store;
import io.strata.tsdb.Stores;
import io.strata.tsdb.TsdbConfig;
import java.io.PrintStream;
import java.time.Clock;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything {@code strata up} runs, started in dependency order and stopped in reverse: the KRaft broker,
 * the registry, the topics, the Streams rollups, the Flink rule job, the Connect worker with the TSDB sink,
 * ingest and the query API. A failure part-way stops what already started, so nothing is left half-running.
 */
public final class Stack implements AutoCloseable {
  /** The TSDB chunk cache of the embedded stack (tsdb/README.md, `tsdb.chunk.cache.bytes`). */
  static final long EMBEDDED_CHUNK_CACHE_BYTES = 64L << 20;
  private static final Logger log = LoggerFactory.getLogger(Stack.class);
  public static final String TSDB_CONNECTOR = "strata-tsdb-sink";
  /** v2: exact windows from a new application id; the v1 stage's state is not readable (streams/README.md, Upgrade). */
  public static final String ROLLUP_APPLICATION_ID = "strata-rollup-v2";
  /**
   * A stage this many records behind its input is not ready. A record is a batch (one request's series of one
   * partition), so 10,000 is minutes of a busy sender's traffic: a backlog, not a stage that is merely busy.
   */
  static final long MAX_CONSUMER_LAG_RECORDS = 10_000;
  /** How often the supervisor checks each stage: how soon a stopped stage is noticed and restarted. */
  static final Duration SUPERVISION_INTERVAL = Duration.ofSeconds(2);

  private final Settings s;
  private final PrintStream out;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  /** Stages starting on their own threads, not yet handed to {@link #started}. */
  private final List<CompletableFuture<? extends AutoCloseable>> pending = new ArrayList<>();
  private final AtomicBoolean ready = new AtomicBoolean(false);
  private String kafkaBootstrap;
  private String registryUrl;
  private int queryPort;
  private int ingestPort;
  private AlertDelivery delivery;
  private AlertRuleSettings ruleSettings;
  private RuleSource.Loaded startedRules;
  private RulesTopic rulesTopic;

  private final WebSecurity web;
  /** The broker's SASL principals and ACLs and the registry's user, on when the web config has users. */
  private InternalSecurity internal = InternalSecurity.off();
  private Map<String, String> flags = Map.of();

  public Stack(Settings settings, PrintStream out) {
    this(settings, out, WebSecurity.load(new WebSecurity.Options(null, Map.of(), false, false, null)));
  }

  /** With {@code web} on the query and ingest ports (web config, tenants, lifecycle and admin gates). */
  public Stack(Settings settings, PrintStream out, WebSecurity web) {
    this.s = settings;
    this.out = out;
    this.web = web;
  }

  /** The command line's flags, for {@code /api/v1/status/flags}; call before {@link #start}. */
  public Stack withFlags(Map<String, String> flags) {
    this.flags = Map.copyOf(flags);
    return this;
  }

  private Path dir(String name) {
    return s.dataDir().resolve(name);
  }

  /** Checks every port first: a busy one is an error naming it, before anything starts. */
  public void checkPorts() {
    try {
      RegistryProcess.stopOrphan(dir("registry"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + dir("registry"), e);
    }
    Ports.requireFree("query", s.host(), s.queryPort());
    Ports.requireFree("ingest", s.host(), s.ingestPort());
    Ports.requireFree("Kafka", s.host(), s.kafkaPort());
    Ports.requireFree("Kafka controller", s.host(), s.kafkaControllerPort());
    Ports.requireFree("schema registry", s.host(), s.registryPort());
    Ports.requireFree("Kafka Connect REST", s.host(), s.connectPort());
  }

  public Stack start() {
    long t0 = System.nanoTime();
    try {
      checkPorts();
      Path registryHome = RegistryProcess.locateHome(s.registryHome() == null ? null : s.registryHome().toString());

      internal = web.basicAuth() ? InternalSecurity.on(dir("secrets")) : InternalSecurity.off();
      // the registry (its own JVM and H2 file) needs no broker: it starts while the broker does.
      // Every subject exists (with its compatibility set) before `ready`, so producers in any language find it
      String[] registryUser = internal.registryUser();
      CompletableFuture<RegistryStage> registryStarting = inBackground("schema registry (Apicurio)", () -> new RegistryStage(
          () -> RegistryProcess.start(registryHome, dir("registry"), s.host(), s.registryPort(),
              registryUser == null ? null : registryUser[0], registryUser == null ? null : registryUser[1]),
          s.topicPrefix(), s.resolutions()));

      long t = step("Kafka broker (KRaft)");
      KafkaBroker broker = KafkaBroker.start(dir("kafka"), s.host(), s.kafkaPort(), s.kafkaControllerPort(),
          internal.broker(s.host(), s.kafkaPort(), s.kafkaControllerPort()));
      started.push(broker);
      kafkaBootstrap = broker.bootstrapServers();
      internal.provision(kafkaBootstrap, s.topicPrefix(), s.resolutions(), ROLLUP_APPLICATION_ID, s.ruleJobSettings().consumerGroup(),
          TSDB_CONNECTOR);
      done("Kafka broker", t);

      t = step("topics");
      List<String> created = TopicProvisioner.ensure(kafkaBootstrap, internal.kafka(InternalSecurity.ADMIN), Topics.all(s.topicPrefix(), s.resolutions()), s.partitions(), (short) 1);
      if (!created.isEmpty()) {
        log.info("created topics {}", created);
      }
      done("topics", t);
      RegistryStage registry = await(registryStarting);
      started.push(registry);
      registryUrl = registry.url();

      // each stage reports on its own registry; the query port's /metrics shows all but ingest's
      PrometheusRegistry ingestMetrics = new PrometheusRegistry();
      PrometheusRegistry stageMetrics = new PrometheusRegistry();
      PrometheusRegistry queryMetrics = new PrometheusRegistry();
      queryMetrics.register((MultiCollector) stageMetrics::scrape);
      queryMetrics.register((MultiCollector) PrometheusRegistry.defaultRegistry::scrape);

      // every stage shares the launcher's heap (1 GB by default): a quarter of the standalone default for the chunk cache
      Path tsdb = dir("tsdb");
      TsdbConfig tsdbConfig = TsdbConfig.defaults(tsdb).withChunkCacheBytes(EMBEDDED_CHUNK_CACHE_BYTES)
          .withOutOfOrderWindow(s.outOfOrderWindow());

      // the rollups and the rule job start while the store and Connect do: each waits on its own Kafka group
      // and they share nothing; both are running (and supervised) before ingest accepts a sample.
      // The rollups apply the TSDB's acceptance rule, so they take the store's out-of-order window
      CompletableFuture<RollupStage> rollupsStarting = inBackground("Kafka Streams rollups " + s.resolutions(), () -> new RollupStage(() -> {
        RollupService r = new RollupService(io.strata.streams.config.RollupConfig.of(kafkaBootstrap, registryUrl, ROLLUP_APPLICATION_ID,
            dir("streams"), s.topicPrefix(), s.resolutions(), tsdbConfig.outOfOrderWindow()), internal.kafka(InternalSecurity.ROLLUP), stageMetrics);
        r.start();
        return r;
      }, ROLLUP_APPLICATION_ID));
      CompletableFuture<RuleJobStage> rulesStarting = inBackground("Flink rule job (MiniCluster)", () -> startFlink(stageMetrics));

      t = step("TSDB store and Kafka Connect sink");
      Store store = SharedStores.acquire(tsdb, d -> Stores.open(tsdbConfig, stageMetrics));
      started.push(() -> SharedStores.release(tsdb));
      // after a kill -9 the dead process's sink consumers hold their partitions until their session
      // expires: 10 s (the broker's minimum is 6 s) instead of the default 45 s bounds that stall
      Map<String, String> connectOverrides = new HashMap<>(Map.of("consumer.session.timeout.ms", "10000", "consumer.heartbeat.interval.ms", "3000"));
      if (web.basicAuth()) { // Connect REST answers operators of the web config only
        connectOverrides.putAll(ConnectRestAuth.workerConfig(web));
      }
      connectOverrides.putAll(internal.connectWorker());
      ConnectWorker connect = ConnectWorker.start(kafkaBootstrap, s.host(), s.connectPort(), dir("connect"), s.sinkCommitInterval().toMillis(),
          connectOverrides);
      started.push(connect);
      Map<String, String> sinkConfig = tsdbSinkConfig(tsdb);
      connect.putConnector(TSDB_CONNECTOR, sinkConfig);
      done("TSDB store and Kafka Connect sink", t);
      RollupStage rollups = await(rollupsStarting);
      started.push(rollups);
      RuleJobStage rules = await(rulesStarting);
      started.push(rules);

      t = step("ingest");
      // /api/v1/targets lists the scrape targets; POST /-/reload re-reads the scrape config file
      Path scrapeFile = scrapeConfigFile();
      IngestConfig ingestConfig = IngestConfig.defaults(s.host(), s.ingestPort()).withLimits(s.limits().defaults(), s.limits().overrides());
      IngestStage ingest = IngestStage.start(kafkaBootstrap, internal.kafka(InternalSecurity.INGEST), registryUrl, s.topicPrefix(), ingestConfig, web, scrapeFile, this::reloadRules,
          ingestMetrics);
      started.push(ingest);
      ingestPort = ingest.port();
      done("ingest", t);

      t = step("query API");
      // metadata (type, help, unit) comes from the compacted metrics.metadata topic
      // max_source_resolution picks among the rollups the Streams stage writes
      QueryConfig queryConfig = QueryConfig.defaults(s.host(), s.queryPort()).withReplicaLabels(s.replicaLabels())
          .withRollupResolutions(s.resolutions().stream().map(io.strata.tsdb.Resolution::parse).toList());
      QueryServer query = new QueryServer(queryConfig, store, queryMetrics, ready::get,
          kafkaBootstrap, internal.kafka(InternalSecurity.QUERY), registryUrl, s.topicPrefix()).secure(web)
          .withRuntimeStatus(() -> readOrEmpty(scrapeFile), flags).start();
      // the web UI's targets and Pushgateway pages read the ingest server through the query port
      query.webUi().ingestUrl(java.net.URI.create((web.tls() ? "https://" : "http://")
          + (s.host().equals("0.0.0.0") ? "127.0.0.1" : s.host()) + ":" + ingestPort));
      started.push(query);
      queryPort = query.port();
      done("query API", t);

      startDelivery(stageMetrics);

      // restarts what stops (registry child, sink connector and tasks, rule job, rollups); /-/ready and
      // /api/v1/status/pipeline say which stage cannot work
      ConsumerLag lag = new ConsumerLag(kafkaBootstrap, internal.kafka(InternalSecurity.ADMIN));
      started.push(lag);
      Supervisor supervisor = new Supervisor(stageMetrics, queryMetrics, lag, MAX_CONSUMER_LAG_RECORDS, SUPERVISION_INTERVAL)
          .add(new KafkaStage(lag)).add(registry).add(rollups).add(rules).add(new SinkStage(connect, TSDB_CONNECTOR, sinkConfig));
      if (delivery != null) {
        supervisor.add(new DeliveryStage(delivery));
      }
      supervisor.start();
      started.push(supervisor);
      query.withPipelineStatus(supervisor);
      t = System.nanoTime();
      List<String> notReady = awaitStages(supervisor);
      synchronized (out) {
        out.println("  stages checked (" + (System.nanoTime() - t) / 1_000_000 + " ms)");
      }

      step("scraping (" + scrapeFile + ")");
      ingest.startScraping(() -> reloadOnHangup(delivery, s.alerting(), this::reloadRules));

      ready.set(true);
      if (!notReady.isEmpty()) {
        out.println("  warning: not ready yet: " + String.join(", ", notReady) + " (see /api/v1/status/pipeline)");
      }
      printUrls((System.nanoTime() - t0) / 1_000_000);
      return this;
    } catch (RuntimeException | Error e) {
      stopPending();
      close(); // nothing half-started stays running, the registry child process included
      throw e;
    }
  }

  /** Waits a little for stages that are still starting (sink tasks being assigned); returns those that are not ready. */
  private static List<String> awaitStages(Supervisor supervisor) {
    try {
      return supervisor.awaitReady(Duration.ofSeconds(60));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for the stages", e);
    }
  }

  /**
   * Starts the delivery stage when at least one Alertmanager or webhook is configured (prometheus.yml's
   * {@code alerting}, or the config key {@code alerting}); it reads the alerts topic the rule job writes.
   */
  private void startDelivery(PrometheusRegistry metrics) {
    DeliveryConfig cfg = s.alerting().load();
    if (cfg.isEmpty()) {
      return;
    }
    step("alert delivery (" + cfg.targets().size() + " target(s))");
    delivery = new AlertDelivery(kafkaBootstrap, internal.kafka(InternalSecurity.DELIVERY), registryUrl, s.topicPrefix() + Topics.ALERTS, cfg, metrics, Clock.systemUTC()).start();
    started.push(delivery);
  }

  /** Where the rule files come from: {@code --rule-file} and the scrape config's {@code rule_files}. */
  private RuleSource ruleSource() {
    return new RuleSource(s.ruleFiles(), s.scrapeConfig());
  }

  /**
   * Starts the rule job. The rule files' groups are published to metrics.rules first (FileRuleGroups: under
   * their absolute path as namespace), so the job runs them as pushed groups and a reload reaches it without a
   * restart; {@code global.evaluation_interval} and {@code global.external_labels} set the job's defaults.
   */
  private RuleJobStage startFlink(PrometheusRegistry metrics) {
    RuleSource.Loaded rules = ruleSource().load(this::builtInRules);
    AlertRuleSettings settings = s.ruleJobSettings(rules);
    ruleSettings = settings;
    rulesTopic = RulesTopic.of(kafkaBootstrap, internal.kafka(InternalSecurity.RULES), registryUrl, settings.fileTenant(), s.topicPrefix());
    try {
      FileRuleGroups.Changes c = FileRuleGroups.sync(rulesTopic, settings.fileTenant(), rules.files(),
          settings.evaluationInterval().toMillis());
      log.info("rule files {}: {}", rules.files().stream().map(f -> f.fileName()).toList(), c);
    } catch (Exception e) {
      throw new IllegalStateException("cannot publish the rule files' groups to " + s.topicPrefix() + Topics.RULES + ": " + e.getMessage(), e);
    }
    startedRules = rules;
    AlertRuleSettings jobSettings = settings;
    // the supervisor submits the job again (restored from its latest checkpoint) when it ends
    RuleJobStage flink = new RuleJobStage(() -> {
      AlertRuleService job = new AlertRuleService(kafkaBootstrap, internal.kafka(InternalSecurity.RULES), registryUrl, s.topicPrefix(), List.of(), dir("flink").resolve("checkpoints"),
          jobSettings, metrics);
      if (internal.enabled()) { // Flink's REST API (it cancels jobs) and BLOB server answer no one without this process's certificate
        job.withFlinkConfig(io.strata.flink.MiniClusterTls.config(dir("secrets").resolve("flink-tls")));
      }
      job.start();
      return job;
    }, settings.consumerGroup());
    return flink;
  }

  /**
   * Re-reads the rule files (SIGHUP, {@code POST /-/reload}) and publishes what changed; the running job takes
   * it over without a restart, keeping the alerts' state of changed groups. When a file does not load, nothing
   * is published, the running rules stay, and the reason is logged and thrown.
   */
  synchronized void reloadRules() {
    if (rulesTopic == null) {
      return; // not started
    }
    RuleSource.Loaded rules;
    try {
      rules = ruleSource().load(this::builtInRules);
    } catch (RuntimeException e) {
      log.error("reloading the rule files failed, the running rules stay: {}", e.getMessage());
      throw new IllegalArgumentException("rule files: " + e.getMessage(), e);
    }
    if (!rules.externalLabels().equals(startedRules.externalLabels())
        || !java.util.Objects.equals(rules.evaluationInterval(), startedRules.evaluationInterval())) {
      log.warn("global.external_labels or global.evaluation_interval changed: the rule job takes the new values at its next "
          + "start (groups without an interval of their own follow the new evaluation_interval now)");
    }
    long defaultInterval = rules.evaluationInterval() != null ? rules.evaluationInterval().toMillis()
        : ruleSettings.evaluationInterval().toMillis();
    try {
      FileRuleGroups.Changes c = FileRuleGroups.sync(rulesTopic, ruleSettings.fileTenant(), rules.files(), defaultInterval);
      log.info("reloaded rule files {}: {}", rules.files().stream().map(f -> f.fileName()).toList(), c);
    } catch (Exception e) {
      log.error("publishing the reloaded rule files failed, the running rules stay: {}", e.toString());
      throw new IllegalStateException("rule files: cannot publish to " + s.topicPrefix() + Topics.RULES + ": " + e.getMessage(), e);
    }
  }

  /**
   * What SIGHUP re-reads after the scrape config ({@link IngestStage#startScraping}): the rule files, and the
   * alert delivery settings when the delivery stage runs.
   */
  private static void reloadOnHangup(AlertDelivery delivery, AlertingSource alerting, Runnable rules) {
    try {
      rules.run();
    } catch (RuntimeException e) {
      // logged by the rule reload
    }
    if (delivery != null) {
      try {
        delivery.reload(alerting.load());
      } catch (RuntimeException e) {
        log.error("SIGHUP: reloading the alerting config failed, the running one stays: {}", e.getMessage());
      }
    }
  }

  /** The built-in rule file (alerts on the stack's own targets), copied into the data dir. */
  private Path builtInRules() {
    Path target = dir("rules").resolve("default-rules.yml");
    try (var in = Stack.class.getResourceAsStream("/default-rules.yml")) {
      java.nio.file.Files.createDirectories(target.getParent());
      java.nio.file.Files.write(target, in.readAllBytes());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot write " + target, e);
    }
    return target;
  }

  /** The scrape config as /api/v1/status/config shows it: the file as it is now (a reload may have changed it). */
  private static String readOrEmpty(Path file) {
    try {
      return java.nio.file.Files.readString(file);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  /**
   * The prometheus.yml the scrape engine reads: the one given with --scrape-config, else one written into
   * the data directory that scrapes the stack's own /metrics endpoints, so a fresh start has data to query.
   */
  private Path scrapeConfigFile() {
    if (s.scrapeConfig() != null) {
      return s.scrapeConfig();
    }
    Path file = dir("scrape").resolve("prometheus.yml");
    String yaml = "# written by `strata up` at every start: the stack scrapes its own /metrics.\n"
        + "# Give your own file with --scrape-config (or scrape_config in the config file).\n"
        + "global:\n  scrape_interval: 15s\nscrape_configs:\n"
        + "  - job_name: strata\n" + selfScrapeSecurity() + "    static_configs:\n"
        + "      - targets: ['" + s.host() + ":" + s.queryPort() + "', '" + s.host() + ":" + s.ingestPort() + "']\n";
    try {
      java.nio.file.Files.createDirectories(file.getParent());
      java.nio.file.Files.writeString(file, yaml);
      if (web.basicAuth()) { // it holds this start's self-scrape password
        java.nio.file.Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot write " + file, e);
    }
    return file;
  }

  /** With a web config, the self-scrape speaks TLS to its own ports and logs in as {@link WebSecurity#SELF_SCRAPE_USER}. */
  private String selfScrapeSecurity() {
    StringBuilder b = new StringBuilder();
    if (web.tls()) { // its own certificate, on loopback or its own address: the name may not match
      b.append("    scheme: https\n    tls_config:\n      insecure_skip_verify: true\n");
    }
    if (web.basicAuth()) {
      b.append("    basic_auth:\n      username: ").append(WebSecurity.SELF_SCRAPE_USER)
          .append("\n      password: ").append(web.selfScrapePassword()).append('\n');
    }
    return b.toString();
  }

  private Map<String, String> tsdbSinkConfig(Path tsdb) {
    return TsdbSinkSettings.connector(s.topicPrefix(), s.resolutions(), tsdb, registryUrl, kafkaBootstrap, s.outOfOrderWindow(),
        internal.kafka(InternalSecurity.SINK), 2);
  }

  /** Prints that {@code what} starts; returns the time to give {@link #done}. */
  private long step(String what) {
    synchronized (out) {
      out.println("  starting " + what + " ...");
      out.flush();
    }
    return System.nanoTime();
  }

  private void done(String what, long since) {
    synchronized (out) {
      out.println("  started " + what + " (" + (System.nanoTime() - since) / 1_000_000 + " ms)");
      out.flush();
    }
  }

  /**
   * Starts a stage on its own thread while the caller goes on; {@link #await} hands it over to be stopped with
   * the rest, and a start that fails part-way stops it too ({@link #stopPending}).
   */
  private <T extends AutoCloseable> CompletableFuture<T> inBackground(String what, Supplier<T> start) {
    CompletableFuture<T> f = CompletableFuture.supplyAsync(() -> {
      long t = step(what);
      T stage = start.get();
      done(what, t);
      return stage;
    }, r -> {
      Thread thread = new Thread(r, "strata-up-" + what.split(" ")[0].toLowerCase(java.util.Locale.ROOT));
      thread.setDaemon(true);
      thread.start();
    });
    pending.add(f);
    return f;
  }

  /** The stage once started; its own failure, unwrapped, when it did not start. */
  private <T> T await(CompletableFuture<T> f) {
    try {
      T stage = f.join();
      pending.remove(f);
      return stage;
    } catch (java.util.concurrent.CompletionException e) {
      pending.remove(f);
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  /** Waits for the stages still starting on their own threads and stops those that started. */
  private void stopPending() {
    for (CompletableFuture<? extends AutoCloseable> f : pending) {
      try {
        f.join().close();
      } catch (Exception e) {
        log.debug("a stage starting alongside failed too: {}", e.toString());
      }
    }
    pending.clear();
  }

  private void printUrls(long millis) {
    String h = s.host();
    String web = this.web.tls() ? "https://" : "http://";
    out.println();
    out.println("Strata is up (" + millis + " ms). Data in " + s.dataDir());
    out.println("  web UI             " + web + h + ":" + queryPort + "/   (graph, alerts, rules, targets, status)");
    out.println("  query API          " + web + h + ":" + queryPort + "/api/v1/   (Prometheus HTTP API; Grafana data source URL " + web + h + ":" + queryPort + ")");
    IngestStage.printUrls(out, web + h + ":" + ingestPort, this.web.options().lifecycle());
    out.println("  Kafka              " + kafkaBootstrap);
    out.println("  schema registry    " + io.strata.schemas.registry.RegistryUrl.withoutCredentials(registryUrl));
    out.println("  Kafka Connect REST http://" + h + ":" + s.connectPort() + "/connectors");
    out.println("  metrics            " + web + h + ":" + queryPort + "/metrics  " + web + h + ":" + ingestPort + "/metrics");
    if (delivery != null) {
      out.println("  alert delivery     " + String.join(" ", delivery.config().targets().stream().map(t -> t.url().toString()).toList()));
    }
    out.println("ready");
    out.flush();
  }

  public boolean isReady() {
    return ready.get();
  }

  public String kafkaBootstrap() {
    return kafkaBootstrap;
  }

  @Override
  public synchronized void close() {
    ready.set(false);
    while (!started.isEmpty()) {
      AutoCloseable c = started.pop();
      try {
        c.close();
      } catch (Exception e) {
        log.warn("stopping {} failed: {}", c.getClass().getSimpleName(), e.toString());
      }
    }
  }
}
