package io.strata.promql.rules.eval;

/** A rule's evaluation failed for a reason of its own (not the engine's): the message is Prometheus's text. */
public final class RuleEvaluationException extends RuntimeException {
  public RuleEvaluationException(String message) {
    super(message);
  }
}
