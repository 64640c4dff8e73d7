package io.strata.app.flink;

import io.strata.flink.RuleJobGraph;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.BlobServerOptions;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ClusterOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.taskexecutor.TaskExecutorResourceUtils;

/**
 * The Flink configuration of the session cluster's processes, written from {@code strata flink} flags (there is no
 * Flink {@code conf/} directory: {@code flink-dist} is not on Maven Central, the JobManager and TaskManagers run
 * from {@code flink-runtime} in a Strata JVM). Every directory a process writes is under its {@code --data-dir}.
 */
public final class FlinkRoles {
  private FlinkRoles() {}

  /**
   * Heartbeats every 2 s: a TaskManager killed with SIGKILL refuses the next two heartbeat RPCs (Flink's
   * {@code heartbeat.rpc-failure-threshold}), so the JobManager frees its slots and restarts the job on a surviving
   * one within about 4 s instead of the default 20 s; one that hangs is given up after the timeout.
   */
  static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(2);
  static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(20);

  /**
   * The JobManager of a standalone session cluster: RPC and REST bound to {@code host}, checkpoints in
   * {@code <dataDir>/checkpoints}, savepoints in {@code <dataDir>/savepoints} (file URIs: the TaskManagers on this
   * machine write there), the rule job's restart strategy as the cluster default.
   */
  public static Configuration jobManager(String host, int rpcPort, int restPort, Path dataDir) {
    Configuration c = common(dataDir);
    c.set(JobManagerOptions.ADDRESS, host);
    c.set(JobManagerOptions.BIND_HOST, host);
    c.set(JobManagerOptions.PORT, rpcPort);
    c.set(RestOptions.ADDRESS, host);
    c.set(RestOptions.BIND_ADDRESS, host);
    c.set(RestOptions.PORT, restPort);
    c.set(RestOptions.BIND_PORT, Integer.toString(restPort));
    c.set(BlobServerOptions.PORT, "0"); // any free port: the TaskManagers learn it over RPC
    c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints(dataDir));
    c.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, savepoints(dataDir));
    c.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, 1);
    RuleJobGraph.restartStrategy(c);
    return c;
  }

  /** Where the JobManager with {@code dataDir} keeps checkpoints: {@code <dataDir>/checkpoints/<job id>/chk-<n>}. */
  public static String checkpoints(Path dataDir) {
    return dataDir.toAbsolutePath().resolve("checkpoints").toUri().toString();
  }

  /** Where the JobManager with {@code dataDir} writes savepoints (a submit's upgrade): {@code <dataDir>/savepoints/savepoint-*}. */
  public static String savepoints(Path dataDir) {
    return dataDir.toAbsolutePath().resolve("savepoints").toUri().toString();
  }

  /**
   * A TaskManager with {@code slots} task slots registering at the JobManager's RPC address; its own RPC and data
   * ports are ephemeral on {@code host}. Memory: {@code networkMb} of network buffers and {@code managedMb} of
   * managed memory (the rule job keeps its state on the heap); the rest of the JVM heap is the tasks'.
   */
  public static Configuration taskManager(String host, String jobManagerHost, int jobManagerRpcPort, int slots, int networkMb, int managedMb,
      Path dataDir, String resourceId) {
    Configuration c = common(dataDir);
    c.set(JobManagerOptions.ADDRESS, jobManagerHost);
    c.set(JobManagerOptions.PORT, jobManagerRpcPort);
    c.set(TaskManagerOptions.HOST, host);
    c.set(TaskManagerOptions.BIND_HOST, host);
    c.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
    c.set(TaskManagerOptions.TASK_MANAGER_RESOURCE_ID, resourceId);
    c.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.ofMebiBytes(networkMb));
    c.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.ofMebiBytes(networkMb));
    c.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(managedMb));
    // the standalone scripts compute these from a process size; in this JVM the heap is whatever -Xmx gives,
    // so the resource profile only says "unbounded" for heap and off-heap, as Flink's local execution does
    return TaskExecutorResourceUtils.adjustForLocalExecution(c);
  }

  private static Configuration common(Path dataDir) {
    Path dir = dataDir.toAbsolutePath();
    Configuration c = new Configuration();
    // Strata's own classpath holds the job classes (the job is submitted without a jar): load them from it
    c.set(CoreOptions.CLASSLOADER_RESOLVE_ORDER, "parent-first");
    c.set(CoreOptions.TMP_DIRS, dir.resolve("tmp").toString());
    c.set(ClusterOptions.PROCESS_WORKING_DIR_BASE, dir.resolve("work").toString());
    c.set(BlobServerOptions.STORAGE_DIRECTORY, dir.resolve("blobs").toString());
    c.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, HEARTBEAT_INTERVAL);
    c.set(HeartbeatManagerOptions.HEARTBEAT_TIMEOUT, HEARTBEAT_TIMEOUT);
    return c;
  }
}
