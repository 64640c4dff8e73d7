package io.strata.app.streams;

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

/** `strata streams` refuses what it cannot use before it starts anything: exit code 2 and the reason. */
class StreamsCommandTest {
  @TempDir
  Path dir;

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    PrintStream before = System.err;
    System.setErr(new PrintStream(err, true));
    try {
      String[] all = java.util.Arrays.copyOf(args, args.length + 4);
      System.arraycopy(new String[] {"--bootstrap", "127.0.0.1:1", "--data-dir", dir.resolve("data").toString()}, 0, all, args.length, 4);
      return new CommandLine(new StreamsCommand()).execute(all);
    } finally {
      System.setErr(before);
    }
  }

  @Test
  void topicPrefixWithASpaceIsExitCode2NamingTheKey() {
    assertEquals(2, run("--topic-prefix", "team a.", "--port", "0"));
    assertTrue(err.toString().contains("strata streams: --topic-prefix: may hold only letters, digits, '.', '_' and '-', got \"team a.\""), err.toString());
  }

  @Test
  void resolutionsThatAreNotMultiplesAreExitCode2NamingTheKey() throws Exception {
    Path file = Files.writeString(dir.resolve("strata.yml"), "rollups: {resolutions: [1m, 90s]}\n");
    assertEquals(2, run("--config", file.toString(), "--port", "0"));
    assertTrue(err.toString().contains("streams.resolutions"), err.toString());
  }

  @Test
  void badOutOfOrderWindowIsExitCode2NamingTheKey() throws Exception {
    Path file = Files.writeString(dir.resolve("strata.yml"), "sink: {out_of_order_window: soon}\n");
    assertEquals(2, run("--config", file.toString(), "--port", "0"));
    assertTrue(err.toString().contains("sink.out_of_order_window: \"soon\" is not a duration"), err.toString());
  }

  @Test
  void emptyApplicationIdAndPortOutOfRangeAreExitCode2() {
    assertEquals(2, run("--application-id", " ", "--port", "0"));
    assertTrue(err.toString().contains("strata streams: --application-id: must not be empty"), err.toString());
    assertEquals(2, run("--port", "70000"));
    assertTrue(err.toString().contains("strata streams: --port: must be 0..65535, got 70000"), err.toString());
  }

  @Test
  void busyPortIsExitCode2NamingIt() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      assertEquals(2, run("--port", Integer.toString(taken.getLocalPort())));
      assertTrue(err.toString().contains("streams HTTP"), err.toString());
    }
  }

  @Test
  void invalidWebConfigIsExitCode2NamingTheFile() throws Exception {
    Path web = Files.writeString(dir.resolve("web.yml"), "basic_auth_users: {alice: notahash}\n");
    assertEquals(2, run("--web.config.file", web.toString(), "--port", "0"));
    assertTrue(err.toString().contains("--web.config.file " + web.toAbsolutePath() + ": crypto/bcrypt: hashedSecret too short"), err.toString());
    assertTrue(Files.notExists(dir.resolve("data")), "nothing started");
  }
}
