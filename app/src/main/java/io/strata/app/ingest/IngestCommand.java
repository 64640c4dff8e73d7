package io.strata.app.ingest;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.app.up.IngestStage;
import io.strata.app.up.Settings;
import io.strata.app.up.StrataConfig;
import io.strata.embedded.Ports;
import io.strata.ingest.server.IngestConfig;
import io.strata.schemas.Topics;
import io.strata.schemas.http.WebSecurity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import io.strata.app.KafkaClientConfig;
import io.strata.schemas.registry.RegistryUrl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code strata ingest}: the ingest stage on its own (distributed runs), against a running Kafka and schema
 * registry: the scrape engine and the ingest HTTP server exactly as {@code strata up} wires them
 * ({@link IngestStage}). Several instances may write to the same topics; one of them serves the Pushgateway.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = "Run the ingest stage alone against an existing Kafka and schema registry: scrape (prometheus.yml) and accept "
        + "remote_write, OTLP/HTTP and Pushgateway pushes onto the samples topic. Ctrl-C stops it cleanly.")
public final class IngestCommand implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE",
      description = "strata.yml as for strata up; read here: host, ports.ingest, kafka.topic_prefix, scrape_config, limits, "
          + "sink.out_of_order_window (for limits.past_grace_period), auth.tenants; flags override it")
  Path config;

  @Option(names = {"--bootstrap", "--kafka"}, paramLabel = "HOST:PORT,...",
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE})", defaultValue = "127.0.0.1:9092")
  String bootstrap;

  @Mixin
  KafkaClientConfig kafkaClient;

  @Option(names = "--registry-url", paramLabel = "URL", description = "schema registry, Confluent-compatible API; a password as user "
      + "info: http(s)://user:password@host:port/... (default: ${DEFAULT-VALUE})",
      defaultValue = "http://127.0.0.1:8081/apis/ccompat/v7")
  String registryUrl;

  @Option(names = "--topic-prefix", paramLabel = "P", description = "prefix of every topic name (default: kafka.topic_prefix, else none)")
  String topicPrefix;

  @Option(names = "--host", description = "address the ingest port binds (default: host, else 127.0.0.1)")
  String host;

  @Option(names = "--port", description = "ingest port (default: ports.ingest, else 9091)")
  Integer port;

  @Option(names = "--scrape-config", paramLabel = "FILE",
      description = "prometheus.yml with the scrape jobs (default: scrape_config, else no scraping); POST /-/reload (with "
          + "--web.enable-lifecycle) or SIGHUP re-reads it")
  Path scrapeConfig;

  @Option(names = "--web.config.file", paramLabel = "FILE",
      description = "Prometheus web-config.yml: tls_server_config, basic_auth_users (bcrypt), http_server_config headers")
  Path webConfigFile;

  @Option(names = "--web.enable-lifecycle", description = "answer POST /-/reload and /-/quit (otherwise 403, as Prometheus)")
  boolean enableLifecycle;

  @Option(names = "--no-pushgateway",
      description = "do not serve the Pushgateway API: exactly one ingest per topic prefix serves it (it owns the group log)")
  boolean noPushgateway;

  @Option(names = "--log-dir", paramLabel = "DIR", description = "where strata.log goes (default: the temp dir's strata-logs/)")
  Path logDir;

  @Override
  public Integer call() throws Exception {
    if (logDir != null) { // before the first logger is made
      io.strata.app.LogDir.use(logDir);
    }
    IngestConfig ingestConfig;
    Path scrapeFile;
    String prefix;
    WebSecurity web;
    try {
      StrataConfig file = config == null ? StrataConfig.EMPTY : StrataConfig.load(config);
      Path configDir = config == null ? Path.of("") : config.toAbsolutePath().getParent();
      prefix = Settings.checkTopicPrefix(topicPrefix != null ? topicPrefix : Settings.topicPrefix(file));
      String bindHost = host != null ? host : file.host() != null ? file.host() : "127.0.0.1";
      int bindPort = port != null ? port : file.ports() != null && file.ports().ingest() != null ? file.ports().ingest() : Settings.DEFAULT_INGEST_PORT;
      var limits = Settings.limits(file);
      ingestConfig = IngestConfig.defaults(bindHost, bindPort).withLimits(limits.defaults(), limits.overrides());
      if (noPushgateway) {
        ingestConfig = ingestConfig.withPushgateway(false, ingestConfig.pushgatewayInterval());
      }
      scrapeFile = Settings.scrapeConfig(file, scrapeConfig, configDir);
      web = WebSecurity.load(new WebSecurity.Options(webConfigFile == null ? null : webConfigFile.toAbsolutePath(), Settings.tenants(file),
          enableLifecycle, false, () -> System.exit(0)));
      if (bindPort != 0) {
        Ports.requireFree("ingest", bindHost, bindPort);
      }
    } catch (IllegalArgumentException | Ports.PortInUseException e) {
      System.err.println("strata ingest: " + e.getMessage());
      return 2;
    }
    System.out.println("strata ingest: starting on " + ingestConfig.host() + ":" + ingestConfig.port() + ", Kafka " + bootstrap + ", registry "
        + RegistryUrl.withoutCredentials(registryUrl) + (ingestConfig.pushgatewayEnabled() ? " (restoring the Pushgateway groups from Kafka first)" : "") + " ...");
    long t0 = System.nanoTime();
    IngestStage stage;
    try {
      stage = IngestStage.start(bootstrap, kafkaClient.properties(), registryUrl, prefix, ingestConfig, web, scrapeFile, null, new PrometheusRegistry());
    } catch (RuntimeException e) {
      System.err.println("strata ingest: " + e.getMessage());
      return 1;
    }
    try {
      stage.startScraping(() -> { });
    } catch (IllegalArgumentException e) {
      stage.close();
      System.err.println("strata ingest: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("strata ingest: stopping ...");
      stage.close();
      System.out.println("strata ingest: stopped");
      stopped.countDown();
    }, "strata-ingest-shutdown"));

    String h = ingestConfig.host().equals("0.0.0.0") ? "127.0.0.1" : ingestConfig.host();
    String base = (web.tls() ? "https://" : "http://") + h + ":" + stage.port();
    System.out.println("strata ingest is up (" + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms): writing to "
        + prefix + Topics.SAMPLES + " on " + bootstrap);
    IngestStage.printUrls(System.out, base, enableLifecycle);
    System.out.println("  metrics            " + base + "/metrics   (health: /-/healthy, /-/ready)");
    System.out.println("  scrape config      " + (scrapeFile == null ? "none (no scraping)" : scrapeFile.toString()));
    if (noPushgateway) {
      System.out.println("  (Pushgateway API off: --no-pushgateway)");
    }
    System.out.println("ready");
    System.out.flush();
    stopped.await();
    return 0;
  }
}
