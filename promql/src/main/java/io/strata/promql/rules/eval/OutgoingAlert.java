package io.strata.promql.rules.eval;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * An alert the notifier sends after an evaluation (Prometheus's {@code sendAlerts} + {@code SendAlerts}):
 * {@code startsAt} is when it fired; {@code endsAt} is when it resolved, or, while it fires, the evaluation
 * time plus 4 x max(group interval, resend delay). External labels are not added here (the notifier adds
 * them). Times in epoch ms.
 */
public record OutgoingAlert(Map<String, String> labels, Map<String, String> annotations, long startsAtMs,
    long endsAtMs, String generatorURL, boolean resolved) implements Serializable {
  public OutgoingAlert {
    labels = Collections.unmodifiableMap(new TreeMap<>(labels));
    annotations = Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
  }
}
