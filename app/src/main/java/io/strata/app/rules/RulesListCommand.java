package io.strata.app.rules;

import io.strata.avro.RuleGroup;
import io.strata.schemas.prom.PromDuration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code strata rules list}: the tenant's groups on the rules topic, one line each. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = "List the tenant's rule groups on the rules topic: namespace, group, rules, interval.")
public final class RulesListCommand implements Callable<Integer> {
  @Mixin
  RulesTopic topic;

  @Override
  public Integer call() throws Exception {
    return RulesTopic.run("list", this::list);
  }

  private Integer list() {
    Map<String, RuleGroup> groups = topic.current();
    if (groups.isEmpty()) {
      System.out.println("no rule groups for tenant " + topic.tenant);
      return 0;
    }
    System.out.println("NAMESPACE\tGROUP\tRULES\tINTERVAL");
    for (RuleGroup g : groups.values()) {
      System.out.println(g.getNamespace() + "\t" + g.getName() + "\t" + g.getRules().size() + "\t"
          + (g.getIntervalMs() == 0 ? "default" : PromDuration.format(g.getIntervalMs())));
    }
    return 0;
  }
}
