package io.strata.app.streams;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.app.up.Settings;
import io.strata.app.up.StrataConfig;
import io.strata.app.up.TsdbSinkSettings;
import io.strata.embedded.Ports;
import io.strata.schemas.Topics;
import io.strata.schemas.http.StageHttpServer;
import io.strata.schemas.http.StageHttpServer.Reply;
import io.strata.schemas.http.WebSecurity;
import io.strata.streams.RollupService;
import io.strata.streams.config.RollupConfig;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code strata streams}: the Kafka Streams rollup stage on its own, against an existing Kafka and registry, as
 * {@code strata up} starts it. Instances with the same application id share the samples topic's partitions (Kafka
 * Streams' own scale-out); each keeps its RocksDB state in {@code --data-dir}.
 */
@Command(name = "streams", mixinStandardHelpOptions = true,
    description = "Run the Kafka Streams rollups alone against an existing Kafka and schema registry: metrics.samples into "
        + "metrics.rollup.<res>. Instances with the same --application-id share the partitions. Ctrl-C stops it.")
public final class StreamsCommand implements Callable<Integer> {
  /** The application id of {@code strata up}'s rollups (Stack.ROLLUP_APPLICATION_ID): a stage joining a running stack. */
  public static final String DEFAULT_APPLICATION_ID = io.strata.app.up.Stack.ROLLUP_APPLICATION_ID;
  public static final int DEFAULT_PORT = 9096;
  private static final Set<String> DEAD = Set.of("ERROR", "PENDING_ERROR", "NOT_RUNNING", "PENDING_SHUTDOWN");

  @picocli.CommandLine.Mixin
  io.strata.app.KafkaClientConfig kafkaClient;

  @Option(names = "--config", paramLabel = "FILE",
      description = "strata.yml as for strata up; read here: host, data_dir, kafka.topic_prefix, rollups.resolutions, "
          + "sink.out_of_order_window; flags override it")
  Path config;

  @Option(names = {"--bootstrap", "--kafka"}, paramLabel = "HOST:PORT,...",
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE})", defaultValue = "127.0.0.1:9092")
  String bootstrap;

  @Option(names = "--registry-url", paramLabel = "URL", description = "schema registry, Confluent-compatible API (default: ${DEFAULT-VALUE})",
      defaultValue = "http://127.0.0.1:8081/apis/ccompat/v7")
  String registryUrl;

  @Option(names = "--topic-prefix", paramLabel = "P", description = "prefix of every topic name (default: kafka.topic_prefix, else none)")
  String topicPrefix;

  @Option(names = "--host", description = "address the HTTP port binds (default: host, else 127.0.0.1)")
  String host;

  @Option(names = "--port", description = "HTTP port of /metrics, /-/healthy, /-/ready (default: ${DEFAULT-VALUE})", defaultValue = "9096")
  int port;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "its streams/ holds the RocksDB state (default: data_dir, else ./data)")
  Path dataDir;

  @Option(names = "--application-id", paramLabel = "ID",
      description = "Kafka Streams application id: instances with the same one share the work (default: ${DEFAULT-VALUE}, as strata up)",
      defaultValue = DEFAULT_APPLICATION_ID)
  String applicationId;

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
    RollupConfig cfg;
    String bindHost;
    WebSecurity web;
    try {
      StrataConfig file = config == null ? StrataConfig.EMPTY : StrataConfig.load(config);
      Path configDir = config == null ? Path.of("") : config.toAbsolutePath().getParent();
      String prefix = Settings.checkTopicPrefix(topicPrefix != null ? topicPrefix : Settings.topicPrefix(file));
      bindHost = host != null ? host : file.host() != null ? file.host() : "127.0.0.1";
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("--port must be 0..65535, got " + port);
      }
      if (applicationId.isBlank()) {
        throw new IllegalArgumentException("--application-id must not be empty");
      }
      Path dir = (dataDir != null ? dataDir : file.dataDir() != null ? configDir.resolve(file.dataDir()) : Path.of("data")).toAbsolutePath().normalize();
      List<String> resolutions = TsdbSinkSettings.resolutions(file);
      // the rollups apply the TSDB's acceptance rule, so they take the store's out-of-order window
      cfg = RollupConfig.of(bootstrap, registryUrl, applicationId, dir.resolve("streams"), prefix, resolutions,
          TsdbSinkSettings.outOfOrderWindow(file));
      web = WebSecurity.load(new WebSecurity.Options(webConfigFile == null ? null : webConfigFile.toAbsolutePath(), Map.of(),
          false, false, null));
      if (port != 0) {
        Ports.requireFree("streams HTTP", bindHost, port);
      }
    } catch (IllegalArgumentException | Ports.PortInUseException e) {
      System.err.println("strata streams: " + e.getMessage());
      return 2;
    }
    PrometheusRegistry metrics = new PrometheusRegistry();
    long t0 = System.nanoTime();
    RollupService rollups;
    try {
      rollups = new RollupService(cfg, kafkaClient.properties(), metrics);
      rollups.start();
    } catch (RuntimeException e) {
      System.err.println("strata streams: " + e.getMessage());
      return 1;
    }
    StageHttpServer http;
    try {
      http = StageHttpServer.start("streams", bindHost, port, web, routes(metrics, () -> rollups.state().name()));
    } catch (IllegalStateException e) {
      rollups.close();
      System.err.println("strata streams: " + e.getMessage());
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("strata streams: stopping ...");
      http.close();
      rollups.close();
      System.out.println("strata streams: stopped");
      stopped.countDown();
    }, "strata-streams-shutdown"));
    String h = bindHost.equals("0.0.0.0") ? "127.0.0.1" : bindHost;
    String base = (web.tls() ? "https://" : "http://") + h + ":" + http.port();
    System.out.println("strata streams is up (" + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms): application id "
        + applicationId + ", " + cfg.topicPrefix() + Topics.SAMPLES + " into rollups " + cfg.resolutions() + " on " + bootstrap);
    System.out.println("  metrics            " + base + "/metrics   (health: /-/healthy, /-/ready)");
    System.out.println("  state              " + cfg.stateDir());
    System.out.println("ready");
    System.out.flush();
    stopped.await();
    return 0;
  }

  /** The port's paths; {@code state} is the Kafka Streams client's state name. */
  static Map<String, StageHttpServer.Route> routes(PrometheusRegistry metrics, Supplier<String> state) {
    Map<String, StageHttpServer.Route> routes = new LinkedHashMap<>();
    routes.put("/metrics", method -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PrometheusTextFormatWriter.create().write(out, metrics.scrape());
      return new Reply(200, PrometheusTextFormatWriter.CONTENT_TYPE, out.toByteArray());
    });
    // healthy unless the Streams client stopped for good (a failed thread is replaced by RollupService itself)
    routes.put("/-/healthy", method -> {
      String st = state.get();
      boolean dead = DEAD.contains(st);
      return Reply.text(dead ? 503 : 200, dead ? "Kafka Streams is " + st + ": restart the process.\n" : "Healthy.\n");
    });
    routes.put("/-/ready", method -> {
      String st = state.get();
      boolean ready = "RUNNING".equals(st);
      return Reply.text(ready ? 200 : 503, ready ? "Ready.\n" : "Kafka Streams is " + st + ".\n");
    });
    return routes;
  }
}
