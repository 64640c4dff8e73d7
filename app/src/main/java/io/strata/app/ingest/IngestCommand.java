package io.strata.app.ingest;

import io.strata.app.KafkaClientConfig;
import io.strata.app.Stage;
import io.strata.app.StageMetrics;
import io.strata.app.StageOptions;
import io.strata.app.StageRun;
import io.strata.app.StageSettings;
import io.strata.app.up.IngestStage;
import io.strata.app.up.Settings;
import io.strata.ingest.server.IngestConfig;
import io.strata.schemas.Topics;
import io.strata.schemas.http.WebSecurity;
import io.strata.schemas.registry.RegistryUrl;
import java.nio.file.Path;
import java.util.concurrent.Callable;
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
        + "remote_write, OTLP/HTTP and Pushgateway pushes onto the samples topic. Ctrl-C stops it cleanly. strata.yml keys read: "
        + "host, ports.ingest, kafka.topic_prefix, scrape_config, limits, sink.out_of_order_window (for "
        + "limits.past_grace_period), auth.tenants.")
public final class IngestCommand implements Callable<Integer> {
  static final Stage STAGE = new Stage("ingest", "ingest", "ports.ingest", Settings.DEFAULT_INGEST_PORT, false);

  @Mixin
  StageOptions options;

  @Mixin
  KafkaClientConfig kafkaClient;

  @Option(names = "--scrape-config", paramLabel = "FILE",
      description = "prometheus.yml with the scrape jobs (default: scrape_config, else no scraping); POST /-/reload (with "
          + "--web.enable-lifecycle) or SIGHUP re-reads it")
  Path scrapeConfig;

  @Option(names = "--web.enable-lifecycle", description = "answer POST /-/reload and /-/quit (otherwise 403, as Prometheus)")
  boolean enableLifecycle;

  @Option(names = "--no-pushgateway",
      description = "do not serve the Pushgateway API: exactly one ingest per topic prefix serves it (it owns the group log)")
  boolean noPushgateway;

  @Override
  public Integer call() throws Exception {
    StageRun run = new StageRun(STAGE.name());
    StageSettings s;
    IngestConfig ingestConfig;
    Path scrapeFile;
    WebSecurity web;
    try {
      s = options.resolve(STAGE);
      var limits = Settings.limits(s.file());
      ingestConfig = IngestConfig.defaults(s.host(), s.port()).withLimits(limits.defaults(), limits.overrides());
      if (noPushgateway) {
        ingestConfig = ingestConfig.withPushgateway(false, ingestConfig.pushgatewayInterval());
      }
      scrapeFile = Settings.scrapeConfig(s.file(), scrapeConfig, options.configDir());
      web = s.web(true, enableLifecycle, () -> System.exit(0));
      s.requirePortFree();
    } catch (IllegalArgumentException e) {
      return run.refuse(e);
    }
    run.say("starting on " + s.host() + ":" + s.port() + ", Kafka " + s.bootstrap() + ", registry "
        + RegistryUrl.withoutCredentials(s.registryUrl()) + (ingestConfig.pushgatewayEnabled() ? " (restoring the Pushgateway groups from Kafka first)" : "") + " ...");
    IngestStage stage;
    try {
      stage = run.started(IngestStage.start(s.bootstrap(), kafkaClient.properties(), s.registryUrl(), s.topicPrefix(), ingestConfig, web,
          scrapeFile, null, StageMetrics.registry()));
      stage.startScraping(() -> { });
    } catch (RuntimeException e) {
      return run.fail(1, e.getMessage());
    }
    String base = s.baseUrl(web.tls(), stage.port());
    return run.serve("writing to " + s.topicPrefix() + Topics.SAMPLES + " on " + s.bootstrap(), base, out -> {
      IngestStage.printUrls(out, base, enableLifecycle);
      out.println(StageRun.line("scrape config", scrapeFile == null ? "none (no scraping)" : scrapeFile.toString()));
      if (noPushgateway) {
        out.println("  (Pushgateway API off: --no-pushgateway)");
      }
    });
  }
}
