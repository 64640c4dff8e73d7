package io.strata.schemas;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Topic names and their settings, as DESIGN.md's topic table defines them. One place for all stages. */
public final class Topics {
  private Topics() {}

  public static final String SAMPLES = "metrics.samples";
  public static final String ROLLUP_PREFIX = "metrics.rollup.";
  public static final String METADATA = "metrics.metadata";
  public static final String RULES = "metrics.rules";
  public static final String ALERTS = "metrics.alerts";
  public static final String DEADLETTER = "metrics.deadletter";

  /** Header names on dead-lettered records. */
  public static final String DLQ_REASON_HEADER = "strata.error.reason";
  public static final String DLQ_MESSAGE_HEADER = "strata.error.message";
  public static final String DLQ_STAGE_HEADER = "strata.error.stage";

  public static String rollup(String resolution) {
    return ROLLUP_PREFIX + resolution;
  }

  /** A topic to create: name and its topic-level configs. */
  public record Spec(String name, Map<String, String> configs) {}

  /** Every topic of the pipeline with its cleanup policy and retention. */
  public static List<Spec> all(String prefix, List<String> rollupResolutions) {
    long day = Duration.ofDays(1).toMillis();
    var specs = new java.util.ArrayList<Spec>();
    specs.add(new Spec(prefix + SAMPLES, Map.of("cleanup.policy", "delete", "retention.ms", Long.toString(day))));
    for (String r : rollupResolutions) {
      specs.add(new Spec(prefix + rollup(r), Map.of("cleanup.policy", "delete", "retention.ms", Long.toString(7 * day))));
    }
    specs.add(new Spec(prefix + METADATA, Map.of("cleanup.policy", "compact")));
    specs.add(new Spec(prefix + RULES, Map.of("cleanup.policy", "compact")));
    specs.add(new Spec(prefix + ALERTS, Map.of("cleanup.policy", "compact")));
    specs.add(new Spec(prefix + DEADLETTER, Map.of("cleanup.policy", "delete", "retention.ms", Long.toString(7 * day))));
    return specs;
  }
}
