package io.strata.query.rules;

import io.strata.avro.RuleGroupStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rule groups the rule job runs, with how their last evaluation went: the latest {@code RuleGroupStatus}
 * per {@code tenant/namespace/group} of {@code metrics.rules.status}; a tombstone removes the group. Safe for
 * one writer and many readers.
 */
public final class RuleGroupCatalog {
  /** Prometheus's order ({@code Manager.RuleGroups}): by file, then by group name. */
  private static final Comparator<RuleGroupStatus> ORDER = Comparator.comparing(RuleGroupStatus::getNamespace)
      .thenComparing(RuleGroupStatus::getName);

  private final Map<String, RuleGroupStatus> byKey = new ConcurrentHashMap<>();

  /** The latest status of the group with this key; {@code null} (removed) drops it. */
  public void put(String key, RuleGroupStatus status) {
    if (status == null) {
      byKey.remove(key);
    } else {
      byKey.put(key, status);
    }
  }

  /** The tenant's groups, ordered by file (namespace) and name. */
  public List<RuleGroupStatus> of(String tenant) {
    List<RuleGroupStatus> out = new ArrayList<>();
    for (RuleGroupStatus g : byKey.values()) {
      if (g.getTenant().equals(tenant)) {
        out.add(g);
      }
    }
    out.sort(ORDER);
    return out;
  }

  public int size() {
    return byKey.size();
  }
}
