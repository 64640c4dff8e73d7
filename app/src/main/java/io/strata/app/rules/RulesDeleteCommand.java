package io.strata.app.rules;

import io.strata.avro.RuleGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code strata rules delete NAMESPACE [GROUP]}: tombstones the group, or every group of the namespace, on
 * the rules topic; the rule job removes them (stale markers for their series, their alerts retired).
 */
@Command(name = "delete", mixinStandardHelpOptions = true,
    description = "Delete a rule group, or every group of a namespace, from the rules topic.")
public final class RulesDeleteCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "NAMESPACE", description = "namespace (as `strata rules list` shows it)")
  String namespace;

  @Parameters(index = "1", arity = "0..1", paramLabel = "GROUP", description = "group name (default: all of the namespace)")
  String group;

  @Mixin
  RulesTopic topic;

  @Override
  public Integer call() throws Exception {
    return RulesTopic.run("delete", this::delete);
  }

  private Integer delete() throws Exception {
    List<RulesTopic.Stored> tombstones = new ArrayList<>();
    for (Map.Entry<String, RuleGroup> e : topic.current().entrySet()) {
      RuleGroup g = e.getValue();
      if (g.getNamespace().equals(namespace) && (group == null || g.getName().equals(group))) {
        tombstones.add(new RulesTopic.Stored(e.getKey(), null));
      }
    }
    if (tombstones.isEmpty()) {
      System.err.println("no rule group " + (group == null ? "in namespace " + namespace : namespace + "/" + group)
          + " for tenant " + topic.tenant);
      return 1;
    }
    topic.write(tombstones);
    for (RulesTopic.Stored s : tombstones) {
      System.out.println("deleted " + s.key());
    }
    return 0;
  }
}
