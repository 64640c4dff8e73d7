package io.strata.promql.rules.eval;

import java.io.Serializable;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything a {@link GroupEvaluator} carries from one evaluation to the next, as a plain serializable value:
 * what a Flink operator keeps in checkpointed state and hands back after a restart or a group update
 * ({@link GroupEvaluator#importState}, matching rules as Prometheus's {@code Group.CopyState} does).
 *
 * @param rules per rule, in group order
 * @param staleSeries series of rules that no longer exist, to be marked stale at the next evaluation
 * @param evaluationNanos duration of the last group evaluation
 * @param lastEvaluationMs wall-clock start of the last group evaluation ({@link AlertSnapshot#UNSET} before the first)
 * @param forStateRestore 0 once the alerts' {@code for} state is restored (or nothing was to restore); otherwise
 *     1 + the evaluations still to run before {@link GroupEvaluator#restoreForState} (a record component added
 *     later: states serialized before it read as 0)
 */
public record GroupState(List<RuleState> rules, List<Map<String, String>> staleSeries, long evaluationNanos,
    long lastEvaluationMs, int forStateRestore) implements Serializable {
  public GroupState(List<RuleState> rules, List<Map<String, String>> staleSeries, long evaluationNanos,
      long lastEvaluationMs) {
    this(rules, staleSeries, evaluationNanos, lastEvaluationMs, 0);
  }

  public GroupState {
    rules = List.copyOf(rules);
    staleSeries = staleSeries.stream().map(m -> Collections.unmodifiableMap(new TreeMap<>(m))).toList();
  }

  /**
   * One rule's state.
   *
   * @param name the rule's {@code record:} or {@code alert:} name
   * @param ruleLabels the rule's (untemplated) labels; with the name, the identity used to match rules across updates
   * @param alerts an alerting rule's alert instances (active and resolved ones still retained); empty for recording rules
   * @param previousSeries the series the rule wrote at its last successful evaluation (to mark stale when they vanish)
   * @param status health, last error and timings
   */
  public record RuleState(String name, Map<String, String> ruleLabels, List<AlertSnapshot> alerts,
      List<Map<String, String>> previousSeries, RuleStatus status) implements Serializable {
    public RuleState {
      ruleLabels = Collections.unmodifiableMap(new TreeMap<>(ruleLabels));
      alerts = List.copyOf(alerts);
      previousSeries = previousSeries.stream().map(m -> Collections.unmodifiableMap(new TreeMap<>(m))).toList();
    }
  }
}
