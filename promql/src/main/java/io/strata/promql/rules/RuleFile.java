package io.strata.promql.rules;

import java.util.List;
import java.util.Objects;

/** A parsed, validated Prometheus rule file. */
public record RuleFile(String fileName, List<RuleGroup> groups) {
  public RuleFile {
    Objects.requireNonNull(fileName, "fileName");
    groups = List.copyOf(groups);
  }

  public int ruleCount() {
    int n = 0;
    for (RuleGroup g : groups) {
      n += g.rules().size();
    }
    return n;
  }
}
