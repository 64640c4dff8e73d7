package io.strata.flink.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strata.promql.rules.RuleFiles;
import io.strata.promql.rules.RuleGroup;
import io.strata.schemas.model.LabelMatcher;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupPlanTest {
  private static RuleGroup group(String annotation) {
    String yaml = "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up == 0\n    annotations:\n      summary: '" + annotation + "'\n";
    return RuleFiles.parse(yaml, "rules.yml").groups().get(0);
  }

  @Test
  void selectsWhatTemplateQueriesRead() {
    GroupPlan p = new GroupPlan("k", group("{{ query \"node_load1{job=\\\"n\\\"}\" }} and {{ query `disk_free` }}"), 300_000, 60_000, false);
    assertEquals(List.of(List.of(LabelMatcher.eq("__name__", "up")), List.of(LabelMatcher.eq("job", "n"), LabelMatcher.eq("__name__", "node_load1")),
        List.of(LabelMatcher.eq("__name__", "disk_free"))), p.selectors());
  }

  @Test
  void aLongTemplateQueryDoesNotOverflowTheStack() {
    // java.util.regex recursed per character of the quoted query and threw StackOverflowError here
    GroupPlan p = new GroupPlan("k", group("{{ query \"disk_free" + " ".repeat(200_000) + "\" }}"), 300_000, 60_000, false);
    assertEquals(2, p.selectors().size());
  }
}
