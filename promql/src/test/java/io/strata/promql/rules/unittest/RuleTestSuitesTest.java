package io.strata.promql.rules.unittest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.strata.promql.template.PromTemplate;
import io.strata.promql.template.TemplateContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every promtool-format suite under {@code src/test/resources/rules-tests*} through Strata's runner and, when
 * Debian's promtool 2.42 is installed, through {@code promtool test rules}: suites in {@code rules-tests/} must
 * pass under both, suites in {@code rules-tests-failing/} must fail under both with the same output, and
 * {@code rules-tests-templates/} (templates the placeholder template engine cannot expand) must pass under
 * promtool, and under Strata once the template engine expands them.
 */
class RuleTestSuitesTest {
  private static final Path RESOURCES = Path.of("src/test/resources");
  private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

  record Run(int exit, String out) {}

  static Run strata(Path file) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
    int exit = new RuleTestRunner(ps, ps).run(List.of(file));
    return new Run(exit, buf.toString(StandardCharsets.UTF_8));
  }

  static Run promtool(Path file) throws IOException, InterruptedException {
    assumeTrue(Files.isExecutable(PROMTOOL), "promtool is not installed (apt-get install prometheus): promtool half skipped");
    Process p = new ProcessBuilder(PROMTOOL.toString(), "test", "rules", file.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("promtool did not finish on " + file);
    }
    return new Run(p.exitValue(), out);
  }

  static List<Path> suites(String dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(RESOURCES.resolve(dir))) {
      s.filter(p -> p.getFileName().toString().endsWith(".test.yml")).sorted().forEach(out::add);
    }
    assumeTrue(!out.isEmpty(), "no suites in " + dir);
    return out;
  }

  /** Whether the template engine can expand what the placeholder cannot ($externalURL). */
  static boolean fullTemplates() {
    try {
      return PromTemplate.expand("__alert_x", "{{ $externalURL }}", new TemplateContext(Map.of(), 0, Map.of(), "u", 0, null))
          .equals("u");
    } catch (Exception e) {
      return false;
    }
  }

  @TestFactory
  Stream<DynamicTest> passingSuitesPassUnderStrata() throws IOException {
    return suites("rules-tests").stream().map(f -> dynamicTest(f.getFileName().toString(), () -> {
      Run r = strata(f.toAbsolutePath());
      assertEquals(0, r.exit(), r.out());
    }));
  }

  @TestFactory
  Stream<DynamicTest> passingSuitesPassUnderPromtool() throws IOException {
    return suites("rules-tests").stream().map(f -> dynamicTest(f.getFileName().toString(), () -> {
      Run r = promtool(f.toAbsolutePath());
      assertEquals(0, r.exit(), r.out());
    }));
  }

  @TestFactory
  Stream<DynamicTest> failingSuitesFailUnderBothWithTheSameOutput() throws IOException {
    return suites("rules-tests-failing").stream().map(f -> dynamicTest(f.getFileName().toString(), () -> {
      Run s = strata(f.toAbsolutePath());
      assertEquals(1, s.exit(), s.out());
      Run p = promtool(f.toAbsolutePath());
      assertEquals(1, p.exit(), p.out());
      // promtool writes failures to stderr and blank lines to stdout; merged, only their order can differ
      assertEquals(p.out().replace("\n", ""), s.out().replace("\n", ""));
    }));
  }

  @TestFactory
  Stream<DynamicTest> templateSuitesPass() throws IOException {
    return suites("rules-tests-templates").stream().map(f -> dynamicTest(f.getFileName().toString(), () -> {
      Run p = promtool(f.toAbsolutePath());
      assertEquals(0, p.exit(), p.out());
      assumeTrue(fullTemplates(), "the placeholder template engine cannot expand these templates yet");
      Run s = strata(f.toAbsolutePath());
      assertEquals(0, s.exit(), s.out());
    }));
  }
}
