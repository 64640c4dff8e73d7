package io.strata.app.rules;

import io.strata.flink.rules.RuleGroups;
import io.strata.promql.rules.RuleError;
import io.strata.promql.rules.RuleFile;
import io.strata.promql.rules.RuleFiles;
import io.strata.promql.rules.RuleGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code strata rules push FILE...}: validates every file as {@code strata rules check} does, then publishes
 * each group to {@code metrics.rules} under {@code tenant/namespace/group}; the running rule job picks it up
 * without a restart. An invalid file publishes nothing (from any file) and says why; exit 1.
 */
@Command(name = "push", mixinStandardHelpOptions = true,
    description = "Validate rule files and publish their groups to the rules topic (the Flink rule job runs them "
        + "without a restart). Nothing is published when any file is invalid.")
public final class RulesPushCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", arity = "1..*", description = "Prometheus rule files")
  List<Path> files = new ArrayList<>();

  @Option(names = "--namespace", paramLabel = "NAME",
      description = "namespace of the groups (default: each file's name, e.g. alerts.yml)")
  String namespace;

  @Mixin
  RulesTopic topic;

  @Override
  public Integer call() throws Exception {
    List<RuleTopicEntry> entries = new ArrayList<>();
    boolean failed = false;
    Map<String, Path> seen = new LinkedHashMap<>();
    for (Path f : files) {
      String yaml;
      try {
        yaml = Files.readString(f);
      } catch (IOException e) {
        System.err.println(f + ": cannot read: " + e.getMessage());
        failed = true;
        continue;
      }
      List<RuleError> errors = RuleFiles.validate(yaml, f.toString());
      if (!errors.isEmpty()) {
        System.err.println(f + ": invalid, nothing published:");
        for (RuleError e : errors) {
          System.err.println("  " + e);
        }
        failed = true;
        continue;
      }
      RuleFile rf = RuleFiles.parse(yaml, f.toString());
      String ns = namespace != null ? namespace : f.getFileName().toString();
      for (RuleGroup g : rf.groups()) {
        String key = RuleGroups.key(topic.tenant, ns, g.name());
        Path other = seen.put(key, f);
        if (other != null) {
          System.err.println(f + ": group \"" + g.name() + "\" of namespace " + ns + " is also in " + other
              + "; nothing published");
          failed = true;
        }
        entries.add(new RuleTopicEntry(key, RuleGroups.toAvro(topic.tenant, ns, g), g.rules().size()));
      }
    }
    if (failed) {
      return 1;
    }
    List<RulesTopic.Stored> records = new ArrayList<>();
    for (RuleTopicEntry e : entries) {
      records.add(new RulesTopic.Stored(e.key(), e.group()));
    }
    Integer failure = RulesTopic.run("push", () -> {
      topic.write(records);
      return null;
    });
    if (failure != null) {
      return failure;
    }
    for (RuleTopicEntry e : entries) {
      System.out.println("pushed " + e.key() + " (" + e.rules() + " rules)");
    }
    return 0;
  }

  private record RuleTopicEntry(String key, io.strata.avro.RuleGroup group, int rules) {}
}
