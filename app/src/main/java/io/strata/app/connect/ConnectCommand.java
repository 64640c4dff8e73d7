package io.strata.app.connect;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.app.Stage;
import io.strata.app.StageMetrics;
import io.strata.app.StageOptions;
import io.strata.app.StageRun;
import io.strata.app.StageSettings;
import io.strata.app.up.ConnectRestAuth;
import io.strata.app.up.ConnectRestTls;
import io.strata.app.up.Settings;
import io.strata.app.up.StrataConfig;
import io.strata.app.up.TsdbSinkSettings;
import io.strata.embedded.ConnectWorker;
import io.strata.embedded.Ports;
import io.strata.query.api.QueryConfig;
import io.strata.query.api.QueryServer;
import io.strata.schemas.http.WebSecurity;
import io.strata.sinks.tsdb.TsdbSinkConfig;
import io.strata.sinks.tsdb.WorkerStore;
import io.strata.tsdb.Resolution;
import io.strata.tsdb.Store;
import io.strata.tsdb.Stores;
import io.strata.tsdb.TsdbConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code strata connect}: a Kafka Connect worker running the TSDB sink connector into this worker's store in
 * {@code --data-dir}, and a query server over that store, whose {@code /api/v1/store/*} a query node reads. Standalone
 * (the default, what {@code strata up} runs) or, with {@code --distributed --group-id G}, one worker of a distributed
 * Connect cluster that spreads the connector's tasks over its workers. Either way the connector config names no
 * path: its tasks write the store this command opened and registered ({@link WorkerStore}), and the workers share the
 * partitions through the sink's consumer group {@code connect-strata-tsdb-sink}. {@code --web.config.file} guards the
 * store's port and Connect's REST API alike ({@link ConnectRestTls}, {@link ConnectRestAuth}); the connector config
 * holds the secrets of {@code --kafka-client-config} and the registry URL by reference only ({@link ConnectSecrets}).
 */
@Command(name = "connect", mixinStandardHelpOptions = true,
    description = "Run a Kafka Connect worker with the TSDB sink against an existing Kafka and schema registry; its store is served "
        + "on --port (Prometheus HTTP API and the store API a `strata query --store` node reads). Ctrl-C stops it.")
public final class ConnectCommand implements Callable<Integer> {
  /** How long a worker that left unannounced keeps its tasks before the group restarts them on the others. */
  static final Duration SCHEDULED_REBALANCE_DELAY = Duration.ofSeconds(30);
  /** How long a distributed worker tries to create the connector (the group forming, its leader elected). */
  private static final Duration CONNECTOR_TIMEOUT = Duration.ofSeconds(60);

  static final Stage STAGE = new Stage("connect", "query", "ports.query", Settings.DEFAULT_QUERY_PORT, false);

  @picocli.CommandLine.Mixin
  io.strata.app.KafkaClientConfig kafkaClient;

  /** The options every stage shares; here --port is the store's query server, --data-dir holds tsdb/ and, standalone, connect/. */
  @picocli.CommandLine.Mixin
  StageOptions options;

  @Option(names = "--connect-port", paramLabel = "PORT", description = "Kafka Connect REST port (default: ports.connect, else 8083); "
      + "behind --web.config.file's TLS and users as --port is")
  Integer connectPort;

  @Option(names = "--tasks", description = "the connector's tasks.max: sink tasks of this worker, or with --distributed of the whole group "
      + "(default: ${DEFAULT-VALUE})", defaultValue = "2")
  int tasks;

  @Option(names = "--distributed", description = "run a worker of the distributed Connect cluster --group-id instead of a standalone one")
  boolean distributed;

  @Option(names = "--group-id", paramLabel = "G", description = "with --distributed: the Connect cluster's group; its topics are "
      + "<prefix>connect-<G>-configs|offsets|status")
  String groupId;

  @Option(names = "--advertised-host", paramLabel = "HOST", description = "with --distributed: the host the other workers reach this "
      + "one's Connect REST on (default: --host, or this machine's name when --host is 0.0.0.0)")
  String advertisedHost;

  @Option(names = "--replication-factor", paramLabel = "N", description = "with --distributed: replication factor of the group's "
      + "topics when this worker creates them (default: -1, the broker's default.replication.factor)")
  Short replicationFactor;

  @Override
  public Integer call() throws Exception {
    StageRun run = new StageRun(STAGE.name());
    StageSettings s;
    int restPort;
    List<String> resolutions;
    Duration window;
    Duration commitInterval;
    QueryConfig queryConfig;
    WebSecurity web;
    Map<String, String> restTls;
    try {
      s = options.resolve(STAGE);
      StrataConfig file = s.file();
      Integer filePort = file.ports() == null ? null : file.ports().connect();
      String restSource = connectPort != null ? "--connect-port" : filePort != null ? "ports.connect" : "--connect-port";
      restPort = Settings.port(restSource, connectPort != null ? connectPort : filePort != null ? filePort : Settings.DEFAULT_CONNECT_PORT, 1);
      if (s.port() == restPort) {
        throw Settings.invalid(restSource, "must differ from the query port " + s.port());
      }
      if (tasks < 1) {
        throw Settings.invalid("--tasks", "must be >= 1, got " + tasks);
      }
      checkDistributedFlags(distributed, groupId, replicationFactor);
      if (advertisedHost != null && !distributed) {
        throw Settings.invalid("--advertised-host", "needs --distributed");
      }
      resolutions = TsdbSinkSettings.resolutions(file);
      List<Resolution> parsed = resolutions.stream().map(Resolution::parse).toList();
      window = TsdbSinkSettings.outOfOrderWindow(file);
      commitInterval = Settings.sinkCommitInterval(file);
      List<String> replicaLabels = file.query() == null || file.query().replicaLabels() == null ? List.of() : file.query().replicaLabels();
      queryConfig = QueryConfig.defaults(s.host(), s.port()).withReplicaLabels(replicaLabels).withRollupResolutions(parsed);
      web = s.web(true, false, null);
      // Connect's REST API behind the same web config: its own HTTPS listener, and the users through a REST extension
      restTls = ConnectRestTls.workerConfig(web, s.host(), restPort, s.dataDir().resolve("connect-rest-tls"));
      s.requirePortFree();
      try {
        Ports.requireFree("Kafka Connect REST", s.host(), restPort);
      } catch (Ports.PortInUseException e) {
        throw Settings.invalid(restSource, e.getMessage());
      }
    } catch (IllegalArgumentException e) {
      return run.refuse(e);
    }
    Path tsdb = s.dataDir().resolve("tsdb");
    run.say("starting the TSDB sink into " + tsdb + ", Kafka " + s.bootstrap() + ", registry " + s.registryUrl() + " ...");
    PrometheusRegistry metrics = StageMetrics.registry();
    Store store;
    try {
      store = Stores.open(TsdbConfig.defaults(tsdb).withOutOfOrderWindow(window), metrics);
    } catch (RuntimeException e) {
      return run.fail(1, "cannot open the store in " + tsdb + ": " + e.getMessage());
    }
    WorkerStore.register(store); // the TSDB sink tasks of this worker write it
    run.started(() -> { // stopped last: the worker's tasks commit what they wrote before it closes
      WorkerStore.unregister(store);
      store.close();
    });
    ConnectWorker worker;
    try {
      // a worker killed with -9 holds its partitions until its consumers' session expires: 10 s, not Kafka's 45 s
      Map<String, String> overrides = new java.util.HashMap<>(Map.of("consumer.session.timeout.ms", "10000", "consumer.heartbeat.interval.ms", "3000",
          // on SIGTERM the tasks commit what they wrote before the store closes: Connect's 5 s default gave up on a loaded machine
          "task.shutdown.graceful.timeout.ms", "30000"));
      kafkaClient.properties().forEach((k, v) -> { // the worker's own clients and its tasks' consumers, producers and admins
        overrides.put(k, v);
        overrides.put("consumer." + k, v);
        overrides.put("producer." + k, v);
        overrides.put("admin." + k, v);
      });
      overrides.putAll(restTls);
      if (web.basicAuth()) {
        overrides.putAll(ConnectRestAuth.workerConfig(web));
      }
      // secrets by reference in the connector config: the config topic holds ${strata:...}, each worker resolves it
      ConnectSecrets.Split secrets = ConnectSecrets.connectorConfig(kafkaClient.properties(), TsdbSinkConfig.KAFKA_CLIENT_PREFIX,
          TsdbSinkConfig.REGISTRY_URL, s.registryUrl());
      overrides.putAll(ConnectSecrets.workerConfig(secrets.secrets(), kafkaClient.properties()));
      if (distributed) {
        // a worker gone longer than this (not restarted) has its tasks started on the others, so tasks.max keep running;
        // a restart within it takes them back without moving the others' (Connect's default waits 5 min)
        overrides.putIfAbsent("scheduled.rebalance.max.delay.ms", Long.toString(SCHEDULED_REBALANCE_DELAY.toMillis()));
        String advertised = advertisedHost != null ? advertisedHost
            : s.host().equals("0.0.0.0") ? java.net.InetAddress.getLocalHost().getCanonicalHostName() : s.host();
        worker = run.started(ConnectWorker.startDistributed(s.bootstrap(), s.host(), advertised, restPort, groupId, s.topicPrefix(),
            replicationFactor == null ? -1 : replicationFactor, commitInterval.toMillis(), overrides));
      } else {
        worker = run.started(ConnectWorker.start(s.bootstrap(), s.host(), restPort, s.dataDir().resolve("connect"), commitInterval.toMillis(),
            overrides));
      }
      Map<String, String> connector = new java.util.HashMap<>(TsdbSinkSettings.connector(s.topicPrefix(), resolutions, null, s.registryUrl(),
          s.bootstrap(), window, kafkaClient.properties(), tasks));
      connector.putAll(secrets.connector());
      if (distributed) { // every worker of the group puts the same config; the first creates it, the others find it
        String kept = worker.putConnectorShared(TsdbSinkSettings.CONNECTOR, connector, CONNECTOR_TIMEOUT);
        if (kept != null) {
          run.say("warning: " + kept);
        }
      } else {
        worker.putConnector(TsdbSinkSettings.CONNECTOR, connector);
      }
    } catch (RuntimeException | java.net.UnknownHostException e) {
      return run.fail(1, e.getMessage());
    }
    QueryServer server;
    try {
      server = run.started(new QueryServer(queryConfig, store, metrics, () -> sinkRunning(worker, distributed)).secure(web).start());
    } catch (RuntimeException e) {
      return run.fail(1, e.getMessage());
    }
    String base = s.baseUrl(web.tls(), server.port());
    String h = s.host().equals("0.0.0.0") ? "127.0.0.1" : s.host();
    return run.serve("connector " + TsdbSinkSettings.CONNECTOR + " (" + tasks + " task(s)" + (distributed ? " over the group's workers" : "")
        + ") reading " + s.topicPrefix() + "metrics.samples and its rollups", base, out -> {
          out.println(StageRun.line("store API", base + "/api/v1/store/   (strata query --store " + base + ")"));
          out.println(StageRun.line("query API", base + "/api/v1/   (this store only)"));
          out.println(StageRun.line("Kafka Connect REST", (restTls.isEmpty() ? "http" : "https") + "://" + h + ":" + restPort + "/connectors"
              + (distributed ? "   (worker " + worker.workerId() + " of group " + groupId + ", topics " + s.topicPrefix() + "connect-" + groupId
              + "-*)" : "")));
          out.println(StageRun.line("data", s.dataDir().toString()));
        });
  }

  /** The flags of distributed mode come together, and the group id is part of topic names. */
  static void checkDistributedFlags(boolean distributed, String groupId, Short replicationFactor) {
    if (!distributed) {
      if (groupId != null || replicationFactor != null) {
        throw Settings.invalid(groupId != null ? "--group-id" : "--replication-factor", "needs --distributed");
      }
      return;
    }
    if (groupId == null) {
      throw Settings.invalid("--distributed", "needs --group-id (the Connect cluster's group, e.g. strata-tsdb-sink)");
    }
    if (!groupId.matches("[a-zA-Z0-9._-]{1,200}")) {
      throw Settings.invalid("--group-id", "is part of topic names: 1..200 letters, digits, '.', '_' or '-', got \"" + groupId + "\"");
    }
    if (replicationFactor != null && replicationFactor != -1 && replicationFactor < 1) {
      throw Settings.invalid("--replication-factor", "must be >= 1 (or -1: the broker's default), got " + replicationFactor);
    }
  }

  /**
   * Ready: the connector RUNNING (on whichever worker of the group) with its tasks, and every task of it on this worker
   * RUNNING (a standalone worker holds them all; a distributed one may hold none when the group has more workers than
   * tasks, and still serves its store).
   */
  private static boolean sinkRunning(ConnectWorker worker, boolean distributed) {
    try {
      ConnectorStateInfo st = worker.status(TsdbSinkSettings.CONNECTOR);
      String me = worker.workerId();
      return st != null && "RUNNING".equals(st.connector().state()) && !st.tasks().isEmpty()
          && st.tasks().stream().filter(t -> !distributed || me.equals(t.workerId())).allMatch(t -> "RUNNING".equals(t.state()));
    } catch (RuntimeException e) {
      return false;
    }
  }
}
