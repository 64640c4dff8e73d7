package io.strata.app.delivery;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.app.KafkaClientConfig;
import io.strata.app.Stage;
import io.strata.app.StageFlags;
import io.strata.app.StageMetrics;
import io.strata.app.StageRun;
import io.strata.app.StageSettings;
import io.strata.app.up.AlertingSource;
import io.strata.app.up.Settings;
import io.strata.app.up.StrataConfig;
import io.strata.schemas.Topics;
import io.strata.schemas.http.StageHttpServer;
import io.strata.schemas.http.StageHttpServer.Reply;
import io.strata.schemas.http.WebSecurity;
import io.strata.sinks.alertmanager.AlertDelivery;
import io.strata.sinks.alertmanager.DeliveryConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
    description = "Send the alerts of the alerts topic to Alertmanagers and webhooks, as Prometheus's notifier does. Its --config is "
        + "the prometheus.yml-shaped alerting file, so it reads no strata.yml: the topic prefix is --topic-prefix, else none.")
public final class DeliveryCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(DeliveryCommand.class);
  public static final int DEFAULT_PORT = 9097;
  static final Stage STAGE = new Stage("delivery", "delivery HTTP", null, DEFAULT_PORT, false);

  @Option(names = "--config", paramLabel = "FILE", required = true,
      description = "prometheus.yml (or a file shaped like it): global.external_labels, global.evaluation_interval, alerting")
  Path config;

  @Mixin
  StageFlags options;

  @Mixin
  KafkaClientConfig kafkaClient;

  @Option(names = "--web.enable-lifecycle", description = "answer POST /-/reload and /-/quit (otherwise 403, as Prometheus)")
  boolean enableLifecycle;

  @Override
  public Integer call() throws Exception {
    StageRun run = new StageRun(STAGE.name());
    AlertingSource source = new AlertingSource(null, config.toAbsolutePath().getParent(), config.toAbsolutePath());
    StageSettings s;
    DeliveryConfig cfg;
    WebSecurity web;
    try {
      s = options.resolve(STAGE, StrataConfig.EMPTY, Path.of(""));
      cfg = source.load();
      if (cfg.isEmpty()) {
        throw Settings.invalid("--config " + config, "configures no Alertmanager (alerting.alertmanagers) and no webhook (alerting.webhooks)");
      }
      web = s.web(false, enableLifecycle, () -> System.exit(0));
      s.requirePortFree(); // before anything connects to Kafka
    } catch (IllegalArgumentException e) {
      return run.refuse(e);
    }
    PrometheusRegistry metrics = StageMetrics.registry();
    AlertDelivery delivery;
    StageHttpServer http;
    try {
      delivery = run.started(new AlertDelivery(s.bootstrap(), kafkaClient.properties(), s.registryUrl(), s.topicPrefix() + Topics.ALERTS, cfg,
          metrics, Clock.systemUTC()).start());
      Runnable reload = () -> delivery.reload(source.load());
      http = run.started(StageHttpServer.start("delivery", s.host(), s.port(), web, routes(metrics, delivery::failure, delivery::caughtUp, reload)));
      onHangup(reload);
    } catch (IllegalArgumentException | IllegalStateException e) { // a tls_config file that cannot be read; the port taken since the check
      return run.fail(2, e.getMessage());
    }
    return run.serve("reading " + s.topicPrefix() + Topics.ALERTS + " from " + s.bootstrap(), s.baseUrl(web.tls(), http.port()), out -> {
      for (var t : cfg.targets()) {
        out.println(StageRun.line("sending to", t.url().toString()));
      }
    });
  }

  /** SIGHUP reloads the config, as it makes Prometheus reload; a config that does not load is logged, the running one stays. */
  private void onHangup(Runnable reload) {
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
  }

  /** The port's paths; {@code /-/reload}'s method and lifecycle gate are the web security layer's. */
  static Map<String, StageHttpServer.Route> routes(PrometheusRegistry metrics, Supplier<String> failure, BooleanSupplier caughtUp,
      Runnable reload) {
    Map<String, StageHttpServer.Route> routes = new LinkedHashMap<>();
    routes.put("/metrics", StageMetrics.route(metrics));
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
