package io.strata.promql.rules.eval;

import java.util.List;

/**
 * The outcome of one group evaluation at {@code timestampMs}: how many samples the rules produced (stale
 * markers not counted, as Prometheus's {@code rule_group_last_samples}), the alerts the notifier sends now,
 * and the rules that failed (their errors are also in {@link GroupEvaluator#ruleStatus}).
 */
public record GroupEvaluation(long timestampMs, int samples, List<OutgoingAlert> alerts, List<RuleError> errors) {
  public GroupEvaluation {
    alerts = List.copyOf(alerts);
    errors = List.copyOf(errors);
  }

  /** A rule that failed at this evaluation: its index in the group, name and Prometheus's error text. */
  public record RuleError(int ruleIndex, String ruleName, String message) {}
}
