package io.strata.app.connect;

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

/** `strata connect` refuses what it cannot use before it starts anything: exit code 2 and the reason. */
class ConnectCommandTest {
  @TempDir
  Path dir;

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    PrintStream before = System.err;
    System.setErr(new PrintStream(err, true));
    try {
      String[] all = java.util.Arrays.copyOf(args, args.length + 4);
      System.arraycopy(new String[] {"--bootstrap", "127.0.0.1:1", "--data-dir", dir.resolve("data").toString()}, 0, all, args.length, 4);
      return new CommandLine(new ConnectCommand()).execute(all);
    } finally {
      System.setErr(before);
    }
  }

  @Test
  void topicPrefixWithASpaceIsExitCode2NamingTheKey() {
    assertEquals(2, run("--topic-prefix", "team a.", "--port", "0"));
    assertTrue(err.toString().contains("kafka.topic_prefix may hold only letters, digits, '.', '_' and '-', got \"team a.\""), err.toString());
    assertTrue(Files.notExists(dir.resolve("data")), "nothing written before the settings are valid");
  }

  @Test
  void sameQueryAndConnectPortIsExitCode2() {
    assertEquals(2, run("--port", "18083", "--connect-port", "18083"));
    assertTrue(err.toString().contains("--port and --connect-port must differ, both are 18083"), err.toString());
  }

  @Test
  void connectPortOutOfRangeIsExitCode2() {
    assertEquals(2, run("--port", "0", "--connect-port", "70000"));
    assertTrue(err.toString().contains("--connect-port must be 1..65535, got 70000"), err.toString());
  }

  @Test
  void zeroTasksIsExitCode2() {
    assertEquals(2, run("--port", "0", "--connect-port", "18084", "--tasks", "0"));
    assertTrue(err.toString().contains("--tasks must be >= 1, got 0"), err.toString());
  }

  @Test
  void badDurationOrUnknownKeyInTheConfigFileIsExitCode2NamingIt() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.yml"), "sink: {out_of_order_window: soon}\n");
    assertEquals(2, run("--config", bad.toString(), "--port", "0", "--connect-port", "18085"));
    assertTrue(err.toString().contains("sink.out_of_order_window: \"soon\" is not a duration"), err.toString());
    Path typo = Files.writeString(dir.resolve("typo.yml"), "rolups: {resolutions: [1m]}\n");
    assertEquals(2, run("--config", typo.toString(), "--port", "0", "--connect-port", "18085"));
    assertTrue(err.toString().contains("unknown key \"rolups\""), err.toString());
  }

  @Test
  void busyConnectPortIsExitCode2NamingIt() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      assertEquals(2, run("--port", "0", "--connect-port", Integer.toString(taken.getLocalPort())));
      assertTrue(err.toString().contains("Kafka Connect REST"), err.toString());
    }
  }

  @Test
  void invalidWebConfigIsExitCode2NamingTheFile() throws Exception {
    Path web = Files.writeString(dir.resolve("web.yml"), "basic_auth_users: {alice: notahash}\n");
    assertEquals(2, run("--web.config.file", web.toString(), "--port", "0", "--connect-port", "18086"));
    assertTrue(err.toString().contains("--web.config.file " + web.toAbsolutePath() + ": crypto/bcrypt: hashedSecret too short"), err.toString());
    assertTrue(Files.notExists(dir.resolve("data")), "nothing written before the settings are valid");
  }

  @Test
  void distributedWithoutAGroupIdIsExitCode2() {
    assertEquals(2, run("--distributed", "--port", "0", "--connect-port", "18087"));
    assertTrue(err.toString().contains("strata connect: --distributed needs --group-id"), err.toString());
    assertTrue(Files.notExists(dir.resolve("data")), "nothing written before the settings are valid");
  }

  @Test
  void groupIdOrReplicationFactorWithoutDistributedIsExitCode2() {
    assertEquals(2, run("--group-id", "g", "--port", "0", "--connect-port", "18087"));
    assertTrue(err.toString().contains("--group-id needs --distributed"), err.toString());
    assertEquals(2, run("--replication-factor", "3", "--port", "0", "--connect-port", "18087"));
    assertTrue(err.toString().contains("--replication-factor needs --distributed"), err.toString());
  }

  @Test
  void aGroupIdThatCannotBePartOfATopicNameIsExitCode2() {
    assertEquals(2, run("--distributed", "--group-id", "tsdb sink", "--port", "0", "--connect-port", "18087"));
    assertTrue(err.toString().contains("--group-id is part of topic names: 1..200 letters, digits, '.', '_' or '-', got \"tsdb sink\""),
        err.toString());
  }

  @Test
  void replicationFactorZeroIsExitCode2() {
    assertEquals(2, run("--distributed", "--group-id", "g", "--replication-factor", "0", "--port", "0", "--connect-port", "18087"));
    assertTrue(err.toString().contains("--replication-factor must be >= 1 (or -1: the broker's default), got 0"), err.toString());
  }
}
