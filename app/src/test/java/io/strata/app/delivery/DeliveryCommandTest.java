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

/** `strata delivery` refuses a config it cannot use before it connects to anything. */
class DeliveryCommandTest {
  @TempDir
  Path dir;

  private int run(String yaml, ByteArrayOutputStream err) throws Exception {
    Path file = Files.writeString(dir.resolve("prometheus.yml"), yaml);
    PrintStream before = System.err;
    System.setErr(new PrintStream(err, true));
    try {
      return new CommandLine(new DeliveryCommand()).execute("--config", file.toString(), "--port", "0");
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
}
