package io.strata.app.flink;

import io.strata.embedded.Ports;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code strata flink jobmanager}: the JobManager of a Flink standalone session cluster (dispatcher, resource
 * manager, REST API) in this process, from {@code flink-runtime}. Jobs are submitted over its REST API
 * ({@code strata flink submit}); TaskManagers register over RPC ({@code strata flink taskmanager}).
 */
@Command(name = "jobmanager", mixinStandardHelpOptions = true,
    description = "Run the JobManager of a Flink session cluster (REST API, RPC, checkpoints and savepoints under --data-dir). "
        + "Ctrl-C stops it.")
public final class JobManagerCommand implements Callable<Integer> {
  static final String ROLE = "strata flink jobmanager";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

  @Option(names = "--host", description = "address the RPC and REST ports bind and announce (default: ${DEFAULT-VALUE})", defaultValue = "127.0.0.1")
  String host;

  @Option(names = "--rpc-port", description = "RPC port the TaskManagers register at (default: ${DEFAULT-VALUE})", defaultValue = "6123")
  int rpcPort;

  @Option(names = "--rest-port", description = "REST API port: job submission, /overview, /jobs, /taskmanagers (default: ${DEFAULT-VALUE})",
      defaultValue = "8088")
  int restPort;

  @Option(names = "--data-dir", paramLabel = "DIR", required = true,
      description = "this JobManager's directory: checkpoints/, savepoints/, blobs/, work/, tmp/")
  Path dataDir;

  @Option(names = "--log-dir", paramLabel = "DIR", description = "where strata.log goes (default: the temp dir's strata-logs/)")
  Path logDir;

  @Override
  public Integer call() throws Exception {
    if (logDir != null) {
      io.strata.app.LogDir.use(logDir);
    }
    Path dir = dataDir.toAbsolutePath().normalize();
    try {
      for (int[] p : new int[][] {{rpcPort}, {restPort}}) {
        if (p[0] < 1 || p[0] > 65535) {
          throw new IllegalArgumentException("ports must be 1..65535, got " + p[0]);
        }
      }
      if (rpcPort == restPort) {
        throw new IllegalArgumentException("--rpc-port and --rest-port must differ, both are " + rpcPort);
      }
      Ports.requireFree("JobManager RPC", host, rpcPort);
      Ports.requireFree("JobManager REST", host, restPort);
      java.nio.file.Files.createDirectories(dir);
    } catch (IllegalArgumentException | Ports.PortInUseException | java.io.IOException e) {
      System.err.println(ROLE + ": " + e.getMessage());
      return 2;
    }
    long t0 = System.nanoTime();
    // the entrypoint registers its own shutdown hook (SIGTERM stops the cluster cleanly)
    StandaloneSessionClusterEntrypoint entrypoint = new StandaloneSessionClusterEntrypoint(FlinkRoles.jobManager(host, rpcPort, restPort, dir));
    try {
      entrypoint.startCluster();
    } catch (Exception e) {
      entrypoint.closeAsync();
      System.err.println(ROLE + ": cannot start: " + rootMessage(e));
      return 1;
    }
    String rest = "http://" + host + ":" + restPort;
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (FlinkCommand.get(rest, "/overview") == null) {
      if (System.nanoTime() > deadline || entrypoint.getTerminationFuture().isDone()) {
        System.err.println(ROLE + ": the REST API " + rest + " did not answer /overview in " + READY_TIMEOUT.toSeconds() + " s");
        entrypoint.closeAsync().get(30, TimeUnit.SECONDS);
        return 1;
      }
      Thread.sleep(100);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopping.set(true);
      System.out.println(ROLE + ": stopping ...");
      try {
        entrypoint.closeAsync().get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println(ROLE + ": stopping: " + e);
      }
      System.out.println(ROLE + ": stopped");
      stopped.countDown();
    }, "strata-jobmanager-shutdown"));
    System.out.println("strata flink jobmanager is up (" + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms)");
    System.out.println("  rest               " + rest + "   (/overview, /jobs, /taskmanagers)");
    System.out.println("  rpc                " + host + ":" + rpcPort + "   (strata flink taskmanager --jobmanager)");
    System.out.println("  checkpoints        " + dir.resolve("checkpoints"));
    System.out.println("  savepoints         " + dir.resolve("savepoints"));
    System.out.println("ready");
    System.out.flush();
    // the cluster also ends by itself on a fatal error: then the process exits with Flink's failure code
    entrypoint.getTerminationFuture().whenComplete((status, err) -> {
      if (!stopping.get()) {
        System.err.println(ROLE + ": the cluster stopped: " + (err != null ? err : status));
        new Thread(() -> System.exit(1), "strata-jobmanager-exit").start(); // blocks harmlessly if a shutdown is under way
      }
    });
    stopped.await();
    return 0;
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t + ")";
  }
}
