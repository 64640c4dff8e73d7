package io.strata.app.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.embedded.KafkaBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KafkaCommandTest {
  @TempDir Path dir;

  static KafkaBroker.Node node(String... args) {
    KafkaCommand c = new KafkaCommand();
    new CommandLine(c).parseArgs(args);
    return c.node(io.strata.app.StageFlags.resolve(KafkaCommand.STAGE, c.config.load(), c.config.dir(), null, c.process, null, null, null));
  }

  @Test
  void aVoterOfThreeGetsReplicationThreeAndMinIsrTwo() {
    KafkaBroker.Node n = node("--node-id", "2", "--port", "9192", "--controller-port", "9195", "--voters",
        "1@127.0.0.1:9095,2@127.0.0.1:9195,3@127.0.0.1:9295");
    assertEquals(new KafkaBroker.Node(2, "127.0.0.1", "127.0.0.1", 9192, 9195, "1@127.0.0.1:9095,2@127.0.0.1:9195,3@127.0.0.1:9295", 3, 2), n);
  }

  @Test
  void aLoneNodeIsItsOwnQuorumWithReplicationOne() {
    KafkaBroker.Node n = node("--host", "0.0.0.0");
    assertEquals(new KafkaBroker.Node(1, "0.0.0.0", "127.0.0.1", 9092, 9095, "1@127.0.0.1:9095", 1, 1), n);
  }

  /** Runs the command as main does; returns exit code and stderr. */
  Object[] run(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream old = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = new CommandLine(new KafkaCommand()).execute(args);
      return new Object[] {code, err.toString(StandardCharsets.UTF_8)};
    } finally {
      System.setErr(old);
    }
  }

  @Test
  void votersWithoutThisNodeAreRefusedInOneLine() {
    Object[] r = run("--node-id", "4", "--voters", "1@127.0.0.1:9095,2@127.0.0.1:9195", "--data-dir", dir.toString());
    assertEquals(2, r[0]);
    assertEquals("strata kafka: --voters: 1@127.0.0.1:9095,2@127.0.0.1:9195 does not list --node-id 4\n", r[1]);
  }

  @Test
  void aMalformedVoterAndAReplicationAboveTheVotersAreRefused() {
    Object[] r = run("--voters", "1@127.0.0.1", "--data-dir", dir.toString());
    assertEquals(2, r[0]);
    assertTrue(((String) r[1]).startsWith("strata kafka: --voters: \"1@127.0.0.1\" is not ID@HOST:PORT"), (String) r[1]);
    r = run("--replication-factor", "3", "--data-dir", dir.toString());
    assertEquals(2, r[0]);
    assertTrue(((String) r[1]).contains("strata kafka: --replication-factor: must be 1..1"), (String) r[1]);
  }

  @Test
  void aBusyPortIsRefusedNamingIt() throws Exception {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Object[] r = run("--port", Integer.toString(s.getLocalPort()), "--controller-port", "1", "--data-dir", dir.toString());
      assertEquals(2, r[0]);
      assertTrue(((String) r[1]).startsWith("strata kafka: --port: Kafka port 127.0.0.1:" + s.getLocalPort() + " is already in use"), (String) r[1]);
    }
  }
}
