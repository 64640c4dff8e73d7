package io.strata.app.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.embedded.junit.StrataTest;
import io.strata.embedded.junit.TestCluster;
import io.strata.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code strata rules push|list|delete} against a real broker and registry. */
@StrataTest
class RulesPushListDeleteIT {
  static final String VALID = """
      groups:
        - name: api
          interval: 30s
          rules:
            - record: job:errors:rate5m
              expr: sum by (job) (rate(errors_total[5m]))
            - alert: ErrorsHigh
              expr: job:errors:rate5m > 1
              for: 5m
        - name: disk
          rules:
            - alert: DiskFull
              expr: node_filesystem_free_bytes < 1e9
      """;

  record Run(int code, String out, String err) {}

  static Run run(Callable<Integer> command, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = new CommandLine(command).execute(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  static String[] args(TestCluster c, String prefix, String tenant, String... rest) {
    List<String> a = new ArrayList<>(List.of("--bootstrap", c.bootstrapServers(), "--registry", c.registryUrl(),
        "--topic-prefix", prefix, "--tenant", tenant));
    a.addAll(List.of(rest));
    return a.toArray(new String[0]);
  }

  static RulesTopic topic(TestCluster c, String prefix, String tenant) {
    RulesTopic t = new RulesTopic();
    t.bootstrap = c.bootstrapServers();
    t.registry = c.registryUrl();
    t.topicPrefix = prefix;
    t.tenant = tenant;
    return t;
  }

  @Test
  void pushListAndDeleteGroupsPerTenant(TestCluster cluster, @TempDir Path dir) throws Exception {
    String prefix = cluster.uniquePrefix();
    cluster.createTopic(prefix + Topics.RULES, 1);
    Path file = Files.writeString(dir.resolve("alerts.yml"), VALID);

    Run push = run(new RulesPushCommand(), args(cluster, prefix, "team-a", file.toString()));
    assertEquals(0, push.code(), push.err());
    assertTrue(push.out().contains("pushed team-a/alerts.yml/api (2 rules)"), push.out());
    assertEquals(0, run(new RulesPushCommand(), args(cluster, prefix, "team-b", "--namespace", "ops", file.toString())).code());

    assertEquals(Set.of("team-a/alerts.yml/api", "team-a/alerts.yml/disk"), topic(cluster, prefix, "team-a").current().keySet());
    Run list = run(new RulesListCommand(), args(cluster, prefix, "team-b"));
    assertEquals(0, list.code());
    assertTrue(list.out().contains("ops\tapi\t2\t30s"), list.out());
    assertTrue(list.out().contains("ops\tdisk\t1\tdefault"), list.out());

    Run delete = run(new RulesDeleteCommand(), args(cluster, prefix, "team-a", "alerts.yml", "disk"));
    assertEquals(0, delete.code(), delete.err());
    assertEquals(Set.of("team-a/alerts.yml/api"), topic(cluster, prefix, "team-a").current().keySet());
    assertEquals(0, run(new RulesDeleteCommand(), args(cluster, prefix, "team-a", "alerts.yml")).code());
    assertEquals(Set.of(), topic(cluster, prefix, "team-a").current().keySet());
    assertEquals(2, topic(cluster, prefix, "team-b").current().size(), "another tenant's groups stay");

    Run none = run(new RulesDeleteCommand(), args(cluster, prefix, "team-a", "alerts.yml"));
    assertEquals(1, none.code());
    assertTrue(none.err().contains("no rule group in namespace alerts.yml for tenant team-a"), none.err());
  }

  @Test
  void anInvalidFilePublishesNothingAndSaysWhy(TestCluster cluster, @TempDir Path dir) throws Exception {
    String prefix = cluster.uniquePrefix();
    cluster.createTopic(prefix + Topics.RULES, 1);
    Path good = Files.writeString(dir.resolve("good.yml"), VALID);
    Path bad = Files.writeString(dir.resolve("bad.yml"), """
        groups:
          - name: broken
            rules:
              - alert: Broken
                expr: rate(errors_total[5m] >
        """);
    Run push = run(new RulesPushCommand(), args(cluster, prefix, "default", good.toString(), bad.toString()));
    assertEquals(1, push.code());
    assertTrue(push.err().contains("bad.yml: invalid, nothing published"), push.err());
    assertTrue(push.err().contains("Broken"), push.err());
    assertEquals(Set.of(), topic(cluster, prefix, "default").current().keySet(), "not even the valid file's groups");
  }
}
