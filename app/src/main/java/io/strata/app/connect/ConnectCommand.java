package io.strata.app.connect;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.app.up.Settings;
import io.strata.app.up.StrataConfig;
import io.strata.app.up.TsdbSinkSettings;
import io.strata.embedded.ConnectWorker;
import io.strata.embedded.Ports;
import io.strata.query.api.QueryConfig;
import io.strata.query.api.QueryServer;
import io.strata.schemas.http.WebSecurity;
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
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code strata connect}: a Kafka Connect worker running the TSDB sink connector into this worker's store in
 * {@code --data-dir}, and a query server over that store, whose {@code /api/v1/store/*} a query node reads. Standalone
 * (the default, what {@code strata up} runs) or, with {@code --distributed --group-id G}, one worker of a distributed
 * Connect cluster that spreads the connector's tasks over its workers. Either way the connector config names no
 * path: its tasks write the store this command opened and registered ({@link WorkerStore}), and the workers share the
 * partitions through the sink's consumer group {@code connect-strata-tsdb-sink}.
 */
@Command(name = "connect", mixinStandardHelpOptions = true,
    description = "Run a Kafka Connect worker with the TSDB sink against an existing Kafka and schema registry; its store is served "
        + "on --port (Prometheus HTTP API and the store API a `strata query --store` node reads). Ctrl-C stops it.")
public final class ConnectCommand implements Callable<Integer> {
  /** How long a worker that left unannounced keeps its tasks before the group restarts them on the others. */
  static final Duration SCHEDULED_REBALANCE_DELAY = Duration.ofSeconds(30);
  /** How long a distributed worker tries to create the connector (the group forming, its leader elected). */
  private static final Duration CONNECTOR_TIMEOUT = Duration.ofSeconds(60);

  @picocli.CommandLine.Mixin
  io.strata.app.KafkaClientConfig kafkaClient;

  @Option(names = "--config", paramLabel = "FILE",
      description = "strata.yml as for strata up; read here: host, data_dir, ports.query, ports.connect, kafka.topic_prefix, auth.tenants, "
          + "rollups.resolutions, sink.commit_interval, sink.out_of_order_window, query.replica_labels; flags override it")
  Path config;

  @Option(names = {"--bootstrap", "--kafka"}, paramLabel = "HOST:PORT,...",
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE})", defaultValue = "127.0.0.1:9092")
  String bootstrap;

  @Option(names = "--registry-url", paramLabel = "URL", description = "schema registry, Confluent-compatible API (default: ${DEFAULT-VALUE})",
      defaultValue = "http://127.0.0.1:8081/apis/ccompat/v7")
  String registryUrl;

  @Option(names = "--topic-prefix", paramLabel = "P", description = "prefix of every topic name (default: kafka.topic_prefix, else none)")
  String topicPrefix;

  @Option(names = "--host", description = "address the ports bind (default: host, else 127.0.0.1)")
  String host;

  @Option(names = "--port", description = "port of the store's query server (default: ports.query, else 9090)")
  Integer port;

  @Option(names = "--connect-port", description = "Kafka Connect REST port (default: ports.connect, else 8083)")
  Integer connectPort;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "holds tsdb/ (this worker's store) and, standalone, connect/ (default: data_dir, else ./data)")
  Path dataDir;

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

  @Option(names = "--web.config.file", paramLabel = "FILE",
      description = "Prometheus web-config.yml on the store's query port: tls_server_config, basic_auth_users (bcrypt), "
          + "http_server_config headers")
  Path webConfigFile;

  @Option(names = "--log-dir", paramLabel = "DIR", description = "where strata.log goes (default: the temp dir's strata-logs/)")
  Path logDir;

  @Override
  public Integer call() throws Exception {
    if (logDir != null) { // before the first logger is made
      io.strata.app.LogDir.use(logDir);
    }
    String prefix;
    String bindHost;
    int queryPort;
    int restPort;
    Path dir;
    List<String> resolutions;
    Duration window;
    Duration commitInterval;
    QueryConfig queryConfig;
    WebSecurity web;
    try {
      StrataConfig file = config == null ? StrataConfig.EMPTY : StrataConfig.load(config);
      Path configDir = config == null ? Path.of("") : config.toAbsolutePath().getParent();
      prefix = Settings.checkTopicPrefix(topicPrefix != null ? topicPrefix : Settings.topicPrefix(file));
      bindHost = host != null ? host : file.host() != null ? file.host() : "127.0.0.1";
      StrataConfig.PortsConfig ports = file.ports() == null ? new StrataConfig.PortsConfig(null, null, null, null, null, null) : file.ports();
      queryPort = port != null ? port : ports.query() != null ? ports.query() : Settings.DEFAULT_QUERY_PORT;
      restPort = connectPort != null ? connectPort : ports.connect() != null ? ports.connect() : Settings.DEFAULT_CONNECT_PORT;
      checkPort("--port", queryPort, 0);
      checkPort("--connect-port", restPort, 1);
      if (queryPort == restPort) {
        throw new IllegalArgumentException("--port and --connect-port must differ, both are " + queryPort);
      }
      if (tasks < 1) {
        throw new IllegalArgumentException("--tasks must be >= 1, got " + tasks);
      }
      checkDistributedFlags(distributed, groupId, replicationFactor);
      if (advertisedHost != null && !distributed) {
        throw new IllegalArgumentException("--advertised-host needs --distributed");
      }
      dir = (dataDir != null ? dataDir : file.dataDir() != null ? configDir.resolve(file.dataDir()) : Path.of("data")).toAbsolutePath().normalize();
      resolutions = TsdbSinkSettings.resolutions(file);
      List<Resolution> parsed = resolutions.stream().map(Resolution::parse).toList();
      window = TsdbSinkSettings.outOfOrderWindow(file);
      String commit = file.sink() == null || file.sink().commitInterval() == null ? "1s" : file.sink().commitInterval();
      try {
        commitInterval = Duration.ofMillis(io.strata.schemas.prom.PromDuration.parseMillis(commit));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("sink.commit_interval: \"" + commit + "\" is not a duration like 30s or 1m");
      }
      if (commitInterval.toMillis() < 100) {
        throw new IllegalArgumentException("sink.commit_interval must be >= 100ms, got " + commit);
      }
      List<String> replicaLabels = file.query() == null || file.query().replicaLabels() == null ? List.of() : file.query().replicaLabels();
      queryConfig = QueryConfig.defaults(bindHost, queryPort).withReplicaLabels(replicaLabels).withRollupResolutions(parsed);
      web = WebSecurity.load(new WebSecurity.Options(webConfigFile == null ? null : webConfigFile.toAbsolutePath(), Settings.tenants(file),
          false, false, null));
      if (queryPort != 0) {
        Ports.requireFree("query", bindHost, queryPort);
      }
      Ports.requireFree("Kafka Connect REST", bindHost, restPort);
    } catch (IllegalArgumentException | Ports.PortInUseException e) {
      System.err.println("strata connect: " + e.getMessage());
      return 2;
    }
    System.out.println("strata connect: starting the TSDB sink into " + dir.resolve("tsdb") + ", Kafka " + bootstrap + ", registry "
        + registryUrl + " ...");
    long t0 = System.nanoTime();
    PrometheusRegistry metrics = new PrometheusRegistry();
    Path tsdb = dir.resolve("tsdb");
    TsdbConfig tsdbConfig = TsdbConfig.defaults(tsdb).withOutOfOrderWindow(window);
    Store store;
    ConnectWorker worker;
    QueryServer server;
    try {
      store = Stores.open(tsdbConfig, metrics);
    } catch (RuntimeException e) {
      System.err.println("strata connect: cannot open the store in " + tsdb + ": " + e.getMessage());
      return 1;
    }
    WorkerStore.register(store); // the TSDB sink tasks of this worker write it
    Runnable closeStore = () -> {
      WorkerStore.unregister(store);
      try {
        store.close();
      } catch (java.io.IOException e) {
        System.err.println("strata connect: cannot close the store in " + tsdb + ": " + e.getMessage());
      }
    };
    String h = bindHost.equals("0.0.0.0") ? "127.0.0.1" : bindHost;
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
      if (distributed) {
        // a worker gone longer than this (not restarted) has its tasks started on the others, so tasks.max keep running;
        // a restart within it takes them back without moving the others' (Connect's default waits 5 min)
        overrides.putIfAbsent("scheduled.rebalance.max.delay.ms", Long.toString(SCHEDULED_REBALANCE_DELAY.toMillis()));
        String advertised = advertisedHost != null ? advertisedHost
            : bindHost.equals("0.0.0.0") ? java.net.InetAddress.getLocalHost().getCanonicalHostName() : bindHost;
        worker = ConnectWorker.startDistributed(bootstrap, bindHost, advertised, restPort, groupId, prefix,
            replicationFactor == null ? -1 : replicationFactor, commitInterval.toMillis(), overrides);
      } else {
        worker = ConnectWorker.start(bootstrap, bindHost, restPort, dir.resolve("connect"), commitInterval.toMillis(), overrides);
      }
    } catch (RuntimeException | java.net.UnknownHostException e) {
      closeStore.run();
      System.err.println("strata connect: " + e.getMessage());
      return 1;
    }
    try {
      Map<String, String> connector = TsdbSinkSettings.connector(prefix, resolutions, null, registryUrl, bootstrap, window,
          kafkaClient.properties(), tasks);
      if (distributed) { // every worker of the group puts the same config; the first creates it, the others find it
        worker.putConnectorRest(TsdbSinkSettings.CONNECTOR, connector, CONNECTOR_TIMEOUT);
      } else {
        worker.putConnector(TsdbSinkSettings.CONNECTOR, connector);
      }
      server = new QueryServer(queryConfig, store, metrics, () -> sinkRunning(worker, distributed)).secure(web).start();
    } catch (RuntimeException e) {
      worker.close();
      closeStore.run();
      System.err.println("strata connect: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("strata connect: stopping ...");
      server.close();
      worker.close(); // its tasks commit what they wrote, then stop writing
      closeStore.run();
      System.out.println("strata connect: stopped");
      stopped.countDown();
    }, "strata-connect-shutdown"));
    String base = (web.tls() ? "https://" : "http://") + h + ":" + server.port();
    System.out.println("strata connect is up (" + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms): connector "
        + TsdbSinkSettings.CONNECTOR + " (" + tasks + " task(s)" + (distributed ? " over the group's workers" : "") + ") reading " + prefix
        + "metrics.samples and its rollups");
    System.out.println("  store API          " + base + "/api/v1/store/   (strata query --store " + base + ")");
    System.out.println("  query API          " + base + "/api/v1/   (this store only)");
    System.out.println("  Kafka Connect REST http://" + h + ":" + restPort + "/connectors"
        + (distributed ? "   (worker " + worker.workerId() + " of group " + groupId + ", topics " + prefix + "connect-" + groupId + "-*)" : ""));
    System.out.println("  metrics            " + base + "/metrics   (health: /-/healthy, /-/ready)");
    System.out.println("  data               " + dir);
    System.out.println("ready");
    System.out.flush();
    stopped.await();
    return 0;
  }

  /** The flags of distributed mode come together, and the group id is part of topic names. */
  static void checkDistributedFlags(boolean distributed, String groupId, Short replicationFactor) {
    if (!distributed) {
      if (groupId != null || replicationFactor != null) {
        throw new IllegalArgumentException((groupId != null ? "--group-id" : "--replication-factor") + " needs --distributed");
      }
      return;
    }
    if (groupId == null) {
      throw new IllegalArgumentException("--distributed needs --group-id (the Connect cluster's group, e.g. strata-tsdb-sink)");
    }
    if (!groupId.matches("[a-zA-Z0-9._-]{1,200}")) {
      throw new IllegalArgumentException("--group-id is part of topic names: 1..200 letters, digits, '.', '_' or '-', got \"" + groupId + "\"");
    }
    if (replicationFactor != null && replicationFactor != -1 && replicationFactor < 1) {
      throw new IllegalArgumentException("--replication-factor must be >= 1 (or -1: the broker's default), got " + replicationFactor);
    }
  }

  private static void checkPort(String flag, int p, int min) {
    if (p < min || p > 65535) {
      throw new IllegalArgumentException(flag + " must be " + min + "..65535, got " + p);
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
