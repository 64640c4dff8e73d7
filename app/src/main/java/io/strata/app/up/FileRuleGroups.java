package io.strata.app.up;

import io.strata.app.rules.RulesTopic;
import io.strata.flink.rules.RuleGroups;
import io.strata.promql.rules.RuleFile;
import io.strata.promql.rules.RuleGroup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Publishes {@code strata up}'s rule files to {@code metrics.rules} as {@code strata rules push} publishes a
 * file, so that the running rule job takes a reload without a restart: each group under
 * {@code tenant/<absolute file path>/group}. Namespaces that are absolute paths belong to the rule files: a
 * group under such a namespace that is no longer in the files is deleted (tombstone). Groups without their own
 * interval get the default one ({@code global.evaluation_interval}), so a change of it reaches them at a reload.
 * Only what changed is written.
 */
final class FileRuleGroups {
  private FileRuleGroups() {}

  /** What a sync wrote. */
  record Changes(int published, int deleted, int unchanged) {
    @Override
    public String toString() {
      return published + " group(s) published, " + deleted + " deleted, " + unchanged + " unchanged";
    }
  }

  static boolean ownedByFiles(String namespace) {
    return namespace.startsWith("/");
  }

  static Changes sync(RulesTopic topic, String tenant, List<RuleFile> files, long defaultIntervalMs) throws Exception {
    Map<String, io.strata.avro.RuleGroup> desired = new LinkedHashMap<>();
    for (RuleFile f : files) {
      for (RuleGroup g : f.groups()) {
        RuleGroup withInterval = g.intervalMs() > 0 ? g : new RuleGroup(g.name(), defaultIntervalMs, g.limit(), g.rules());
        desired.put(RuleGroups.key(tenant, f.fileName(), g.name()), RuleGroups.toAvro(tenant, f.fileName(), withInterval));
      }
    }
    Map<String, io.strata.avro.RuleGroup> current = topic.current();
    List<RulesTopic.Stored> writes = new ArrayList<>();
    int unchanged = 0;
    for (var e : desired.entrySet()) {
      if (e.getValue().equals(current.get(e.getKey()))) {
        unchanged++;
      } else {
        writes.add(new RulesTopic.Stored(e.getKey(), e.getValue()));
      }
    }
    int published = writes.size();
    for (var e : current.entrySet()) {
      if (ownedByFiles(e.getValue().getNamespace()) && !desired.containsKey(e.getKey())) {
        writes.add(new RulesTopic.Stored(e.getKey(), null));
      }
    }
    if (!writes.isEmpty()) {
      topic.write(writes);
    }
    return new Changes(published, writes.size() - published, unchanged);
  }
}
