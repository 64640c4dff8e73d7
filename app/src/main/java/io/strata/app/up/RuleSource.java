package io.strata.app.up;

import io.strata.promql.rules.RuleFile;
import io.strata.promql.rules.RuleFiles;
import io.strata.schemas.prom.PromDuration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Where {@code strata up}'s rule files come from, as Prometheus takes them from its configuration: the
 * {@code rule_files} of the prometheus.yml given as scrape config (patterns relative to that file, expanded with
 * Go's {@code filepath.Glob}: a pattern that matches nothing gives no file), plus every {@code --rule-file} (which
 * must be readable); and {@code global.evaluation_interval} and {@code global.external_labels} of the same file.
 * When neither names a rule file, the built-in one. {@link #load} reads everything again (start and reload).
 *
 * @param ruleFiles the {@code --rule-file} paths (config key {@code rule_files}), possibly none
 * @param prometheusYml the scrape config file, or null
 */
public record RuleSource(List<Path> ruleFiles, Path prometheusYml) {
  /** Prometheus's check of a {@code rule_files} entry: a {@code *} only in the last path element. */
  private static final Pattern RULE_PATH = Pattern.compile("^[^*]*(\\*[^/]*)?$");

  public RuleSource {
    ruleFiles = List.copyOf(ruleFiles);
  }

  /**
   * The validated rule files and the global settings that go with them.
   *
   * @param files parsed, named by absolute path (the namespace the groups are published under and the
   *     {@code file} of {@code /api/v1/rules})
   * @param evaluationInterval {@code global.evaluation_interval}, or null when not set
   * @param externalLabels {@code global.external_labels} (empty when not set)
   */
  public record Loaded(List<RuleFile> files, Duration evaluationInterval, Map<String, String> externalLabels) {}

  /**
   * Reads the prometheus.yml and every rule file.
   *
   * @param builtIn the built-in rule file, used when no rule file is named (null: none)
   * @throws io.strata.promql.rules.RuleFileException when a rule file is invalid (every problem, with its file)
   * @throws IllegalArgumentException naming the file and the problem otherwise (unreadable file, bad pattern,
   *     bad {@code global} value)
   */
  public Loaded load(Supplier<Path> builtIn) {
    Set<Path> paths = new LinkedHashSet<>();
    for (Path p : ruleFiles) {
      paths.add(p.toAbsolutePath().normalize());
    }
    Duration interval = null;
    Map<String, String> external = new TreeMap<>();
    boolean declared = !ruleFiles.isEmpty();
    if (prometheusYml != null) {
      Map<String, Object> yml = PrometheusYml.read(prometheusYml);
      Path dir = prometheusYml.toAbsolutePath().getParent();
      Object rf = yml.get("rule_files");
      if (rf != null) {
        declared = true;
        if (!(rf instanceof List<?> patterns)) {
          throw new IllegalArgumentException(prometheusYml + ": rule_files must be a list of file patterns");
        }
        for (Object o : patterns) {
          String pat = String.valueOf(o);
          if (!RULE_PATH.matcher(pat).matches()) {
            throw new IllegalArgumentException(prometheusYml + ": invalid rule file path \"" + pat + "\"");
          }
          String joined = dir.resolve(pat).normalize().toString();
          try {
            for (String m : GoGlob.glob(joined)) {
              paths.add(Path.of(m));
            }
          } catch (GoGlob.BadPatternException e) {
            throw new IllegalArgumentException(prometheusYml + ": error retrieving rule files for " + joined + ": " + e.getMessage());
          }
        }
      }
      if (yml.get("global") instanceof Map<?, ?> global) {
        Object ei = global.get("evaluation_interval");
        if (ei != null) {
          try {
            interval = Duration.ofMillis(PromDuration.parseMillis(String.valueOf(ei)));
          } catch (RuntimeException e) {
            throw new IllegalArgumentException(prometheusYml + ": global.evaluation_interval: \"" + ei + "\" is not a duration like 30s or 1m");
          }
          if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException(prometheusYml + ": global.evaluation_interval must be > 0, got " + ei);
          }
        }
        if (global.get("external_labels") instanceof Map<?, ?> labels) {
          for (var e : labels.entrySet()) {
            external.put(String.valueOf(e.getKey()), e.getValue() == null ? "" : String.valueOf(e.getValue()));
          }
        } else if (global.get("external_labels") != null) {
          throw new IllegalArgumentException(prometheusYml + ": global.external_labels must be a map of label names to values");
        }
      }
    }
    if (!declared && builtIn != null) {
      paths.add(builtIn.get().toAbsolutePath().normalize());
    }
    List<RuleFile> files = new ArrayList<>();
    for (Path p : paths) {
      String yaml;
      try {
        yaml = Files.readString(p);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read rule file " + p + ": " + e.getMessage(), e);
      }
      files.add(RuleFiles.parse(yaml, p.toString()));
    }
    return new Loaded(List.copyOf(files), interval, new LinkedHashMap<>(external));
  }
}
