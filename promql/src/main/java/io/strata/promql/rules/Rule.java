package io.strata.promql.rules;

import io.strata.promql.ast.Expr;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One recording or alerting rule. {@code name} is the {@code record:} or {@code alert:} value;
 * {@code expr} is the parsed expression and {@code exprText} the source text; durations are in ms
 * (0 when absent). Labels and annotations keep file order.
 */
public record Rule(Kind kind, String name, String exprText, Expr expr, long forMs, long keepFiringForMs,
    Map<String, String> labels, Map<String, String> annotations) {
  public enum Kind { RECORDING, ALERTING }

  public Rule {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(exprText, "exprText");
    labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    annotations = Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
    if (forMs < 0 || keepFiringForMs < 0) {
      throw new IllegalArgumentException("rule " + name + ": for and keep_firing_for must be >= 0, got " + forMs
          + " and " + keepFiringForMs);
    }
  }

  public boolean isAlerting() {
    return kind == Kind.ALERTING;
  }

  public boolean isRecording() {
    return kind == Kind.RECORDING;
  }
}
