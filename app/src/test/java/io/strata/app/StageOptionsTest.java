package io.strata.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.app.delivery.DeliveryCommand;
import io.strata.app.ingest.IngestCommand;
import io.strata.app.query.QueryCommand;
import io.strata.app.streams.StreamsCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The common options of the per-stage commands: each setting is the flag, else its strata.yml key, else the default;
 * every bad value is refused the same way by every stage: {@code strata <stage>: <flag or key>: <problem>}, exit code 2.
 */
class StageOptionsTest {
  private static final Stage WITH_KEY = new Stage("test", "test", "ports.ingest", 9091, false);
  private static final Stage WITHOUT_KEY = new Stage("test", "test HTTP", null, 9096, true);

  @TempDir
  Path dir;

  /** A command with only the common options: resolves them and keeps the result. */
  @Command(name = "test")
  static final class Probe implements Callable<Integer> {
    @Mixin
    StageOptions options;
    final Stage stage;
    StageSettings settings;

    Probe(Stage stage) {
      this.stage = stage;
    }

    @Override
    public Integer call() {
      StageRun run = new StageRun(stage.name());
      try {
        settings = options.resolve(stage);
        settings.requirePortFree();
        return 0;
      } catch (IllegalArgumentException e) {
        return run.refuse(e);
      }
    }
  }

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Object command, String... args) {
    PrintStream before = System.err;
    System.setErr(new PrintStream(err, true));
    try {
      return new CommandLine(command).execute(args);
    } finally {
      System.setErr(before);
    }
  }

  private StageSettings resolve(Stage stage, String... args) {
    Probe p = new Probe(stage);
    assertEquals(0, run(p, args), err.toString());
    return p.settings;
  }

  @Test
  void withoutFlagsOrFileEverySettingIsItsDefault() {
    StageSettings s = resolve(WITH_KEY);
    assertEquals("127.0.0.1", s.host());
    assertEquals(9091, s.port());
    assertEquals("", s.topicPrefix());
    assertEquals("127.0.0.1:9092", s.bootstrap());
    assertEquals("http://127.0.0.1:8081/apis/ccompat/v7", s.registryUrl());
    assertEquals(Path.of("data").toAbsolutePath(), s.dataDir());
    assertNull(s.webConfigFile());
    assertNull(resolve(WITHOUT_KEY).bootstrap(), "a stage that runs without Kafka has none by default");
  }

  @Test
  void theFileBeatsTheDefaultsAndFlagsBeatTheFile() throws Exception {
    Path file = Files.writeString(dir.resolve("strata.yml"),
        "host: 0.0.0.0\ndata_dir: here\nports: {ingest: 19091, query: 19090}\nkafka: {topic_prefix: 'file.'}\n");
    StageSettings fromFile = resolve(WITH_KEY, "--config", file.toString());
    assertEquals("0.0.0.0", fromFile.host());
    assertEquals(19091, fromFile.port());
    assertEquals("file.", fromFile.topicPrefix());
    assertEquals(dir.resolve("here"), fromFile.dataDir(), "data_dir joined to the file's folder");
    assertEquals("http://127.0.0.1:19091", fromFile.baseUrl(false, 19091), "0.0.0.0 shown as loopback");
    assertEquals(9096, resolve(WITHOUT_KEY, "--config", file.toString()).port(), "a stage without a ports key: its default");

    StageSettings flags = resolve(WITH_KEY, "--config", file.toString(), "--host", "127.0.0.2", "--port", "0", "--topic-prefix", "flag.",
        "--data-dir", dir.resolve("mine").toString(), "--bootstrap", "k1:9092,k2:9092", "--registry-url", "http://r:8081",
        "--web.config.file", "web.yml");
    assertEquals("127.0.0.2", flags.host());
    assertEquals(0, flags.port());
    assertEquals("flag.", flags.topicPrefix());
    assertEquals(dir.resolve("mine"), flags.dataDir());
    assertEquals("k1:9092,k2:9092", flags.bootstrap());
    assertEquals("http://r:8081", flags.registryUrl());
    assertEquals(Path.of("web.yml").toAbsolutePath(), flags.webConfigFile());
  }

  @Test
  void theOldNamesOfBootstrapStillWorkAndAreNotShown() {
    assertEquals("a:1", resolve(WITH_KEY, "--kafka", "a:1").bootstrap());
    assertEquals("b:2", resolve(WITH_KEY, "--bootstrap-server", "b:2").bootstrap());
    String usage = new CommandLine(new Probe(WITH_KEY)).getUsageMessage();
    assertTrue(usage.contains("--bootstrap=HOST:PORT,..."), usage);
    assertFalse(usage.contains("--bootstrap-server") || usage.contains("--kafka="), usage);
  }

  @Test
  void badPortsAreRefusedNamingTheFlagOrTheKey() throws Exception {
    assertEquals(2, run(new Probe(WITH_KEY), "--port", "70000"));
    assertEquals("strata test: --port: must be 0..65535, got 70000", err.toString().strip());
    err.reset();
    Path file = Files.writeString(dir.resolve("strata.yml"), "ports: {ingest: -1}\n");
    assertEquals(2, run(new Probe(WITH_KEY), "--config", file.toString()));
    assertEquals("strata test: ports.ingest: must be 0..65535, got -1", err.toString().strip());
    err.reset();
    assertEquals(2, run(new Probe(WITH_KEY), "--port", "ninety"), "not a number: picocli's usage error, exit 2 as well");
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      err.reset();
      Path taken = Files.writeString(dir.resolve("taken.yml"), "ports: {ingest: " + busy.getLocalPort() + "}\n");
      assertEquals(2, run(new Probe(WITH_KEY), "--config", taken.toString()));
      assertTrue(err.toString().startsWith("strata test: ports.ingest: test port 127.0.0.1:" + busy.getLocalPort() + " is already in use"),
          err.toString());
    }
  }

  @Test
  void unknownKeysAreRefusedNamingTheFileTheKeyAndWhereItIs() throws Exception {
    Path file = Files.writeString(dir.resolve("strata.yml"), "limts: {ingestion_rate: 10}\n");
    assertEquals(2, run(new Probe(WITH_KEY), "--config", file.toString()));
    assertTrue(err.toString().startsWith("strata test: --config " + file + ": unknown key \"limts\" (known: "), err.toString());
    err.reset();
    Path nested = Files.writeString(dir.resolve("nested.yml"), "query: {store: ['http://127.0.0.1:1']}\n");
    assertEquals(2, run(new Probe(WITH_KEY), "--config", nested.toString()));
    assertTrue(err.toString().startsWith("strata test: --config " + nested + ": unknown key \"store\" in query (known: "), err.toString());
  }

  @Test
  void aBadTopicPrefixIsRefusedNamingWhereItCameFrom() throws Exception {
    assertEquals(2, run(new Probe(WITH_KEY), "--topic-prefix", "a/b"));
    assertEquals("strata test: --topic-prefix: may hold only letters, digits, '.', '_' and '-', got \"a/b\"", err.toString().strip());
    err.reset();
    Path file = Files.writeString(dir.resolve("strata.yml"), "kafka: {topic_prefix: 'a b'}\n");
    assertEquals(2, run(new Probe(WITH_KEY), "--config", file.toString()));
    assertEquals("strata test: kafka.topic_prefix: may hold only letters, digits, '.', '_' and '-', got \"a b\"", err.toString().strip());
  }

  /** Every stage, same bad input, same line: only the stage's name differs. */
  @Test
  void everyStageRefusesTheSameBadInputWithTheSameLine() throws Exception {
    Path alerting = Files.writeString(dir.resolve("alerting.yml"), "alerting:\n  alertmanagers:\n    - static_configs: [{targets: ['127.0.0.1:1']}]\n");
    Path unknown = Files.writeString(dir.resolve("strata.yml"), "limts: {}\n");
    Path badWindow = Files.writeString(dir.resolve("window.yml"), "sink: {out_of_order_window: soon}\n");
    List<Supplier<Object>> stages = List.of(IngestCommand::new, StreamsCommand::new, QueryCommand::new, DeliveryCommand::new);
    List<String> names = List.of("ingest", "streams", "query", "delivery");
    for (int i = 0; i < stages.size(); i++) {
      String name = names.get(i);
      List<String> base = new ArrayList<>(List.of("--bootstrap", "127.0.0.1:1", "--data-dir", dir.resolve("data").toString()));
      if (name.equals("query")) {
        base.addAll(List.of("--store", "http://127.0.0.1:1"));
      }
      if (name.equals("delivery")) {
        base.addAll(List.of("--config", alerting.toString()));
      }
      err.reset();
      assertEquals(2, run(stages.get(i).get(), concat(base, "--port", "70000")), name);
      assertEquals("strata " + name + ": --port: must be 0..65535, got 70000", err.toString().strip());
      if (!name.equals("delivery")) { // its --config is the prometheus.yml-shaped alerting file
        err.reset();
        assertEquals(2, run(stages.get(i).get(), concat(base, "--port", "0", "--config", unknown.toString())), name);
        assertTrue(err.toString().startsWith("strata " + name + ": --config " + unknown + ": unknown key \"limts\""), err.toString());
      }
      if (!name.equals("query")) { // query keeps no samples: it reads no out-of-order window
        if (!name.equals("delivery")) {
          err.reset();
          assertEquals(2, run(stages.get(i).get(), concat(base, "--port", "0", "--config", badWindow.toString())), name);
          assertEquals("strata " + name + ": sink.out_of_order_window: \"soon\" is not a duration like 30s or 1m", err.toString().strip());
        }
      }
    }
    err.reset();
    assertEquals(2, run(new QueryCommand(), "--store", "http://127.0.0.1:1", "--port", "0", "--store-timeout", "soon"));
    assertEquals("strata query: --store-timeout: \"soon\" is not a duration like 30s or 1m", err.toString().strip());
    assertTrue(Files.notExists(dir.resolve("data")), "nothing started");
  }

  /**
   * The roles of the loopback cluster (kafka, registry, the Flink processes and submit) take the shared options that mean
   * something to them, resolved and refused the same way: the same bad input, the same line but the role's name.
   */
  @Test
  void everyRoleRefusesTheSameBadInputWithTheSameLine() throws Exception {
    Path unknown = Files.writeString(dir.resolve("strata.yml"), "limts: {}\n");
    Path badPort = Files.writeString(dir.resolve("ports.yml"), "ports: {kafka: 70000, registry: 70000}\n");
    Path badPrefix = Files.writeString(dir.resolve("prefix.yml"), "kafka: {topic_prefix: 'a b'}\n");
    String data = dir.resolve("data").toString();
    List<List<String>> roles = List.of(List.of("kafka"), List.of("registry"), List.of("flink", "jobmanager"), List.of("flink", "taskmanager"),
        List.of("flink", "submit"));
    for (List<String> role : roles) {
      String name = "strata " + String.join(" ", role);
      boolean serves = !role.contains("submit");
      if (serves) {
        assertEquals("strata " + String.join(" ", role) + ": --port: must be 0..65535, got 70000", refusal(role, "--data-dir", data, "--port", "70000"));
        assertEquals(name + ": --port: must be 0..65535, got -1", refusal(role, "--data-dir", data, "--port", "-1"));
      }
      assertTrue(refusal(role, "--config", unknown.toString()).startsWith(name + ": --config " + unknown + ": unknown key \"limts\" (known: "), name);
      if (role.contains("registry") || role.contains("submit")) { // the roles that name topics
        assertEquals(name + ": --topic-prefix: may hold only letters, digits, '.', '_' and '-', got \"a/b\"", refusal(role, "--topic-prefix", "a/b"));
        assertEquals(name + ": kafka.topic_prefix: may hold only letters, digits, '.', '_' and '-', got \"a b\"",
            refusal(role, "--config", badPrefix.toString()));
      }
      if (serves && role.contains("flink")) { // not a number: picocli's usage error, one line, exit 2 as well
        assertTrue(refusal(role, "--port", "x").startsWith(name + ": Invalid value for option '--port': 'x' is not an int"), name);
      }
    }
    assertEquals("strata kafka: ports.kafka: must be 0..65535, got 70000", refusal(List.of("kafka"), "--config", badPort.toString()));
    assertEquals("strata registry: ports.registry: must be 0..65535, got 70000", refusal(List.of("registry"), "--config", badPort.toString()));
    assertEquals("strata kafka: --port: must be a fixed port (the other nodes and clients are told it)", refusal(List.of("kafka"), "--port", "0"));
    assertTrue(refusal(List.of("flink", "taskmanager"), "--port", "0", "--web.config.file", dir.resolve("none.yml").toString())
        .startsWith("strata flink taskmanager: --web.config.file " + dir.resolve("none.yml") + ": "));
    assertEquals("strata flink submit: --timeout: \"soon\" is not a duration like 30s or 1m", refusal(List.of("flink", "submit"), "--timeout", "soon"));
    assertTrue(Files.notExists(dir.resolve("data")), "nothing started");
  }

  /** Flag > strata.yml > default for the roles: the port keys of strata up, and each role's folder of data_dir. */
  @Test
  void theRolesResolveFlagThenFileThenDefault() throws Exception {
    Path file = Files.writeString(dir.resolve("strata.yml"), "host: 127.0.0.3\ndata_dir: here\nports: {kafka: 19092, registry: 18081}\n");
    Stage kafka = new Stage("kafka", "Kafka", "ports.kafka", 9092, true, "kafka");
    StageSettings defaults = StageFlags.resolve(kafka, io.strata.app.up.StrataConfig.EMPTY, Path.of(""), null, null, null, null, null);
    assertEquals(9092, defaults.port());
    assertEquals(Path.of("data", "kafka").toAbsolutePath(), defaults.dataDir(), "as strata up lays out ./data");
    assertNull(defaults.bootstrap(), "a role without --bootstrap has none");
    StageSettings fromFile = StageFlags.resolve(kafka, io.strata.app.up.StrataConfig.load(file), dir, null, null, null, null, null);
    assertEquals("127.0.0.3", fromFile.host());
    assertEquals(19092, fromFile.port());
    assertEquals(dir.resolve("here").resolve("kafka"), fromFile.dataDir());
    StageFlags.Process flags = new StageFlags.Process();
    new CommandLine(new Object() {
      @Mixin
      StageFlags.Process process = flags;
    }).parseArgs("--port", "29092", "--data-dir", dir.resolve("k1").toString());
    StageSettings fromFlags = StageFlags.resolve(kafka, io.strata.app.up.StrataConfig.load(file), dir, null, flags, null, null, null);
    assertEquals(29092, fromFlags.port());
    assertEquals("--port", fromFlags.portSource());
    assertEquals(dir.resolve("k1"), fromFlags.dataDir(), "a --data-dir given is the process's directory itself");
  }

  /** The line a role's refusal prints (exit code 2 asserted), run as main runs it. */
  private String refusal(List<String> role, String... args) {
    java.io.StringWriter usage = new java.io.StringWriter();
    err.reset();
    int code;
    PrintStream before = System.err;
    System.setErr(new PrintStream(err, true));
    try {
      code = Main.commandLine().setErr(new java.io.PrintWriter(usage, true)).execute(concat(role, args));
    } finally {
      System.setErr(before);
    }
    String line = (err.toString() + usage).strip();
    assertEquals(2, code, line);
    assertEquals(1, line.lines().count(), line);
    return line;
  }

  @Test
  void aCommandLineThatDoesNotParseIsOneLineNamingTheStage() {
    java.io.StringWriter out = new java.io.StringWriter();
    int code = Main.commandLine().setErr(new java.io.PrintWriter(out)).execute("streams", "--port", "ninety");
    assertEquals(2, code);
    assertEquals("strata streams: Invalid value for option '--port': 'ninety' is not an int; see strata streams --help", out.toString().strip());
    out.getBuffer().setLength(0);
    assertEquals(2, Main.commandLine().setErr(new java.io.PrintWriter(out)).execute("ingest", "--prot", "1"));
    assertTrue(out.toString().startsWith("strata ingest: Unknown options: '--prot', '1'"), out.toString());
    assertEquals(1, out.toString().strip().lines().count(), out.toString());
  }

  @Test
  void aFailedStartStopsWhatStartedLastFirst() {
    List<String> closed = new ArrayList<>();
    StageRun run = new StageRun("test");
    run.started(() -> closed.add("first"));
    run.started(() -> closed.add("second"));
    PrintStream before = System.err;
    System.setErr(new PrintStream(err, true));
    try {
      assertEquals(1, run.fail(1, "cannot open the store"));
    } finally {
      System.setErr(before);
    }
    assertEquals(List.of("second", "first"), closed);
    assertEquals("strata test: cannot open the store", err.toString().strip());
  }

  private static String[] concat(List<String> base, String... more) {
    List<String> all = new ArrayList<>(base);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }
}
