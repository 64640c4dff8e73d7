package io.strata.query.alerts;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The alerts that are pending or firing, as the latest record per fingerprint on {@code metrics.alerts}
 * says. A {@code resolved} record or a tombstone removes the alert. Safe for one writer and many readers.
 */
public final class ActiveAlerts {
  /** One active alert, in the words of Prometheus's {@code /api/v1/alerts}. */
  public record Alert(String tenant, String group, String alertName, String state, Map<String, String> labels,
      Map<String, String> annotations, double value, long activeAtMs) {
    public Alert {
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(group, "group");
      Objects.requireNonNull(alertName, "alertName");
      Objects.requireNonNull(state, "state");
      labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
      annotations = Collections.unmodifiableSortedMap(new TreeMap<>(annotations));
    }

    public boolean firing() {
      return state.equals("firing");
    }
  }

  private static final Comparator<Alert> ORDER = Comparator.comparing(Alert::group).thenComparing(Alert::alertName)
      .thenComparing(a -> a.labels().toString());

  private final Map<String, Alert> byFingerprint = new ConcurrentHashMap<>();

  /** The latest state of the alert with this fingerprint; {@code null} (resolved or deleted) removes it. */
  public void put(String fingerprint, Alert alert) {
    if (alert == null) {
      byFingerprint.remove(fingerprint);
    } else {
      byFingerprint.put(fingerprint, alert);
    }
  }

  /** The tenant's active alerts, ordered by group, alert name and labels. */
  public List<Alert> of(String tenant) {
    List<Alert> out = new ArrayList<>();
    for (Alert a : byFingerprint.values()) {
      if (a.tenant().equals(tenant)) {
        out.add(a);
      }
    }
    out.sort(ORDER);
    return out;
  }

  public int size() {
    return byFingerprint.size();
  }
}
