package io.strata.flink.rules;

import io.strata.promql.ast.BinaryExpr;
import io.strata.promql.ast.BinaryOp;
import io.strata.promql.ast.Expr;
import io.strata.promql.ast.NumberLiteral;
import io.strata.promql.ast.ParenExpr;
import io.strata.promql.ast.UnaryExpr;
import io.strata.promql.ast.VectorSelector;
import io.strata.promql.rules.Rule;
import io.strata.promql.rules.RuleFile;
import io.strata.promql.rules.RuleFiles;
import io.strata.promql.rules.RuleGroup;
import io.strata.schemas.model.LabelMatcher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a Prometheus rule file into a {@link RuleSet}. Parsing and promtool-style validation are the
 * promql module's ({@link RuleFiles}, {@code PromQL.parse}); this class only decides which parsed rules
 * the thin evaluator can run: alerting rules whose expression is {@code <vector selector> <comparison>
 * <number>} (either order, parentheses allowed, no {@code bool}, no {@code offset} or {@code @}). Anything
 * else is rejected at start-up, every problem listed with file, group, rule number and name.
 */
public final class RuleFileLoader {
  private RuleFileLoader() {}

  /** Why a rule file cannot be run; the message lists every problem, one per line. */
  public static final class RuleLoadException extends IllegalArgumentException {
    private final List<String> problems;

    public RuleLoadException(List<String> problems) {
      super(String.join("\n", problems));
      this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
      return problems;
    }
  }

  public static RuleSet load(Path file) {
    String yaml;
    try {
      yaml = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new RuleLoadException(List.of(file + ": cannot read rule file: " + e));
    }
    return load(yaml, file.getFileName().toString());
  }

  /** Parses, validates and compiles; {@code fileName} names the file in messages and rule ids. */
  public static RuleSet load(String yaml, String fileName) {
    RuleFile parsed;
    try {
      parsed = RuleFiles.parse(yaml, fileName);
    } catch (io.strata.promql.rules.RuleFileException e) {
      List<String> problems = new ArrayList<>();
      for (var err : e.errors()) {
        problems.add(err.toString());
      }
      throw new RuleLoadException(problems);
    }
    List<AlertRule> rules = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (RuleGroup g : parsed.groups()) {
      if (g.limit() > 0) {
        problems.add(fileName + ": group \"" + g.name() + "\": limit is not supported by the thin rule evaluator yet");
      }
      for (int i = 0; i < g.rules().size(); i++) {
        Rule r = g.rules().get(i);
        String where = fileName + ": group \"" + g.name() + "\", rule " + (i + 1) + ", \"" + r.name() + "\": ";
        if (r.isRecording()) {
          problems.add(where + "recording rules are not evaluated by the thin rule evaluator yet");
          continue;
        }
        if (r.keepFiringForMs() > 0) {
          problems.add(where + "keep_firing_for is not supported by the thin rule evaluator yet");
          continue;
        }
        try {
          rules.add(compile(fileName, g.name(), i, r));
        } catch (IllegalArgumentException e) {
          problems.add(where + e.getMessage());
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new RuleLoadException(problems);
    }
    return new RuleSet(rules);
  }

  /** One alerting rule into an {@link AlertRule}, or IllegalArgumentException saying what is unsupported. */
  public static AlertRule compile(String namespace, String group, int index, Rule r) {
    Expr e = unwrap(r.expr());
    String unsupported = "expression \"" + r.exprText().strip() + "\" is not supported by the thin rule evaluator yet: "
        + "only <vector selector> <comparison> <number> is evaluated (e.g. up == 0)";
    if (!(e instanceof BinaryExpr b) || !b.op().isComparison()) {
      throw new IllegalArgumentException(unsupported);
    }
    if (b.returnBool()) {
      throw new IllegalArgumentException(unsupported + "; the bool modifier is not supported");
    }
    Expr lhs = unwrap(b.lhs());
    Expr rhs = unwrap(b.rhs());
    Comparison op = comparison(b.op());
    VectorSelector sel;
    Double threshold;
    if (lhs instanceof VectorSelector vs && (threshold = number(rhs)) != null) {
      sel = vs;
    } else if (rhs instanceof VectorSelector vs && (threshold = number(lhs)) != null) {
      sel = vs;
      op = op.flipped();
    } else {
      throw new IllegalArgumentException(unsupported);
    }
    if (sel.offsetMs() != 0 || sel.at() != null) {
      throw new IllegalArgumentException(unsupported + "; offset and @ modifiers are not supported");
    }
    List<MatcherSpec> matchers = new ArrayList<>();
    for (LabelMatcher m : sel.matchers()) {
      matchers.add(MatcherSpec.of(m));
    }
    return new AlertRule(namespace, group, index, r.name(), r.exprText().strip(), matchers, op, threshold, r.forMs(),
        r.labels(), r.annotations());
  }

  private static Expr unwrap(Expr e) {
    while (e instanceof ParenExpr p) {
      e = p.expr();
    }
    return e;
  }

  private static Double number(Expr e) {
    e = unwrap(e);
    if (e instanceof NumberLiteral n) {
      return n.value();
    }
    if (e instanceof UnaryExpr u) {
      Double inner = number(u.expr());
      return inner == null ? null : (u.negate() ? -inner : inner);
    }
    return null;
  }

  private static Comparison comparison(BinaryOp op) {
    return switch (op) {
      case GTR -> Comparison.GT;
      case LSS -> Comparison.LT;
      case GTE -> Comparison.GTE;
      case LTE -> Comparison.LTE;
      case EQLC -> Comparison.EQL;
      case NEQ -> Comparison.NEQ;
      default -> throw new IllegalStateException("BUG: " + op + " is not a comparison");
    };
  }
}
