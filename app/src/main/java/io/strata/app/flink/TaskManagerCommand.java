package io.strata.app.flink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.plugin.PluginManager;
import org.apache.flink.core.plugin.PluginUtils;
import org.apache.flink.runtime.taskexecutor.TaskManagerRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code strata flink taskmanager}: a Flink TaskManager in this process, from {@code flink-runtime}, registering at a
 * {@code strata flink jobmanager}. It runs the tasks of the jobs the JobManager schedules into its slots; their
 * classes come from this process's classpath (Strata's), so jobs are submitted without a jar.
 */
@Command(name = "taskmanager", mixinStandardHelpOptions = true,
    description = "Run a Flink TaskManager that registers at a strata flink jobmanager. Ctrl-C stops it.")
public final class TaskManagerCommand implements Callable<Integer> {
  static final String ROLE = "strata flink taskmanager";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--jobmanager", paramLabel = "HOST:RPCPORT", description = "the JobManager's RPC address (default: ${DEFAULT-VALUE})",
      defaultValue = "127.0.0.1:6123")
  String jobManager;

  @Option(names = "--jobmanager-rest", paramLabel = "URL",
      description = "the JobManager's REST API, where this TaskManager checks that it is registered before it says ready "
          + "(default: http://<--jobmanager host>:8088)")
  String jobManagerRest;

  @Option(names = "--slots", description = "task slots (default: ${DEFAULT-VALUE})", defaultValue = "2")
  int slots;

  @Option(names = "--host", description = "address its RPC and data ports bind and announce (ephemeral ports; default: ${DEFAULT-VALUE})",
      defaultValue = "127.0.0.1")
  String host;

  @Option(names = "--network-mb", description = "network buffer memory, off heap, allocated at start (default: ${DEFAULT-VALUE})",
      defaultValue = "32")
  int networkMb;

  @Option(names = "--managed-mb", description = "managed memory (the rule job keeps its state on the heap; default: ${DEFAULT-VALUE})",
      defaultValue = "16")
  int managedMb;

  @Option(names = "--data-dir", paramLabel = "DIR", required = true, description = "this TaskManager's directory: work/, tmp/, blobs/")
  Path dataDir;

  @Option(names = "--log-dir", paramLabel = "DIR", description = "where strata.log goes (default: the temp dir's strata-logs/)")
  Path logDir;

  @Override
  public Integer call() throws Exception {
    if (logDir != null) {
      io.strata.app.LogDir.use(logDir);
    }
    Path dir = dataDir.toAbsolutePath().normalize();
    String jmHost;
    int jmPort;
    String rest;
    String resourceId;
    Configuration conf;
    try {
      int colon = jobManager.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("--jobmanager must be HOST:RPCPORT, got \"" + jobManager + "\"");
      }
      jmHost = jobManager.substring(0, colon);
      try {
        jmPort = Integer.parseInt(jobManager.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--jobmanager must be HOST:RPCPORT, got \"" + jobManager + "\"");
      }
      if (jmPort < 1 || jmPort > 65535) {
        throw new IllegalArgumentException("--jobmanager port must be 1..65535, got " + jmPort);
      }
      if (slots < 1 || slots > 64) {
        throw new IllegalArgumentException("--slots must be 1..64, got " + slots);
      }
      if (networkMb < 8 || managedMb < 0) {
        throw new IllegalArgumentException("--network-mb must be >= 8 and --managed-mb >= 0, got " + networkMb + " and " + managedMb);
      }
      rest = (jobManagerRest != null ? jobManagerRest : "http://" + jmHost + ":8088").replaceAll("/+$", "");
      java.net.URI.create(rest).toURL();
      Files.createDirectories(dir);
      // readable in the JobManager's /taskmanagers; unique per process (a restarted TaskManager is a new one)
      resourceId = dir.getFileName() + "-" + ProcessHandle.current().pid();
      conf = FlinkRoles.taskManager(host, jmHost, jmPort, slots, networkMb, managedMb, dir, resourceId);
    } catch (IllegalArgumentException | java.io.IOException e) {
      System.err.println(ROLE + ": " + e.getMessage());
      return 2;
    }
    long t0 = System.nanoTime();
    TaskManagerRunner runner;
    try {
      PluginManager plugins = PluginUtils.createPluginManagerFromRootFolder(conf);
      FileSystem.initialize(conf, plugins);
      runner = new TaskManagerRunner(conf, plugins, TaskManagerRunner::createTaskExecutorService);
      runner.start();
    } catch (Exception e) {
      System.err.println(ROLE + ": cannot start: " + JobManagerCommand.rootMessage(e));
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicBoolean stopping = new AtomicBoolean();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopping.set(true);
      System.out.println(ROLE + ": stopping ...");
      try {
        runner.close();
      } catch (Exception e) {
        System.err.println(ROLE + ": stopping: " + e);
      }
      System.out.println(ROLE + ": stopped");
      stopped.countDown();
    }, "strata-taskmanager-shutdown"));
    runner.getTerminationFuture().whenComplete((result, err) -> {
      if (!stopping.get()) {
        System.err.println(ROLE + ": the TaskManager stopped: " + (err != null ? err : result));
        new Thread(() -> System.exit(1), "strata-taskmanager-exit").start(); // blocks harmlessly if a shutdown is under way
      }
    });
    // registered once the JobManager lists it; it keeps retrying the registration while the JobManager is away
    boolean told = false;
    while (!registered(rest, resourceId)) {
      if (!told && Duration.ofNanos(System.nanoTime() - t0).toSeconds() >= 30) {
        System.err.println(ROLE + ": not registered at " + jobManager + " (" + rest + "/taskmanagers) after 30 s; still trying");
        told = true;
      }
      if (stopped.getCount() == 0 || stopping.get()) {
        return 0;
      }
      Thread.sleep(200);
    }
    System.out.println("strata flink taskmanager is up (" + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms): " + slots
        + " slots, registered as " + resourceId);
    System.out.println("  jobmanager         " + jobManager + "   (REST " + rest + ")");
    System.out.println("  data               " + dir);
    System.out.println("ready");
    System.out.flush();
    stopped.await();
    return 0;
  }

  /** True when the JobManager's {@code /taskmanagers} lists {@code id}. */
  static boolean registered(String rest, String id) {
    String body = FlinkCommand.get(rest, "/taskmanagers");
    if (body == null) {
      return false;
    }
    try {
      for (JsonNode tm : JSON.readTree(body).path("taskmanagers")) {
        if (id.equals(tm.path("id").asText())) {
          return true;
        }
      }
    } catch (java.io.IOException e) {
      return false;
    }
    return false;
  }
}
