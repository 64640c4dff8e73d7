package io.strata.app.rules;

import io.strata.promql.rules.Rule;
import io.strata.promql.rules.RuleError;
import io.strata.promql.rules.RuleFile;
import io.strata.promql.rules.RuleFiles;
import io.strata.promql.rules.RuleGroup;
import io.strata.promql.rules.unittest.RuleTestRunner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code strata rules}: promtool's {@code check rules} and {@code test rules}, same output and exit codes; and
 * {@code push}, {@code list}, {@code delete} of groups on the rules topic the Flink rule job runs.
 */
@Command(name = "rules", mixinStandardHelpOptions = true,
    description = "Check rule files and run rule unit tests (promtool-compatible); push, list and delete the rule "
        + "groups the Flink rule job runs.",
    subcommands = {RulesCommand.Check.class, RulesCommand.Test.class, RulesPushCommand.class, RulesListCommand.class,
        RulesDeleteCommand.class})
public final class RulesCommand implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** Exit codes as promtool's: 0 success, 1 failure, 3 lint problems with {@code --lint-fatal}. */
  static final int SUCCESS = 0;
  static final int FAILURE = 1;
  static final int LINT_FAILURE = 3;

  /** Every path must exist before anything runs, as promtool's argument parser requires. */
  static Integer missing(List<Path> files, String verb) {
    for (Path f : files) {
      if (!Files.exists(f)) {
        System.err.println("strata rules " + verb + ": error: path '" + f + "' does not exist, try --help");
        return FAILURE;
      }
    }
    return null;
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "Check rule files as `promtool check rules` does: syntax, names, expressions, templates; "
          + "exit 1 when any file is invalid.")
  public static final class Check implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", arity = "1..*", description = "rule files to check")
    List<Path> files = new ArrayList<>();

    @Option(names = "--lint", paramLabel = "CHECKS", defaultValue = "duplicate-rules",
        description = "linting checks: all, duplicate-rules, none (default: ${DEFAULT-VALUE})")
    String lint;

    @Option(names = "--lint-fatal", description = "make lint problems exit with code 3")
    boolean lintFatal;

    @Override
    public Integer call() {
      if (!List.of("all", "duplicate-rules", "none").contains(lint)) {
        System.err.println("strata rules check: error: unknown lint option " + lint);
        return FAILURE;
      }
      Integer missing = missing(files, "check");
      if (missing != null) {
        return missing;
      }
      return check(files, !lint.equals("none"), lintFatal, System.out, System.err);
    }
  }

  /** {@code promtool check rules}: "Checking F", then "  SUCCESS: N rules found" or "  FAILED:" and the errors. */
  static int check(List<Path> files, boolean lintDuplicates, boolean lintFatal, PrintStream out, PrintStream err) {
    boolean failed = false;
    boolean hasErrors = false;
    for (Path f : files) {
      out.println("Checking " + f);
      List<String> errors = new ArrayList<>();
      boolean lintOnly = false;
      int rules = 0;
      try {
        String yaml = Files.readString(f, StandardCharsets.UTF_8);
        List<RuleError> problems = RuleFiles.validate(yaml, f.toString());
        if (!problems.isEmpty()) {
          problems.forEach(p -> errors.add(p.toString()));
        } else {
          RuleFile rf = RuleFiles.parse(yaml, f.toString());
          rules = rf.ruleCount();
          String dup = lintDuplicates ? duplicates(rf) : null;
          if (dup != null) {
            errors.add(dup);
            lintOnly = true;
          }
        }
      } catch (IOException e) {
        errors.add(f + ": " + e.getMessage());
      }
      if (!errors.isEmpty()) {
        err.println("  FAILED:");
        errors.forEach(err::println);
        failed = true;
        hasErrors |= !lintOnly;
      } else {
        out.println("  SUCCESS: " + rules + " rules found");
      }
      out.println();
    }
    if (failed && hasErrors) {
      return FAILURE;
    }
    return failed && lintFatal ? LINT_FAILURE : SUCCESS;
  }

  /** promtool's duplicate-rules lint: rules with the same name and labels; null when there are none. */
  static String duplicates(RuleFile rf) {
    record Key(String metric, Map<String, String> labels) {}
    Comparator<Key> cmp = Comparator.comparing(Key::metric)
        .thenComparing(k -> io.strata.schemas.model.Labels.fromMap(k.labels()));
    List<Key> keys = new ArrayList<>();
    for (RuleGroup g : rf.groups()) {
      for (Rule r : g.rules()) {
        keys.add(new Key(r.name(), new TreeMap<>(r.labels())));
      }
    }
    keys.sort(cmp);
    List<Key> dups = new ArrayList<>();
    for (int i = 1; i < keys.size(); i++) {
      if (cmp.compare(keys.get(i - 1), keys.get(i)) == 0
          && (dups.isEmpty() || cmp.compare(keys.get(i - 1), dups.get(dups.size() - 1)) != 0)) {
        dups.add(keys.get(i));
      }
    }
    if (dups.isEmpty()) {
      return null;
    }
    StringBuilder sb = new StringBuilder("lint error ").append(dups.size()).append(" duplicate rule(s) found.\n");
    for (Key k : dups) {
      sb.append("Metric: ").append(k.metric()).append("\nLabel(s):\n");
      k.labels().forEach((n, v) -> sb.append('\t').append(n).append(": ").append(v).append('\n'));
    }
    return sb.append("Might cause inconsistency while recording expressions").toString();
  }

  @Command(name = "test", mixinStandardHelpOptions = true,
      description = "Run rule unit tests as `promtool test rules` does (same file format and output), with the "
          + "evaluator the Flink rule job runs; exit 1 when any test fails. Starts no server.")
  public static final class Test implements Callable<Integer> {
    @Parameters(paramLabel = "TEST-FILE", arity = "1..*", description = "unit test files")
    List<Path> files = new ArrayList<>();

    @Override
    public Integer call() {
      Integer missing = missing(files, "test");
      if (missing != null) {
        return missing;
      }
      return new RuleTestRunner(System.out, System.err).run(files);
    }
  }
}
