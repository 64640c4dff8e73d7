package io.strata.flink.job;

import io.strata.flink.model.GroupSpec;
import io.strata.flink.rules.RuleGroups;
import io.strata.promql.rules.RuleFile;
import io.strata.promql.rules.RuleFiles;
import java.util.List;

/** Rule groups for tests, from rule-file YAML. */
final class Groups {
  private Groups() {}

  /** The groups of a rule file, as the job gets them from files. */
  static List<GroupSpec> file(String tenant, String fileName, String yaml) {
    return RuleGroups.fileSpecs(tenant, RuleFiles.parse(yaml, fileName));
  }

  /** The single group of a rule file, as pushed to the rules topic at {@code version}. */
  static GroupSpec pushed(String tenant, String namespace, long version, String yaml) {
    RuleFile f = RuleFiles.parse(yaml, namespace);
    var g = f.groups().get(0);
    return new GroupSpec(RuleGroups.key(tenant, namespace, g.name()), tenant, false, version,
        RuleGroups.encode(RuleGroups.toAvro(tenant, namespace, g)));
  }

  /** A tombstone of a pushed group. */
  static GroupSpec deleted(String key, String tenant, long version) {
    return new GroupSpec(key, tenant, false, version, null);
  }
}
