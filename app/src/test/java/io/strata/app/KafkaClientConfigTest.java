package io.strata.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class KafkaClientConfigTest {
  @TempDir Path dir;

  @Command(name = "probe")
  static final class Probe implements Runnable {
    @Mixin
    KafkaClientConfig kafka;

    @Override
    public void run() {}
  }

  @Test
  void theFileSettingsAreTheClientProperties() throws Exception {
    Path f = Files.writeString(dir.resolve("client.properties"), "# SASL login\nsecurity.protocol=SASL_PLAINTEXT\n"
        + "sasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required "
        + "username=\"u\" password=\"p=1\";\n");
    Probe probe = new Probe();
    new CommandLine(probe).parseArgs("--kafka-client-config", f.toString());
    assertEquals(Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p=1\";"), probe.kafka.properties());
  }

  @Test
  void withoutTheOptionNoPropertiesAreAdded() {
    Probe probe = new Probe();
    new CommandLine(probe).parseArgs();
    assertEquals(Map.of(), probe.kafka.properties());
  }

  /** Every per-stage command takes the option and refuses a missing file before it connects to anything: exit 2. */
  @Test
  void aMissingFileIsAUsageErrorOfEveryPerStageCommand() {
    String missing = dir.resolve("nope.properties").toString();
    for (List<String> command : List.of(List.of("ingest"), List.of("query", "--store", "http://127.0.0.1:1"),
        List.of("delivery", "--config", "p.yml"), List.of("rules", "list"), List.of("rules", "delete", "ns"),
        List.of("rules", "push", "r.yml"))) {
      List<String> args = new ArrayList<>(command);
      args.addAll(List.of("--kafka-client-config", missing));
      StringWriter err = new StringWriter();
      int code = new CommandLine(new Main()).setErr(new PrintWriter(err)).execute(args.toArray(String[]::new));
      assertEquals(2, code, command + ": " + err);
      assertTrue(err.toString().startsWith("--kafka-client-config " + missing + ": no such file"), command + ": " + err);
    }
  }

  @Test
  void aDirectoryIsNotReadable() {
    StringWriter err = new StringWriter();
    int code = new CommandLine(new Main()).setErr(new PrintWriter(err)).execute("rules", "list", "--kafka-client-config", dir.toString());
    assertEquals(2, code, err.toString());
    assertTrue(err.toString().startsWith("--kafka-client-config " + dir + ": cannot read it"), err.toString());
  }
}
