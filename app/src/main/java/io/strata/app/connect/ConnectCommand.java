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
import io.strata.tsdb.Resolution;
import io.strata.tsdb.SharedStores;
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
 * {@code strata connect}: a Kafka Connect worker (standalone mode) running the TSDB sink connector into a store in
 * {@code --data-dir}, and a query server over that store, whose {@code /api/v1/store/*} a query node reads. Several
 * workers on the same topics share the partitions through the sink's consumer group {@code connect-strata-tsdb-sink}.
 */
@Command(name = "connect", mixinStandardHelpOptions = true,
    description = "Run a Kafka Connect worker with the TSDB sink against an existing Kafka and schema registry; its store is served "
        + "on --port (Prometheus HTTP API and the store API a `strata query --store` node reads). Ctrl-C stops it.")
public final class ConnectCommand implements Callable<Integer> {
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

  @Option(names = "--data-dir", paramLabel = "DIR", description = "holds tsdb/ (the store) and connect/ (default: data_dir, else ./data)")
  Path dataDir;

  @Option(names = "--tasks", description = "sink tasks of this worker (default: ${DEFAULT-VALUE})", defaultValue = "2")
  int tasks;

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
      store = SharedStores.acquire(tsdb, d -> Stores.open(tsdbConfig, metrics));
    } catch (RuntimeException e) {
      System.err.println("strata connect: cannot open the store in " + tsdb + ": " + e.getMessage());
      return 1;
    }
    try {
      // a worker killed with -9 holds its partitions until its consumers' session expires: 10 s, not Kafka's 45 s
      Map<String, String> overrides = new java.util.HashMap<>(Map.of("consumer.session.timeout.ms", "10000", "consumer.heartbeat.interval.ms", "3000"));
      kafkaClient.properties().forEach((k, v) -> { // the worker's own clients and its tasks' consumers, producers and admins
        overrides.put(k, v);
        overrides.put("consumer." + k, v);
        overrides.put("producer." + k, v);
        overrides.put("admin." + k, v);
      });
      worker = ConnectWorker.start(bootstrap, bindHost, restPort, dir.resolve("connect"), commitInterval.toMillis(), overrides);
    } catch (RuntimeException e) {
      SharedStores.release(tsdb);
      System.err.println("strata connect: " + e.getMessage());
      return 1;
    }
    try {
      worker.putConnector(TsdbSinkSettings.CONNECTOR, TsdbSinkSettings.connector(prefix, resolutions, tsdb, registryUrl, bootstrap, window,
          kafkaClient.properties(), tasks));
      server = new QueryServer(queryConfig, store, metrics, () -> sinkRunning(worker)).secure(web).start();
    } catch (RuntimeException e) {
      worker.close();
      SharedStores.release(tsdb);
      System.err.println("strata connect: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("strata connect: stopping ...");
      server.close();
      worker.close();
      SharedStores.release(tsdb);
      System.out.println("strata connect: stopped");
      stopped.countDown();
    }, "strata-connect-shutdown"));
    String h = bindHost.equals("0.0.0.0") ? "127.0.0.1" : bindHost;
    String base = (web.tls() ? "https://" : "http://") + h + ":" + server.port();
    System.out.println("strata connect is up (" + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms): connector "
        + TsdbSinkSettings.CONNECTOR + " (" + tasks + " task(s)) reading " + prefix + "metrics.samples and its rollups");
    System.out.println("  store API          " + base + "/api/v1/store/   (strata query --store " + base + ")");
    System.out.println("  query API          " + base + "/api/v1/   (this store only)");
    System.out.println("  Kafka Connect REST http://" + h + ":" + restPort + "/connectors");
    System.out.println("  metrics            " + base + "/metrics   (health: /-/healthy, /-/ready)");
    System.out.println("  data               " + dir);
    System.out.println("ready");
    System.out.flush();
    stopped.await();
    return 0;
  }

  private static void checkPort(String flag, int p, int min) {
    if (p < min || p > 65535) {
      throw new IllegalArgumentException(flag + " must be " + min + "..65535, got " + p);
    }
  }

  /** Ready: the connector and every task of it RUNNING on this worker. */
  private static boolean sinkRunning(ConnectWorker worker) {
    try {
      ConnectorStateInfo st = worker.status(TsdbSinkSettings.CONNECTOR);
      return st != null && "RUNNING".equals(st.connector().state()) && !st.tasks().isEmpty()
          && st.tasks().stream().allMatch(t -> "RUNNING".equals(t.state()));
    } catch (RuntimeException e) {
      return false;
    }
  }
}
