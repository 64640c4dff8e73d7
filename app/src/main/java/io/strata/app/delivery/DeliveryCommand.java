package io.strata.app.delivery;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.app.up.AlertingSource;
import io.strata.embedded.Ports;
import io.strata.schemas.Topics;
import io.strata.schemas.http.StageHttpServer;
import io.strata.schemas.http.StageHttpServer.Reply;
import io.strata.schemas.http.WebSecurity;
import io.strata.sinks.alertmanager.AlertDelivery;
import io.strata.sinks.alertmanager.DeliveryConfig;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.strata.app.KafkaClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code strata delivery}: the alert delivery stage on its own (distributed runs). Reads the alerts topic
 * and posts to the Alertmanagers and webhooks of a prometheus.yml-shaped file; serves {@code /metrics},
 * {@code /-/healthy}, {@code /-/ready} and {@code POST /-/reload} (with {@code --web.enable-lifecycle}; SIGHUP reloads too),
 * behind {@code --web.config.file} as the other ports.
 */
@Command(name = "delivery", mixinStandardHelpOptions = true,
    description = "Send the alerts of the alerts topic to Alertmanagers and webhooks, as Prometheus's notifier does.")
public final class DeliveryCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(DeliveryCommand.class);

  @Option(names = "--config", paramLabel = "FILE", required = true,
      description = "prometheus.yml (or a file shaped like it): global.external_labels, global.evaluation_interval, alerting")
  Path config;

  @Option(names = "--bootstrap-server", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE})", defaultValue = "127.0.0.1:9092")
  String bootstrap;

  @Mixin
  KafkaClientConfig kafkaClient;

  @Option(names = "--registry-url", description = "schema registry, Confluent-compatible API; a password as user info: "
      + "http(s)://user:password@host:port/... (default: ${DEFAULT-VALUE})",
      defaultValue = "http://127.0.0.1:8081/apis/ccompat/v7")
  String registryUrl;

  @Option(names = "--topic-prefix", description = "prefix of every topic name (default: none)", defaultValue = "")
  String topicPrefix;

  @Option(names = "--host", description = "address the HTTP port binds (default: ${DEFAULT-VALUE})", defaultValue = "127.0.0.1")
  String host;

  @Option(names = "--port", description = "HTTP port for /metrics and /-/reload (default: ${DEFAULT-VALUE})", defaultValue = "9097")
  int port;

  @Option(names = "--web.config.file", paramLabel = "FILE",
      description = "Prometheus web-config.yml: tls_server_config, basic_auth_users (bcrypt), http_server_config headers")
  Path webConfigFile;

  @Option(names = "--web.enable-lifecycle", description = "answer POST /-/reload and /-/quit (otherwise 403, as Prometheus)")
  boolean enableLifecycle;

  @Override
  public Integer call() throws Exception {
    AlertingSource source = new AlertingSource(null, config.toAbsolutePath().getParent(), config.toAbsolutePath());
    DeliveryConfig cfg;
    try {
      cfg = source.load();
    } catch (IllegalArgumentException e) {
      System.err.println("strata delivery: " + e.getMessage());
      return 2;
    }
    if (cfg.isEmpty()) {
      System.err.println("strata delivery: " + config + " configures no Alertmanager (alerting.alertmanagers) and no webhook (alerting.webhooks)");
      return 2;
    }
    WebSecurity web;
    try {
      web = WebSecurity.load(new WebSecurity.Options(webConfigFile == null ? null : webConfigFile.toAbsolutePath(), Map.of(),
          enableLifecycle, false, () -> System.exit(0)));
    } catch (IllegalArgumentException e) {
      System.err.println("strata delivery: " + e.getMessage());
      return 2;
    }
    try {
      if (port != 0) { // before anything connects to Kafka
        Ports.requireFree("delivery HTTP", host, port);
      }
    } catch (Ports.PortInUseException e) {
      System.err.println("strata delivery: " + e.getMessage());
      return 2;
    }
    PrometheusRegistry metrics = new PrometheusRegistry();
    AlertDelivery delivery;
    try {
      delivery = new AlertDelivery(bootstrap, kafkaClient.properties(), registryUrl, topicPrefix + Topics.ALERTS, cfg, metrics, Clock.systemUTC()).start();
    } catch (IllegalArgumentException e) { // e.g. a tls_config file that cannot be read
      System.err.println("strata delivery: " + e.getMessage());
      return 2;
    }
    Runnable reload = () -> delivery.reload(source.load());
    StageHttpServer http;
    try {
      http = StageHttpServer.start("delivery", host, port, web, routes(metrics, delivery::failure, delivery::caughtUp, reload));
    } catch (IllegalStateException e) {
      delivery.close();
      System.err.println("strata delivery: " + e.getMessage());
      return 2;
    }
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
        try {
          reload.run();
        } catch (RuntimeException e) {
          log.error("SIGHUP: reloading {} failed, the running config stays: {}", config, e.getMessage());
        }
      });
    } catch (IllegalArgumentException e) {
      log.warn("SIGHUP cannot be handled here ({}); POST /-/reload reloads the config", e.getMessage());
    }
    System.out.println("strata delivery: reading " + topicPrefix + Topics.ALERTS + " from " + bootstrap + ", sending to "
        + String.join(" ", cfg.targets().stream().map(t -> t.url().toString()).toList()) + "; metrics on "
        + (web.tls() ? "https://" : "http://") + host + ":" + http.port() + "/metrics");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      http.close();
      delivery.close();
      stopped.countDown();
    }, "strata-delivery-shutdown"));
    stopped.await();
    return 0;
  }

  /** The port's paths; {@code /-/reload}'s method and lifecycle gate are the web security layer's. */
  static Map<String, StageHttpServer.Route> routes(PrometheusRegistry metrics, Supplier<String> failure, BooleanSupplier caughtUp,
      Runnable reload) {
    Map<String, StageHttpServer.Route> routes = new LinkedHashMap<>();
    routes.put("/metrics", method -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PrometheusTextFormatWriter.create().write(out, metrics.scrape());
      return new Reply(200, PrometheusTextFormatWriter.CONTENT_TYPE, out.toByteArray());
    });
    routes.put("/-/healthy", method -> Reply.text(200, "Healthy.\n"));
    routes.put("/-/ready", method -> {
      String stopped = failure.get(); // the reader stopped: nothing is read until a restart
      boolean ready = stopped == null && caughtUp.getAsBoolean();
      return Reply.text(ready ? 200 : 503, stopped != null ? "Not reading the alerts topic: " + stopped + "\n" : ready ? "Ready.\n" : "Reading the alerts topic.\n");
    });
    routes.put("/-/reload", method -> {
      try {
        reload.run();
        return Reply.text(200, "");
      } catch (RuntimeException e) {
        return Reply.text(500, "failed to reload config: " + e.getMessage() + "\n");
      }
    });
    return routes;
  }
}
