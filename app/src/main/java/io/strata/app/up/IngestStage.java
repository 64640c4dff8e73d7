package io.strata.app.up;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.ingest.kafka.SampleBatchProducer;
import io.strata.ingest.kafka.ScrapeToKafka;
import io.strata.ingest.scrape.ScrapeEngine;
import io.strata.ingest.scrape.ScrapeEngineSettings;
import io.strata.ingest.scrape.config.ConfigException;
import io.strata.ingest.server.IngestConfig;
import io.strata.ingest.server.IngestServer;
import io.strata.ingest.server.WriteReadiness;
import io.strata.schemas.http.WebSecurity;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest stage as {@code strata up} and {@code strata ingest} run it: the Kafka producer, the scrape
 * engine writing through it, and the ingest HTTP server (push receivers, {@code /api/v1/targets},
 * {@code /-/reload} of the scrape config, {@code /metrics}, health) behind the web security. Scraping starts
 * with {@link #startScraping}, so a caller can bring up what the scraped targets need first.
 */
public final class IngestStage implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IngestStage.class);
  /** How often /-/ready's answer is refreshed: how soon an unreachable broker or registry shows. */
  static final Duration READINESS_INTERVAL = Duration.ofSeconds(2);

  private final SampleBatchProducer producer;
  private final ScrapeEngine scrape;
  private final IngestServer server;
  private final Path scrapeFile;
  private final WriteReadiness readiness;

  private IngestStage(SampleBatchProducer producer, WriteReadiness readiness, ScrapeEngine scrape, IngestServer server, Path scrapeFile) {
    this.producer = producer;
    this.readiness = readiness;
    this.scrape = scrape;
    this.server = server;
    this.scrapeFile = scrapeFile;
  }

  /**
   * Starts the producer, the (idle) scrape engine and the server. {@code scrapeFile} is what
   * {@code POST /-/reload} and SIGHUP re-read (null: no scraping, reload answers 404); {@code alsoOnReload}
   * runs after it on {@code /-/reload} (null: nothing). A failure part-way closes what started.
   */
  public static IngestStage start(String kafkaBootstrap, Map<String, String> kafkaClient, String registryUrl, String topicPrefix,
      IngestConfig config, WebSecurity web, Path scrapeFile, Runnable alsoOnReload, PrometheusRegistry metrics) {
    SampleBatchProducer producer = new SampleBatchProducer(kafkaBootstrap, registryUrl, topicPrefix, kafkaClient, metrics);
    ScrapeEngine scrape = null;
    WriteReadiness readiness = null;
    try {
      // /-/ready: 503 naming the broker or the registry while a push could not be written
      readiness = new WriteReadiness(producer.clientConfig(), producer.topic(), registryUrl, READINESS_INTERVAL);
      scrape = new ScrapeEngine(ScrapeEngineSettings.defaults(), new ScrapeToKafka(producer, Duration.ofSeconds(30)), metrics);
      IngestServer server = new IngestServer(config, producer, metrics, scrape, scrapeFile).alsoOnReload(alsoOnReload)
          .readiness(readiness::problem).secure(web).start();
      return new IngestStage(producer, readiness, scrape, server, scrapeFile);
    } catch (RuntimeException | Error e) {
      if (scrape != null) {
        scrape.close();
      }
      if (readiness != null) {
        readiness.close();
      }
      producer.close();
      throw e;
    }
  }

  public int port() {
    return server.port();
  }

  /**
   * Loads the scrape config and starts scraping (an invalid file: IllegalArgumentException naming it), and
   * makes SIGHUP re-read it, as it makes Prometheus reload: a file that does not load is logged with the
   * reason and the running config stays (as for {@code POST /-/reload}). {@code alsoOnHangup} runs after it.
   */
  public void startScraping(Runnable alsoOnHangup) {
    if (scrapeFile != null) {
      try {
        scrape.reload(scrapeFile);
      } catch (ConfigException e) {
        throw new IllegalArgumentException("scrape config " + scrapeFile + ": " + e.getMessage(), e);
      }
    }
    try {
      sun.misc.SignalHandler before = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
        if (scrapeFile != null) {
          try {
            scrape.reload(scrapeFile);
            log.info("SIGHUP: reloaded scrape config {}", scrapeFile);
          } catch (ConfigException | RuntimeException e) {
            log.error("SIGHUP: reloading scrape config {} failed, the running config stays: {}", scrapeFile, e.getMessage());
          }
        }
        alsoOnHangup.run();
      });
      if (before == sun.misc.SignalHandler.SIG_IGN) {
        // the JVM keeps a signal ignored that the process started with ignored (nohup): it installs no handler
        log.warn("SIGHUP is ignored by this process (started under nohup?); POST /-/reload on the ingest port reloads the scrape config");
      }
    } catch (IllegalArgumentException e) {
      log.warn("SIGHUP cannot be handled here ({}); POST /-/reload on the ingest port reloads the scrape config", e.getMessage());
    }
  }

  /** The ingest lines of the start-up banner ({@code base}: scheme, host and port of this server). */
  public static void printUrls(PrintStream out, String base, boolean lifecycle) {
    out.println("  ingest             " + base + "/api/v1/write   (remote_write 1.0/2.0)");
    out.println("  Pushgateway API    " + base + "/metrics/job/<job>   (groups: /api/v1/metrics)");
    out.println("  OTLP/HTTP          " + base + "/v1/metrics");
    out.println("  scrape targets     " + base + "/api/v1/targets   (" + (lifecycle ? "POST /-/reload or " : "") + "SIGHUP re-reads the scrape config)");
  }

  /** Stops the server, the scrape engine, the readiness checks and the producer, in that order. */
  @Override
  public void close() {
    for (AutoCloseable c : new AutoCloseable[] {server, scrape, readiness, producer}) {
      try {
        c.close();
      } catch (Exception e) {
        log.warn("stopping {} failed: {}", c.getClass().getSimpleName(), e.toString());
      }
    }
  }
}
