package io.strata.promql.rules.eval;

import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One alert instance of an alerting rule, as a plain value (the state a Flink operator checkpoints and the
 * API reports). Times are epoch ms, {@link #UNSET} where Prometheus keeps Go's zero time (the epoch itself,
 * 0, is a valid evaluation time in rule unit tests). {@code labels} are the alert's identity (the series'
 * labels without {@code __name__}, templated rule labels, {@code alertname}); annotations keep the rule's
 * order (sorted by name), expanded at the last evaluation that saw the alert.
 */
public record AlertSnapshot(Map<String, String> labels, Map<String, String> annotations, AlertState state,
    double value, long activeAtMs, long firedAtMs, long resolvedAtMs, long lastSentAtMs, long validUntilMs,
    long keepFiringSinceMs) implements Serializable {
  /** Go's zero time: "never". */
  public static final long UNSET = Long.MIN_VALUE;

  public AlertSnapshot {
    Objects.requireNonNull(state, "state");
    labels = Collections.unmodifiableMap(new TreeMap<>(labels));
    annotations = Collections.unmodifiableMap(new java.util.LinkedHashMap<>(annotations));
  }

  /** Still active (pending or firing, including keep_firing_for): not yet resolved. */
  public boolean isActive() {
    return resolvedAtMs == UNSET;
  }
}
