package io.strata.app.query;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.app.up.Settings;
import io.strata.app.up.StrataConfig;
import io.strata.embedded.Ports;
import io.strata.query.api.QueryConfig;
import io.strata.query.api.QueryServer;
import io.strata.query.store.FanoutStore;
import io.strata.schemas.http.WebSecurity;
import io.strata.schemas.prom.PromDuration;
import io.strata.tsdb.Resolution;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import io.strata.app.KafkaClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code strata query}: a query node (distributed runs). The Prometheus HTTP API and web UI over remote stores, read
 * through their store API and merged ({@link FanoutStore}, query/README.md "Fan-out"), with HA replica
 * deduplication and Thanos's {@code partial_response}. It holds no data itself.
 */
@Command(name = "query", mixinStandardHelpOptions = true,
    description = "Run a query node: the Prometheus HTTP API and web UI over the stores given with --store (each a Strata process "
        + "serving /api/v1/store/, e.g. the query port of strata up or of a Connect worker's store), merged and deduplicated. "
        + "Ctrl-C stops it.")
public final class QueryCommand implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE",
      description = "strata.yml; read here: host, ports.query, query.stores, query.partial_response, query.store_timeout, "
          + "query.replica_labels, rollups.resolutions, kafka.topic_prefix, auth.tenants; flags override it")
  Path config;

  @Option(names = "--store", paramLabel = "URL",
      description = "a store to read (repeatable; http(s)://[user:password@]host:port), in order of preference for samples two "
          + "stores hold at the same timestamp (default: query.stores)")
  List<String> stores;

  @Option(names = "--partial-response", negatable = true,
      description = "answer with the stores that answered plus a warning when one does not, for requests without "
          + "partial_response (default: query.partial_response, else true, as Thanos); --no-partial-response: an error naming the store")
  Boolean partialResponse;

  @Option(names = "--store-timeout", paramLabel = "DURATION", description = "how long one store may take to answer one read "
      + "(default: query.store_timeout, else 30s)")
  String storeTimeout;

  @Option(names = "--host", description = "address the query port binds (default: host, else 127.0.0.1)")
  String host;

  @Option(names = "--port", description = "query port (default: ports.query, else 9090)")
  Integer port;

  @Option(names = {"--bootstrap", "--kafka"}, paramLabel = "HOST:PORT,...",
      description = "Kafka bootstrap servers: with it, /api/v1/metadata, /rules and /alerts read their topics (default: none, "
          + "those answer empty)")
  String bootstrap;

  @Mixin
  KafkaClientConfig kafkaClient;

  @Option(names = "--registry-url", paramLabel = "URL", description = "schema registry, with --bootstrap; a password as user info: "
      + "http(s)://user:password@host:port/... (default: ${DEFAULT-VALUE})",
      defaultValue = "http://127.0.0.1:8081/apis/ccompat/v7")
  String registryUrl;

  @Option(names = "--web.config.file", paramLabel = "FILE",
      description = "Prometheus web-config.yml: tls_server_config, basic_auth_users (bcrypt), http_server_config headers")
  Path webConfigFile;

  @Option(names = "--log-dir", paramLabel = "DIR", description = "where strata.log goes (default: the temp dir's strata-logs/)")
  Path logDir;

  @Override
  public Integer call() throws Exception {
    if (logDir != null) { // before the first logger is made
      io.strata.app.LogDir.use(logDir);
    }
    PrometheusRegistry metrics = new PrometheusRegistry();
    QueryConfig cfg;
    FanoutStore fanout;
    WebSecurity web;
    String prefix;
    try {
      StrataConfig file = config == null ? StrataConfig.EMPTY : StrataConfig.load(config);
      StrataConfig.QuerySection q = file.query() == null ? new StrataConfig.QuerySection(null, null, null, null) : file.query();
      List<String> urls = stores != null && !stores.isEmpty() ? stores : q.stores() == null ? List.of() : q.stores();
      if (urls.isEmpty()) {
        throw new IllegalArgumentException("no store to read: give --store URL (repeatable) or query.stores");
      }
      List<URI> uris = new ArrayList<>();
      for (String u : urls) {
        try {
          uris.add(URI.create(u));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("query.stores: \"" + u + "\" is not an http(s)://host:port URL");
        }
      }
      boolean partial = partialResponse != null ? partialResponse : q.partialResponse() == null || q.partialResponse();
      String timeout = storeTimeout != null ? storeTimeout : q.storeTimeout() != null ? q.storeTimeout() : "30s";
      long timeoutMs;
      try {
        timeoutMs = PromDuration.parseMillis(timeout);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("query.store_timeout: \"" + timeout + "\" is not a duration like 30s or 1m");
      }
      if (timeoutMs <= 0) {
        throw new IllegalArgumentException("query.store_timeout must be > 0, got " + timeout);
      }
      prefix = Settings.checkTopicPrefix(Settings.topicPrefix(file));
      String bindHost = host != null ? host : file.host() != null ? file.host() : "127.0.0.1";
      int bindPort = port != null ? port : file.ports() != null && file.ports().query() != null ? file.ports().query() : Settings.DEFAULT_QUERY_PORT;
      List<String> resolutions = file.rollups() != null && file.rollups().resolutions() != null ? file.rollups().resolutions() : List.of("1m", "5m", "1h");
      cfg = QueryConfig.defaults(bindHost, bindPort).withReplicaLabels(q.replicaLabels())
          .withRollupResolutions(resolutions.stream().map(Resolution::parse).toList());
      web = WebSecurity.load(new WebSecurity.Options(webConfigFile == null ? null : webConfigFile.toAbsolutePath(), Settings.tenants(file),
          false, false, () -> System.exit(0)));
      if (bindPort != 0) {
        Ports.requireFree("query", bindHost, bindPort);
      }
      fanout = new FanoutStore(uris, partial, Duration.ofMillis(timeoutMs), metrics);
    } catch (IllegalArgumentException | Ports.PortInUseException e) {
      System.err.println("strata query: " + e.getMessage());
      return 2;
    }
    long t0 = System.nanoTime();
    QueryServer server;
    try {
      server = (bootstrap == null ? new QueryServer(cfg, fanout, metrics, () -> true)
          : new QueryServer(cfg, fanout, metrics, () -> true, bootstrap, kafkaClient.properties(), registryUrl, prefix)).secure(web).start();
    } catch (RuntimeException e) {
      fanout.close();
      System.err.println("strata query: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("strata query: stopping ...");
      server.close();
      fanout.close();
      System.out.println("strata query: stopped");
      stopped.countDown();
    }, "strata-query-shutdown"));
    String h = cfg.host().equals("0.0.0.0") ? "127.0.0.1" : cfg.host();
    String base = (web.tls() ? "https://" : "http://") + h + ":" + server.port();
    System.out.println("strata query is up (" + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms) over "
        + fanout.storeNames().size() + " store(s), partial responses " + (fanout.partialByDefault() ? "on" : "off") + " by default");
    System.out.println("  web UI             " + base + "/");
    System.out.println("  query API          " + base + "/api/v1/   (Prometheus HTTP API; Grafana data source URL " + base + ")");
    System.out.println("  metrics            " + base + "/metrics   (health: /-/healthy, /-/ready)");
    for (String s : fanout.storeNames()) {
      System.out.println("  store              " + s);
    }
    System.out.println("ready");
    System.out.flush();
    stopped.await();
    return 0;
  }
}
