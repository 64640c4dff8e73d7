package io.strata.promql.rules;

/**
 * One problem in a rule file, printed as promtool prints it, e.g.
 * {@code rules.yml: 8:13: group "g", rule 3, "bad name": invalid recording rule name: bad name}.
 * {@code group} is null for file-level errors; {@code ruleIndex} is 1-based, 0 for group-level errors;
 * {@code position} is Go yaml's {@code line:col} prefix ("" when promtool prints none).
 */
public record RuleError(String file, String group, int ruleIndex, String ruleName, String position, String message) {
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(file).append(": ");
    if (!position.isEmpty()) {
      sb.append(position).append(": ");
    }
    if (ruleIndex > 0) {
      sb.append("group ").append(quote(group)).append(", rule ").append(ruleIndex).append(", ")
          .append(quote(ruleName)).append(": ");
    }
    return sb.append(message).toString();
  }

  private static String quote(String s) {
    return io.strata.promql.ast.GoFormat.quote(s == null ? "" : s);
  }
}
