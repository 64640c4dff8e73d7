package io.strata.app.delivery;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.app.up.AlertingSource;
import io.strata.schemas.Topics;
import io.strata.sinks.alertmanager.AlertDelivery;
import io.strata.sinks.alertmanager.DeliveryConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
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
 * {@code /-/healthy}, {@code /-/ready} and {@code POST /-/reload} (SIGHUP reloads too).
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
    PrometheusRegistry metrics = new PrometheusRegistry();
    HttpServer http;
    try {
      http = HttpServer.create(new InetSocketAddress(host, port), 0);
    } catch (IOException e) {
      System.err.println("strata delivery: cannot listen on " + host + ":" + port + ": " + e.getMessage());
      return 2;
    }
    AlertDelivery delivery;
    try {
      delivery = new AlertDelivery(bootstrap, kafkaClient.properties(), registryUrl, topicPrefix + Topics.ALERTS, cfg, metrics, Clock.systemUTC()).start();
    } catch (IllegalArgumentException e) { // e.g. a tls_config file that cannot be read
      http.stop(0);
      System.err.println("strata delivery: " + e.getMessage());
      return 2;
    }
    Runnable reload = () -> delivery.reload(source.load());
    http.createContext("/metrics", ex -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PrometheusTextFormatWriter.create().write(out, metrics.scrape());
      ex.getResponseHeaders().set("Content-Type", PrometheusTextFormatWriter.CONTENT_TYPE);
      reply(ex, 200, out.toByteArray());
    });
    http.createContext("/-/healthy", ex -> reply(ex, 200, "Healthy.\n".getBytes(StandardCharsets.UTF_8)));
    http.createContext("/-/ready", ex -> {
      String failure = delivery.failure(); // the reader stopped: nothing is read until a restart
      boolean ready = failure == null && delivery.caughtUp();
      String body = failure != null ? "Not reading the alerts topic: " + failure + "\n" : ready ? "Ready.\n" : "Reading the alerts topic.\n";
      reply(ex, ready ? 200 : 503, body.getBytes(StandardCharsets.UTF_8));
    });
    http.createContext("/-/reload", ex -> {
      if (!ex.getRequestMethod().equals("POST") && !ex.getRequestMethod().equals("PUT")) {
        reply(ex, 405, "Only POST or PUT requests allowed\n".getBytes(StandardCharsets.UTF_8));
        return;
      }
      try {
        reload.run();
        reply(ex, 200, new byte[0]);
      } catch (RuntimeException e) {
        reply(ex, 500, ("failed to reload config: " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
      }
    });
    http.start();
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
        + String.join(" ", cfg.targets().stream().map(t -> t.url().toString()).toList()) + "; metrics on http://" + host + ":" + port + "/metrics");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      http.stop(0);
      delivery.close();
      stopped.countDown();
    }, "strata-delivery-shutdown"));
    stopped.await();
    return 0;
  }

  private static void reply(HttpExchange ex, int status, byte[] body) throws IOException {
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      ex.getResponseBody().write(body);
    }
    ex.close();
  }
}
