package io.strata.app.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.strata.app.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RulesCommandTest {
  @TempDir
  Path dir;

  record Run(int exit, String out, String err) {}

  private static Run strata(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = new CommandLine(new Main()).execute(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  /** promtool itself with the same arguments, or a skipped test when it is not installed. */
  private static Run promtool(String... args) throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/promtool")), "promtool is not installed: comparison skipped");
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/promtool"));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile("promtool", ".out");
    Path err = Files.createTempFile("promtool", ".err");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    int code = p.waitFor();
    return new Run(code, Files.readString(out), Files.readString(err));
  }

  private Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private static final String RULES = """
      groups:
        - name: g
          rules:
            - record: job:up:sum
              expr: sum by (job) (up)
            - alert: Down
              expr: up == 0
              for: 1m
              labels: {severity: page}
              annotations: {summary: "{{ $labels.job }} down"}
      """;

  private static final String TEST = """
      rule_files: [rules.yml]
      tests:
        - interval: 1m
          input_series:
            - {series: 'up{job="api"}', values: '0 0 0'}
          alert_rule_test:
            - eval_time: 1m
              alertname: Down
              exp_alerts: [{exp_labels: {job: api, severity: page}, exp_annotations: {summary: "api down"}}]
          promql_expr_test:
            - expr: job:up:sum
              eval_time: 2m
              exp_samples: [{labels: 'job:up:sum{job="api"}', value: 0}]
      """;

  @Test
  void testPassesAGoodUnitTestAndStartsNoServer() throws Exception {
    write("rules.yml", RULES);
    Path t = write("t.test.yml", TEST);
    Run r = strata("rules", "test", t.toString());
    assertEquals(0, r.exit(), r.out() + r.err());
    assertEquals("Unit Testing:  " + t + "\n  SUCCESS\n\n", r.out());
    Run p = promtool("test", "rules", t.toString());
    assertEquals(p.exit(), r.exit());
    assertEquals(p.out(), r.out());
  }

  @Test
  void testFailsWithPromtoolsMessageWhenAnAlertIsNotAsExpected() throws Exception {
    write("rules.yml", RULES);
    Path t = write("t.test.yml", TEST.replace("summary: \"api down\"", "summary: \"web down\""));
    Run r = strata("rules", "test", t.toString());
    assertEquals(1, r.exit());
    assertTrue(r.err().startsWith("  FAILED:\n    alertname: Down, time: 1m, \n        exp:[\n"), r.err());
    assertTrue(r.err().contains("Annotations:{summary=\"api down\"}"), r.err());
    Run p = promtool("test", "rules", t.toString());
    assertEquals(p.exit(), r.exit());
    assertEquals(p.out(), r.out());
    assertEquals(p.err(), r.err());
  }

  @Test
  void checkCountsRulesOfAValidFile() throws Exception {
    Path f = write("rules.yml", RULES);
    Run r = strata("rules", "check", f.toString());
    assertEquals(0, r.exit());
    assertEquals("Checking " + f + "\n  SUCCESS: 2 rules found\n\n", r.out());
    Run p = promtool("check", "rules", f.toString());
    assertEquals(p.out(), r.out());
  }

  @Test
  void checkFailsAnInvalidFileWithPromtoolsErrors() throws Exception {
    Path good = write("rules.yml", RULES);
    Path bad = write("bad.yml", """
        groups:
          - name: bad
            rules:
              - record: bad name
                expr: up
              - alert: Broken
                expr: sum(up
        """);
    Run r = strata("rules", "check", bad.toString(), good.toString());
    assertEquals(1, r.exit());
    assertEquals("  FAILED:\n" + bad + ": 4:17: group \"bad\", rule 1, \"bad name\": invalid recording rule name: bad name\n"
        + bad + ": 7:15: group \"bad\", rule 2, \"Broken\": could not parse expression: 1:7: parse error: unclosed left parenthesis\n",
        r.err());
    Run p = promtool("check", "rules", bad.toString(), good.toString());
    assertEquals(p.exit(), r.exit());
    assertEquals(p.out(), r.out());
    assertEquals(p.err(), r.err());
  }

  @Test
  void checkReportsDuplicateRulesAsALintProblem() throws Exception {
    Path f = write("dup.yml", """
        groups:
          - name: g
            rules:
              - {alert: A, expr: up, labels: {severity: page}}
              - {alert: A, expr: up > 1, labels: {severity: page}}
        """);
    Run r = strata("rules", "check", f.toString());
    assertEquals(0, r.exit());
    assertTrue(r.err().contains("lint error 1 duplicate rule(s) found.\nMetric: A\nLabel(s):\n\tseverity: page\n"), r.err());
    assertEquals(3, strata("rules", "check", "--lint-fatal", f.toString()).exit());
    assertEquals(0, strata("rules", "check", "--lint=none", f.toString()).exit());
    Run p = promtool("check", "rules", "--lint-fatal", f.toString());
    Run s = strata("rules", "check", "--lint-fatal", f.toString());
    assertEquals(p.exit(), s.exit());
    assertEquals(p.err(), s.err());
  }

  @Test
  void pushReadsTheRegistryOfStrataUpByDefaultAndTakesTheStagesFlagName() throws Exception {
    RulesPushCommand push = new RulesPushCommand();
    new CommandLine(push).parseArgs("x.yml");
    assertEquals(io.strata.app.StageFlags.DEFAULT_REGISTRY_URL, push.topic.registry, "the Confluent-compatible API of strata up's registry");
    new CommandLine(push).parseArgs("--registry-url", "http://r:8081/apis/ccompat/v7", "x.yml");
    assertEquals("http://r:8081/apis/ccompat/v7", push.topic.registry);
  }

  @Test
  void pushToAWrongRegistryUrlIsAOneLineErrorNotAStackTrace() throws Exception {
    com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", x -> {
      x.sendResponseHeaders(404, -1);
      x.close();
    });
    server.start();
    try {
      Path f = write("ok.yml", RULES);
      Run r = strata("rules", "push", "--bootstrap", "127.0.0.1:1", "--registry-url", "http://127.0.0.1:" + server.getAddress().getPort(),
          f.toString());
      assertEquals(1, r.exit(), r.err());
      assertTrue(r.err().startsWith("strata rules push: ") && r.err().contains("404"), r.err());
      assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aMissingFileIsAnError() {
    assertEquals(1, strata("rules", "test", dir.resolve("nope.yml").toString()).exit());
    assertEquals(1, strata("rules", "check", dir.resolve("nope.yml").toString()).exit());
  }
}
