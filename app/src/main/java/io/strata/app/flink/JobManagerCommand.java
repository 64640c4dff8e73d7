package io.strata.app.flink;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.app.Stage;
import io.strata.app.StageFlags;
import io.strata.app.StageMetrics;
import io.strata.app.StageRun;
import io.strata.app.StageSettings;
import io.strata.app.up.Settings;
import io.strata.embedded.Ports;
import io.strata.schemas.http.StageHttpServer;
import io.strata.schemas.http.WebSecurity;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code strata flink jobmanager}: the JobManager of a Flink standalone session cluster (dispatcher, resource
 * manager, REST API) in this process, from {@code flink-runtime}. Jobs are submitted over its REST API
 * ({@code strata flink submit}); TaskManagers register over RPC ({@code strata flink taskmanager}). Its own HTTP port
 * ({@code --port}) serves {@code /metrics} (the cluster's jobs, TaskManagers and slots: {@link FlinkHttp}),
 * {@code /-/healthy} and {@code /-/ready} (the REST API answers).
 */
@Command(name = "jobmanager", mixinStandardHelpOptions = true,
    description = "Run the JobManager of a Flink session cluster (REST API, RPC, checkpoints and savepoints under --data-dir) and "
        + "its /metrics, /-/healthy, /-/ready on --port. Ctrl-C stops it. strata.yml keys read: host, data_dir (it keeps DIR/jobmanager).")
public final class JobManagerCommand implements Callable<Integer> {
  static final Stage STAGE = new Stage("flink jobmanager", "JobManager HTTP", null, 9099, true, "jobmanager");
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

  @Mixin
  StageFlags.Config config;

  @Mixin
  StageFlags.Process process;

  @Mixin
  StageFlags.Web web;

  @Mixin
  StageFlags.Log log;

  @Option(names = "--rpc-port", description = "RPC port the TaskManagers register at (default: ${DEFAULT-VALUE})", defaultValue = "6123")
  int rpcPort;

  @Option(names = "--rest-port", description = "REST API port: job submission, /overview, /jobs, /taskmanagers (default: ${DEFAULT-VALUE})",
      defaultValue = "8088")
  int restPort;

  @Override
  public Integer call() throws Exception {
    StageRun run = new StageRun(STAGE.name());
    StageSettings s;
    WebSecurity security;
    try {
      s = StageFlags.resolve(STAGE, config.load(), config.dir(), log, process, null, null, web);
      Settings.port("--rpc-port", rpcPort, 1);
      Settings.port("--rest-port", restPort, 1);
      if (rpcPort == restPort || rpcPort == s.port() || restPort == s.port()) {
        throw Settings.invalid("--rpc-port", "--rpc-port " + rpcPort + ", --rest-port " + restPort + " and " + s.portSource() + " " + s.port()
            + " must differ");
      }
      security = s.web(false, false, null);
      s.requirePortFree();
      for (Object[] p : new Object[][] {{"--rpc-port", "JobManager RPC", rpcPort}, {"--rest-port", "JobManager REST", restPort}}) {
        try {
          Ports.requireFree((String) p[1], s.host(), (Integer) p[2]);
        } catch (Ports.PortInUseException e) {
          throw Settings.invalid((String) p[0], e.getMessage());
        }
      }
      Files.createDirectories(s.dataDir());
    } catch (IllegalArgumentException | java.io.IOException e) {
      return run.refuse(new IllegalArgumentException(e.getMessage(), e));
    }
    // the entrypoint registers its own shutdown hook too (SIGTERM stops the cluster cleanly)
    StandaloneSessionClusterEntrypoint entrypoint =
        new StandaloneSessionClusterEntrypoint(FlinkRoles.jobManager(s.host(), rpcPort, restPort, s.dataDir()));
    run.started(() -> entrypoint.closeAsync().get(60, TimeUnit.SECONDS));
    try {
      entrypoint.startCluster();
    } catch (Exception e) {
      return run.fail(1, "cannot start: " + rootMessage(e));
    }
    String rest = "http://" + s.host() + ":" + restPort;
    PrometheusRegistry metrics = StageMetrics.registry();
    FlinkHttp.jobManagerMetrics(metrics, rest);
    StageHttpServer http;
    try {
      http = run.started(StageHttpServer.start("jobmanager", s.host(), s.port(), security, FlinkHttp.routes(metrics,
          () -> FlinkCommand.get(rest, "/overview") != null ? null : "the REST API " + rest + " does not answer /overview")));
    } catch (IllegalStateException e) { // the port was taken since the check
      return run.fail(2, e.getMessage());
    }
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (FlinkCommand.get(rest, "/overview") == null) {
      if (System.nanoTime() > deadline || entrypoint.getTerminationFuture().isDone()) {
        return run.fail(1, "the REST API " + rest + " did not answer /overview in " + READY_TIMEOUT.toSeconds() + " s");
      }
      Thread.sleep(100);
    }
    // the cluster also ends by itself on a fatal error: then the process exits 1
    return run.serve("REST " + rest + ", RPC " + s.host() + ":" + rpcPort, s.baseUrl(security.tls(), http.port()), out -> {
      out.println(StageRun.line("rest", rest + "   (/overview, /jobs, /taskmanagers)"));
      out.println(StageRun.line("rpc", s.host() + ":" + rpcPort + "   (strata flink taskmanager --jobmanager)"));
      out.println(StageRun.line("checkpoints", s.dataDir().resolve("checkpoints").toString()));
      out.println(StageRun.line("savepoints", s.dataDir().resolve("savepoints").toString()));
    }, () -> entrypoint.getTerminationFuture().isDone() ? "the cluster stopped: " + entrypoint.getTerminationFuture().getNow(null) : null);
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t + ")";
  }
}
