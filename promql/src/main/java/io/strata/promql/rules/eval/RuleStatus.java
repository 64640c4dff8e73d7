package io.strata.promql.rules.eval;

import java.io.Serializable;

/**
 * What {@code /api/v1/rules} reports per rule: health, last error ("" when none), how long the last
 * evaluation took (ns), when it started (wall clock, epoch ms; {@link AlertSnapshot#UNSET} before the first)
 * and the evaluation timestamp it ran at.
 */
public record RuleStatus(RuleHealth health, String lastError, long evaluationNanos, long lastEvaluationMs,
    long lastEvalTimestampMs) implements Serializable {
  public static final RuleStatus NEW = new RuleStatus(RuleHealth.UNKNOWN, "", 0, AlertSnapshot.UNSET, AlertSnapshot.UNSET);
}
