package io.strata.app.up;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.promql.rules.RuleFile;
import io.strata.promql.rules.RuleFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rule files and their globals from a prometheus.yml and {@code --rule-file}, as Prometheus reads them. */
class RuleSourceTest {
  private static final String GROUP = """
      groups:
        - name: %s
          rules:
            - record: x:sum
              expr: sum(x)
      """;

  private static List<String> names(RuleSource.Loaded l) {
    return l.files().stream().map(RuleFile::fileName).toList();
  }

  @Test
  void ruleFilesAreGlobsRelativeToThePrometheusYmlWithItsGlobals(@TempDir Path dir) throws Exception {
    Path conf = Files.createDirectories(dir.resolve("conf"));
    Files.createDirectories(conf.resolve("rules"));
    Files.writeString(conf.resolve("rules/b.yml"), GROUP.formatted("b"));
    Files.writeString(conf.resolve("rules/a.yml"), GROUP.formatted("a"));
    Files.writeString(conf.resolve("rules/notes.txt"), "not rules");
    Path extra = Files.writeString(dir.resolve("extra.yml"), GROUP.formatted("extra"));
    Path yml = Files.writeString(conf.resolve("prometheus.yml"), """
        global:
          evaluation_interval: 15s
          external_labels: {site: lab, replica: 1}
        rule_files:
          - rules/*.yml
          - missing.yml
          - %s
        """.formatted(extra));
    RuleSource.Loaded l = new RuleSource(List.of(conf.resolve("rules/a.yml")), yml).load(() -> {
      throw new AssertionError("no built-in file when rule files are named");
    });
    assertEquals(List.of(conf.resolve("rules/a.yml").toString(), conf.resolve("rules/b.yml").toString(), extra.toString()),
        names(l), "--rule-file first, then each pattern's matches sorted; a file named twice once; a missing one ignored");
    assertEquals(Duration.ofSeconds(15), l.evaluationInterval());
    assertEquals(Map.of("site", "lab", "replica", "1"), l.externalLabels());
  }

  @Test
  void withoutRuleFilesTheBuiltInFileIsUsedAndAnEmptyListMeansNone(@TempDir Path dir) throws Exception {
    Path builtIn = Files.writeString(dir.resolve("default.yml"), GROUP.formatted("d"));
    Path yml = Files.writeString(dir.resolve("prometheus.yml"), "scrape_configs: []\n");
    RuleSource.Loaded l = new RuleSource(List.of(), yml).load(() -> builtIn);
    assertEquals(List.of(builtIn.toString()), names(l));
    assertNull(l.evaluationInterval());
    Path none = Files.writeString(dir.resolve("none.yml"), "rule_files: []\n");
    assertEquals(List.of(), names(new RuleSource(List.of(), none).load(() -> builtIn)));
  }

  @Test
  void anInvalidRuleFileNamesTheFileAndTheProblem(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("rules"));
    Files.writeString(dir.resolve("rules/bad.yml"), """
        groups:
          - name: g
            rules:
              - alert: ErrorBudget
                expr: sum(rate(errors_total[5m])) >
        """);
    Path yml = Files.writeString(dir.resolve("prometheus.yml"), "rule_files: ['rules/*.yml']\n");
    RuleFileException e = assertThrows(RuleFileException.class, () -> new RuleSource(List.of(), yml).load(null));
    assertTrue(e.getMessage().contains(dir.resolve("rules/bad.yml").toString()) && e.getMessage().contains("ErrorBudget"),
        e.getMessage());
  }

  @Test
  void badPatternsAndGlobalsAreErrorsNamingThePrometheusYml(@TempDir Path dir) throws Exception {
    Path star = Files.writeString(dir.resolve("star.yml"), "rule_files: ['*/rules.yml']\n");
    var e = assertThrows(IllegalArgumentException.class, () -> new RuleSource(List.of(), star).load(null));
    assertEquals(star + ": invalid rule file path \"*/rules.yml\"", e.getMessage());
    Path bracket = Files.writeString(dir.resolve("bracket.yml"), "rule_files: ['rules/[.yml']\n");
    e = assertThrows(IllegalArgumentException.class, () -> new RuleSource(List.of(), bracket).load(null));
    assertTrue(e.getMessage().startsWith(bracket + ": error retrieving rule files for "), e.getMessage());
    Path interval = Files.writeString(dir.resolve("interval.yml"), "global: {evaluation_interval: soon}\n");
    e = assertThrows(IllegalArgumentException.class, () -> new RuleSource(List.of(), interval).load(null));
    assertTrue(e.getMessage().contains("global.evaluation_interval"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new RuleSource(List.of(dir.resolve("absent.yml")), null).load(null));
    assertTrue(e.getMessage().startsWith("cannot read rule file " + dir.resolve("absent.yml")), e.getMessage());
  }
}
