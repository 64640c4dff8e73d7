package io.strata.app.query;

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

/** `strata query` refuses what it cannot use before it listens: exit code 2 and the reason. */
class QueryCommandTest {
  @TempDir
  Path dir;

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    PrintStream before = System.err;
    System.setErr(new PrintStream(err, true));
    try {
      return new CommandLine(new QueryCommand()).execute(args);
    } finally {
      System.setErr(before);
    }
  }

  @Test
  void noStoreIsExitCode2SayingHowToGiveOne() {
    assertEquals(2, run("--port", "0"));
    assertTrue(err.toString().contains("no store to read: give --store URL (repeatable) or query.stores"), err.toString());
  }

  @Test
  void aStoreThatIsNotAnHttpUrlIsExitCode2NamingIt() throws Exception {
    assertEquals(2, run("--port", "0", "--store", "127.0.0.1:9090"));
    assertTrue(err.toString().contains("\"127.0.0.1:9090\" is not an http(s)://host:port URL"), err.toString());
    Path file = Files.writeString(dir.resolve("strata.yml"), "query: {stores: [\"ftp://store-1:9090\"]}\n");
    assertEquals(2, run("--port", "0", "--config", file.toString()));
    assertTrue(err.toString().contains("\"ftp://store-1:9090\""), err.toString());
  }

  @Test
  void badStoreTimeoutAndUnknownKeyAreExitCode2NamingThem() throws Exception {
    Path file = Files.writeString(dir.resolve("strata.yml"), "query: {stores: [\"http://127.0.0.1:1\"], store_timeout: soon}\n");
    assertEquals(2, run("--port", "0", "--config", file.toString()));
    assertTrue(err.toString().contains("query.store_timeout: \"soon\" is not a duration"), err.toString());
    Path typo = Files.writeString(dir.resolve("typo.yml"), "query: {store: [\"http://127.0.0.1:1\"]}\n");
    assertEquals(2, run("--port", "0", "--config", typo.toString()));
    assertTrue(err.toString().contains("unknown key \"store\""), err.toString());
  }

  @Test
  void busyPortIsExitCode2NamingIt() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      assertEquals(2, run("--store", "http://127.0.0.1:1", "--port", Integer.toString(busy.getLocalPort())));
      assertTrue(err.toString().contains(Integer.toString(busy.getLocalPort())) && err.toString().contains("query"), err.toString());
    }
  }
}
