package io.strata.app.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `strata flink` refuses what it cannot use before it starts anything (exit 2 and the reason), and the roles' Flink configuration. */
class FlinkCommandTest {
  @TempDir
  Path dir;

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    PrintStream before = System.err;
    System.setErr(new PrintStream(err, true));
    try {
      return new CommandLine(new FlinkCommand()).execute(args);
    } finally {
      System.setErr(before);
    }
  }

  @Test
  void jobManagerOnATakenRestPortIsExitCode2NamingThePort() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      assertEquals(2, run("jobmanager", "--rpc-port", "1", "--rest-port", Integer.toString(port), "--port", "0", "--data-dir", dir.toString()));
      assertTrue(err.toString().startsWith("strata flink jobmanager: --rest-port: JobManager REST port 127.0.0.1:" + port + " is already in use"), err.toString());
    }
  }

  @Test
  void jobManagerWithTheSamePortTwiceIsExitCode2() {
    assertEquals(2, run("jobmanager", "--rpc-port", "6999", "--rest-port", "6999", "--port", "0", "--data-dir", dir.toString()));
    assertEquals("strata flink jobmanager: --rpc-port: --rpc-port 6999, --rest-port 6999 and --port 0 must differ", err.toString().strip());
  }

  @Test
  void taskManagerWithoutAPortInJobmanagerOrWithNoSlotsIsExitCode2() {
    assertEquals(2, run("taskmanager", "--jobmanager", "127.0.0.1", "--data-dir", dir.toString()));
    assertTrue(err.toString().contains("strata flink taskmanager: --jobmanager: must be HOST:RPCPORT, got \"127.0.0.1\""), err.toString());
    assertEquals(2, run("taskmanager", "--slots", "0", "--data-dir", dir.toString()));
    assertTrue(err.toString().contains("strata flink taskmanager: --slots: must be 1..64, got 0"), err.toString());
  }

  @Test
  void submitWithABadRuleJobKeyOrRestUrlIsExitCode2() throws Exception {
    Path yml = Files.writeString(dir.resolve("strata.yml"), "rule_job: {checkpoint.interval: often}\n");
    assertEquals(2, run("submit", "--config", yml.toString()));
    assertTrue(err.toString().contains("strata flink submit: rule_job: "), err.toString());
    assertTrue(err.toString().contains("often"), err.toString());
    assertEquals(2, run("submit", "--rest", "ftp://127.0.0.1:8088"));
    assertTrue(err.toString().contains("strata flink submit: --rest: must be an http://HOST:PORT URL, got \"ftp://127.0.0.1:8088\""), err.toString());
  }

  @Test
  void submitToNoJobManagerIsExitCode1WithTheError() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    assertEquals(1, run("submit", "--rest", "http://127.0.0.1:" + port, "--bootstrap", "127.0.0.1:1"));
    assertTrue(err.toString().startsWith("strata flink submit: "), err.toString());
  }

  @Test
  void jobManagerKeepsCheckpointsAndSavepointsUnderItsDataDirAndLoadsJobClassesFromItsOwnClasspath() {
    Configuration c = FlinkRoles.jobManager("127.0.0.1", 6123, 8088, dir);
    assertEquals(dir.toAbsolutePath().resolve("checkpoints").toUri().toString(), c.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY));
    assertEquals(dir.toAbsolutePath().resolve("savepoints").toUri().toString(), c.get(CheckpointingOptions.SAVEPOINT_DIRECTORY));
    assertEquals("parent-first", c.get(CoreOptions.CLASSLOADER_RESOLVE_ORDER));
    assertEquals(6123, c.get(JobManagerOptions.PORT));
    assertEquals(8088, c.get(RestOptions.PORT));
    assertEquals("127.0.0.1", c.get(RestOptions.BIND_ADDRESS));
    assertEquals("exponential-delay", c.get(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY));
    assertTrue(c.get(CoreOptions.TMP_DIRS).startsWith(dir.toAbsolutePath().toString()));
  }

  @Test
  void taskManagerRegistersAtTheJobManagerWithItsSlots() {
    Configuration c = FlinkRoles.taskManager("127.0.0.1", "10.0.0.5", 6124, 2, 32, 16, dir, "taskmanager-1-42");
    assertEquals("10.0.0.5", c.get(JobManagerOptions.ADDRESS));
    assertEquals(6124, c.get(JobManagerOptions.PORT));
    assertEquals(2, c.get(TaskManagerOptions.NUM_TASK_SLOTS));
    assertEquals("taskmanager-1-42", c.get(TaskManagerOptions.TASK_MANAGER_RESOURCE_ID));
    assertEquals("parent-first", c.get(CoreOptions.CLASSLOADER_RESOLVE_ORDER));
    assertEquals(32L << 20, c.get(TaskManagerOptions.NETWORK_MEMORY_MAX).getBytes());
  }

  @Test
  void onlyTheClusterRolesRunOn() {
    assertTrue(FlinkCommand.isLongRunning(new String[] {"flink", "jobmanager"}));
    assertTrue(FlinkCommand.isLongRunning(new String[] {"flink", "taskmanager", "--slots", "2"}));
    assertFalse(FlinkCommand.isLongRunning(new String[] {"flink", "submit"}));
    assertFalse(FlinkCommand.isLongRunning(new String[] {"flink"}));
  }
}
