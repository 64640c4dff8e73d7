package io.strata.app.flink;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.app.Stage;
import io.strata.app.StageFlags;
import io.strata.app.StageMetrics;
import io.strata.app.StageRun;
import io.strata.app.StageSettings;
import io.strata.app.up.Settings;
import io.strata.schemas.http.StageHttpServer;
import io.strata.schemas.http.WebSecurity;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.plugin.PluginManager;
import org.apache.flink.core.plugin.PluginUtils;
import org.apache.flink.runtime.taskexecutor.TaskManagerRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code strata flink taskmanager}: a Flink TaskManager in this process, from {@code flink-runtime}, registering at a
 * {@code strata flink jobmanager}. It runs the tasks of the jobs the JobManager schedules into its slots; their
 * classes come from this process's classpath (Strata's), so jobs are submitted without a jar. Its own HTTP port
 * ({@code --port}) serves {@code /metrics} (its slots: {@link FlinkHttp}), {@code /-/healthy} and {@code /-/ready}
 * (registered at the JobManager).
 */
@Command(name = "taskmanager", mixinStandardHelpOptions = true,
    description = "Run a Flink TaskManager that registers at a strata flink jobmanager, and its /metrics, /-/healthy, /-/ready on "
        + "--port. Ctrl-C stops it. strata.yml keys read: host, data_dir (it keeps DIR/taskmanager).")
public final class TaskManagerCommand implements Callable<Integer> {
  static final Stage STAGE = new Stage("flink taskmanager", "TaskManager HTTP", null, 9089, true, "taskmanager");

  @Mixin
  StageFlags.Config config;

  @Mixin
  StageFlags.Process process;

  @Mixin
  StageFlags.Web web;

  @Mixin
  StageFlags.Log log;

  @Option(names = "--jobmanager", paramLabel = "HOST:RPCPORT", description = "the JobManager's RPC address (default: ${DEFAULT-VALUE})",
      defaultValue = "127.0.0.1:6123")
  String jobManager;

  @Option(names = "--jobmanager-rest", paramLabel = "URL",
      description = "the JobManager's REST API, where this TaskManager checks that it is registered (ready) and reads its free slots "
          + "(default: http://<--jobmanager host>:8088)")
  String jobManagerRest;

  @Option(names = "--slots", description = "task slots (default: ${DEFAULT-VALUE})", defaultValue = "2")
  int slots;

  @Option(names = "--network-mb", description = "network buffer memory, off heap, allocated at start (default: ${DEFAULT-VALUE})",
      defaultValue = "32")
  int networkMb;

  @Option(names = "--managed-mb", description = "managed memory (the rule job keeps its state on the heap; default: ${DEFAULT-VALUE})",
      defaultValue = "16")
  int managedMb;

  @Override
  public Integer call() throws Exception {
    StageRun run = new StageRun(STAGE.name());
    StageSettings s;
    WebSecurity security;
    String rest;
    String resourceId;
    Configuration conf;
    try {
      s = StageFlags.resolve(STAGE, config.load(), config.dir(), log, process, null, null, web);
      int colon = jobManager.lastIndexOf(':');
      int jmPort;
      try {
        jmPort = colon <= 0 ? -1 : Integer.parseInt(jobManager.substring(colon + 1));
      } catch (NumberFormatException e) {
        jmPort = -1;
      }
      if (jmPort < 0) {
        throw Settings.invalid("--jobmanager", "must be HOST:RPCPORT, got \"" + jobManager + "\"");
      }
      Settings.port("--jobmanager", jmPort, 1);
      String jmHost = jobManager.substring(0, colon);
      if (slots < 1 || slots > 64) {
        throw Settings.invalid("--slots", "must be 1..64, got " + slots);
      }
      if (networkMb < 8) {
        throw Settings.invalid("--network-mb", "must be at least 8, got " + networkMb);
      }
      if (managedMb < 0) {
        throw Settings.invalid("--managed-mb", "must be at least 0, got " + managedMb);
      }
      rest = (jobManagerRest != null ? jobManagerRest : "http://" + jmHost + ":8088").replaceAll("/+$", "");
      try {
        java.net.URI.create(rest).toURL();
      } catch (IllegalArgumentException | java.net.MalformedURLException e) {
        throw Settings.invalid("--jobmanager-rest", "not an http://HOST:PORT URL: \"" + rest + "\"");
      }
      security = s.web(false, false, null);
      s.requirePortFree();
      Files.createDirectories(s.dataDir());
      // readable in the JobManager's /taskmanagers; unique per process (a restarted TaskManager is a new one)
      resourceId = s.dataDir().getFileName() + "-" + ProcessHandle.current().pid();
      conf = FlinkRoles.taskManager(s.host(), jmHost, jmPort, slots, networkMb, managedMb, s.dataDir(), resourceId);
    } catch (IllegalArgumentException | java.io.IOException e) {
      return run.refuse(new IllegalArgumentException(e.getMessage(), e));
    }
    long t0 = System.nanoTime();
    TaskManagerRunner runner;
    try {
      PluginManager plugins = PluginUtils.createPluginManagerFromRootFolder(conf);
      FileSystem.initialize(conf, plugins);
      runner = new TaskManagerRunner(conf, plugins, TaskManagerRunner::createTaskExecutorService);
      TaskManagerRunner stoppable = runner;
      run.started(() -> stoppable.close());
      runner.start();
    } catch (Exception e) {
      return run.fail(1, "cannot start: " + JobManagerCommand.rootMessage(e));
    }
    PrometheusRegistry metrics = StageMetrics.registry();
    FlinkHttp.taskManagerMetrics(metrics, rest, resourceId, slots);
    Supplier<com.fasterxml.jackson.databind.JsonNode> listed = FlinkHttp.cached(rest, "/taskmanagers");
    Supplier<String> notReady = () -> FlinkHttp.self(listed.get(), resourceId) != null ? null
        : "not registered at the JobManager " + jobManager + " (" + rest + "/taskmanagers does not list " + resourceId + ")";
    StageHttpServer http;
    try {
      http = run.started(StageHttpServer.start("taskmanager", s.host(), s.port(), security, FlinkHttp.routes(metrics, notReady)));
    } catch (IllegalStateException e) { // the port was taken since the check
      return run.fail(2, e.getMessage());
    }
    // registered once the JobManager lists it; it keeps retrying the registration while the JobManager is away
    boolean told = false;
    while (notReady.get() != null) {
      if (!told && Duration.ofNanos(System.nanoTime() - t0).toSeconds() >= 30) {
        run.say("not registered at " + jobManager + " (" + rest + "/taskmanagers) after 30 s; still trying");
        told = true;
      }
      if (runner.getTerminationFuture().isDone()) {
        return run.fail(1, "the TaskManager stopped: " + runner.getTerminationFuture().getNow(null));
      }
      Thread.sleep(200);
    }
    return run.serve(slots + " slots, registered as " + resourceId, s.baseUrl(security.tls(), http.port()), out -> {
      out.println(StageRun.line("jobmanager", jobManager + "   (REST " + rest + ")"));
      out.println(StageRun.line("data", s.dataDir().toString()));
    }, () -> runner.getTerminationFuture().isDone() ? "the TaskManager stopped: " + runner.getTerminationFuture().getNow(null) : null);
  }
}
