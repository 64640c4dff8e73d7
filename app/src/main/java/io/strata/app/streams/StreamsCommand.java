package io.strata.app.streams;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.app.KafkaClientConfig;
import io.strata.app.Stage;
import io.strata.app.StageMetrics;
import io.strata.app.StageOptions;
import io.strata.app.StageRun;
import io.strata.app.StageSettings;
import io.strata.app.up.Settings;
import io.strata.schemas.Topics;
import io.strata.schemas.http.StageHttpServer;
import io.strata.schemas.http.StageHttpServer.Reply;
import io.strata.schemas.http.WebSecurity;
import io.strata.streams.RollupService;
import io.strata.streams.config.RollupConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code strata streams}: the Kafka Streams rollup stage on its own, against an existing Kafka and registry, as
 * {@code strata up} starts it. Instances with the same application id share the samples topic's partitions (Kafka
 * Streams' own scale-out); each keeps its RocksDB state in {@code --data-dir}.
 */
@Command(name = "streams", mixinStandardHelpOptions = true,
    description = "Run the Kafka Streams rollups alone against an existing Kafka and schema registry: metrics.samples into "
        + "metrics.rollup.<res>. Instances with the same --application-id share the partitions. Ctrl-C stops it. strata.yml keys "
        + "read: host, data_dir, kafka.topic_prefix, rollups.resolutions, sink.out_of_order_window.")
public final class StreamsCommand implements Callable<Integer> {
  /** The application id of {@code strata up}'s rollups (Stack.ROLLUP_APPLICATION_ID): a stage joining a running stack. */
  public static final String DEFAULT_APPLICATION_ID = io.strata.app.up.Stack.ROLLUP_APPLICATION_ID;
  public static final int DEFAULT_PORT = 9096;
  static final Stage STAGE = new Stage("streams", "streams HTTP", null, DEFAULT_PORT, false);
  private static final Set<String> DEAD = Set.of("ERROR", "PENDING_ERROR", "NOT_RUNNING", "PENDING_SHUTDOWN");

  @Mixin
  StageOptions options;

  @Mixin
  KafkaClientConfig kafkaClient;

  @Option(names = "--application-id", paramLabel = "ID",
      description = "Kafka Streams application id: instances with the same one share the work (default: ${DEFAULT-VALUE}, as strata up)",
      defaultValue = DEFAULT_APPLICATION_ID)
  String applicationId;

  @Override
  public Integer call() throws Exception {
    StageRun run = new StageRun(STAGE.name());
    StageSettings s;
    RollupConfig cfg;
    WebSecurity web;
    try {
      s = options.resolve(STAGE);
      if (applicationId.isBlank()) {
        throw Settings.invalid("--application-id", "must not be empty");
      }
      // the rollups apply the TSDB's acceptance rule, so they take the store's out-of-order window
      cfg = RollupConfig.of(s.bootstrap(), s.registryUrl(), applicationId, s.dataDir().resolve("streams"), s.topicPrefix(),
          Settings.resolutions(s.file()), Settings.outOfOrderWindow(s.file()));
      web = s.web(false, false, null);
      s.requirePortFree();
    } catch (IllegalArgumentException e) {
      return run.refuse(e);
    }
    PrometheusRegistry metrics = StageMetrics.registry();
    RollupService rollups;
    try {
      rollups = run.started(new RollupService(cfg, kafkaClient.properties(), metrics));
      rollups.start();
    } catch (RuntimeException e) {
      return run.fail(1, e.getMessage());
    }
    StageHttpServer http;
    try {
      http = run.started(StageHttpServer.start("streams", s.host(), s.port(), web, routes(metrics, () -> rollups.state().name())));
    } catch (IllegalStateException e) { // the port was taken since the check
      return run.fail(2, e.getMessage());
    }
    return run.serve("application id " + applicationId + ", " + cfg.topicPrefix() + Topics.SAMPLES + " into rollups " + cfg.resolutions()
        + " on " + s.bootstrap(), s.baseUrl(web.tls(), http.port()), out -> out.println(StageRun.line("state", cfg.stateDir().toString())));
  }

  /** The port's paths; {@code state} is the Kafka Streams client's state name. */
  static Map<String, StageHttpServer.Route> routes(PrometheusRegistry metrics, Supplier<String> state) {
    Map<String, StageHttpServer.Route> routes = new LinkedHashMap<>();
    routes.put("/metrics", StageMetrics.route(metrics));
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
