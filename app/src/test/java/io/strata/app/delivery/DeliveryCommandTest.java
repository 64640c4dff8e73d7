package io.strata.app.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `strata delivery` refuses a config (or web config) it cannot use before it connects to anything. */
class DeliveryCommandTest {
  @TempDir
  Path dir;

  private int run(String yaml, ByteArrayOutputStream err, String... more) throws Exception {
    Path file = Files.writeString(dir.resolve("prometheus.yml"), yaml);
    PrintStream before = System.err;
    System.setErr(new PrintStream(err, true));
    try {
      String[] args = java.util.Arrays.copyOf(new String[] {"--config", file.toString(), "--port", "0"}, 4 + more.length);
      System.arraycopy(more, 0, args, 4, more.length);
      return new CommandLine(new DeliveryCommand()).execute(args);
    } finally {
      System.setErr(before);
    }
  }

  @Test
  void configWithoutAnyTargetIsExitCode2() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(2, run("scrape_configs: []\n", err));
    assertTrue(err.toString().contains("configures no Alertmanager"), err.toString());
  }

  @Test
  void invalidAlertingSectionIsExitCode2NamingTheKey() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(2, run("alerting:\n  alertmanagers:\n    - timeout: soon\n      static_configs: [{targets: ['am:9093']}]\n", err));
    assertTrue(err.toString().contains("alerting.alertmanagers[0].timeout: \"soon\" is not a duration"), err.toString());
  }

  @Test
  void invalidWebConfigIsExitCode2NamingTheFile() throws Exception {
    Path web = Files.writeString(dir.resolve("web.yml"), "basic_auth_users: {alice: notahash}\n");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(2, run("alerting:\n  alertmanagers:\n    - static_configs: [{targets: ['127.0.0.1:1']}]\n", err,
        "--bootstrap", "127.0.0.1:1", "--web.config.file", web.toString()));
    assertTrue(err.toString().contains("--web.config.file " + web.toAbsolutePath() + ": crypto/bcrypt: hashedSecret too short"), err.toString());
  }
}
