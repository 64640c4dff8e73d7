package io.strata.flink.rules;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The alerting rules the job evaluates, indexed by metric name so that a series is checked only against
 * the rules that can select it. Immutable; a later version replaces it from the rules broadcast.
 */
public final class RuleSet implements Serializable {
  private static final long serialVersionUID = 1L;

  private final List<AlertRule> rules;
  private transient Map<String, AlertRule[]> byName;
  private transient AlertRule[] nameless;

  public RuleSet(List<AlertRule> rules) {
    this.rules = List.copyOf(rules);
    Set<String> ids = new HashSet<>();
    for (AlertRule r : this.rules) {
      if (!ids.add(r.id())) {
        throw new IllegalArgumentException("duplicate rule id " + r.id());
      }
    }
  }

  public List<AlertRule> rules() {
    return rules;
  }

  public int size() {
    return rules.size();
  }

  private void index() {
    if (byName != null) {
      return;
    }
    Map<String, List<AlertRule>> m = new HashMap<>();
    List<AlertRule> rest = new ArrayList<>();
    for (AlertRule r : rules) {
      String n = r.metricName();
      if (n == null) {
        rest.add(r);
      } else {
        m.computeIfAbsent(n, k -> new ArrayList<>()).add(r);
      }
    }
    Map<String, AlertRule[]> idx = new HashMap<>();
    for (var e : m.entrySet()) {
      idx.put(e.getKey(), e.getValue().toArray(new AlertRule[0]));
    }
    nameless = rest.toArray(new AlertRule[0]);
    byName = idx;
  }

  /**
   * A cheap first filter on the metric name alone: false when no rule can select a series of that name,
   * so the decoder skips the series without building its labels.
   */
  public boolean mayMatchName(String metricName) {
    index();
    return nameless.length > 0 || (metricName != null && byName.containsKey(metricName));
  }

  /** Whether any rule selects the series; called per series of every batch, so it avoids allocation. */
  public boolean anyMatches(String metricName, String[] seriesPairs) {
    index();
    AlertRule[] named = metricName == null ? null : byName.get(metricName);
    if (named != null) {
      for (AlertRule r : named) {
        if (r.matches(seriesPairs)) {
          return true;
        }
      }
    }
    for (AlertRule r : nameless) {
      if (r.matches(seriesPairs)) {
        return true;
      }
    }
    return false;
  }

  /** The rules that select the series, appended to {@code out} (cleared first). */
  public void matching(String metricName, String[] seriesPairs, List<AlertRule> out) {
    index();
    out.clear();
    AlertRule[] named = metricName == null ? null : byName.get(metricName);
    if (named != null) {
      for (AlertRule r : named) {
        if (r.matches(seriesPairs)) {
          out.add(r);
        }
      }
    }
    for (AlertRule r : nameless) {
      if (r.matches(seriesPairs)) {
        out.add(r);
      }
    }
  }

  /** The rule with that id, or null (state of a rule that no longer exists). */
  public AlertRule byId(String id) {
    for (AlertRule r : rules) {
      if (r.id().equals(id)) {
        return r;
      }
    }
    return null;
  }
}
