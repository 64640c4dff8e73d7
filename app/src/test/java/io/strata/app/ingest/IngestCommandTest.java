package io.strata.app.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `strata ingest` refuses what it cannot use before it connects to anything: exit code 2 and the reason. */
class IngestCommandTest {
  @TempDir
  Path dir;

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    PrintStream before = System.err;
    System.setErr(new PrintStream(err, true));
    try {
      // a broker nobody runs: nothing here may get as far as connecting
      return new CommandLine(new IngestCommand()).execute(concat(args, "--bootstrap", "127.0.0.1:1"));
    } finally {
      System.setErr(before);
    }
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  @Test
  void topicPrefixWithASpaceIsExitCode2NamingTheKey() {
    assertEquals(2, run("--topic-prefix", "team a.", "--port", "0"));
    assertTrue(err.toString().contains("strata ingest: --topic-prefix: may hold only letters, digits, '.', '_' and '-', got \"team a.\""), err.toString());
  }

  @Test
  void unknownKeyInTheConfigFileIsExitCode2NamingIt() throws Exception {
    Path file = Files.writeString(dir.resolve("strata.yml"), "ports: {ingest: 0}\nlimts: {ingestion_rate: 10}\n");
    assertEquals(2, run("--config", file.toString()));
    assertTrue(err.toString().contains("unknown key \"limts\""), err.toString());
  }

  @Test
  void unknownLimitIsExitCode2NamingIt() throws Exception {
    // the limits section is read as strata up reads it
    Path file = Files.writeString(dir.resolve("strata.yml"), "ports: {ingest: 0}\nlimits: {max_series: 10}\n");
    assertEquals(2, run("--config", file.toString()));
    assertTrue(err.toString().contains("limits.max_series is not a limit"), err.toString());
  }

  @Test
  void busyPortIsExitCode2NamingIt() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      assertEquals(2, run("--port", Integer.toString(busy.getLocalPort())));
      assertTrue(err.toString().contains(Integer.toString(busy.getLocalPort())) && err.toString().contains("ingest"), err.toString());
    }
  }
}
