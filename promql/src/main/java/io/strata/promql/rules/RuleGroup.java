package io.strata.promql.rules;

import java.util.List;
import java.util.Objects;

/**
 * A rule group. {@code intervalMs} is 0 when the file leaves it to the global evaluation interval;
 * {@code limit} is 0 for no limit (Prometheus: series an alerting rule may fire and a recording rule may
 * produce per evaluation).
 */
public record RuleGroup(String name, long intervalMs, int limit, List<Rule> rules) {
  public RuleGroup {
    Objects.requireNonNull(name, "name");
    rules = List.copyOf(rules);
    if (intervalMs < 0) {
      throw new IllegalArgumentException("group " + name + ": interval must be >= 0, got " + intervalMs);
    }
    if (limit < 0) {
      throw new IllegalArgumentException("group " + name + ": limit must be >= 0, got " + limit);
    }
  }
}
