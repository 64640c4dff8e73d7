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
  public static final String RULES_STATUS = "metrics.rules.status";
  public static final String DEADLETTER = "metrics.deadletter";

  /**
   * Header names on dead-lettered records (values UTF-8 text), written by {@link io.strata.schemas.deadletter.DeadLetters}
   * for every stage: reason code, message, stage, and where the record was read (topic, partition, offset, its
   * timestamp in ms).
   */
  public static final String DLQ_REASON_HEADER = "strata.error.reason";
  public static final String DLQ_MESSAGE_HEADER = "strata.error.message";
  public static final String DLQ_STAGE_HEADER = "strata.error.stage";
  public static final String DLQ_TOPIC_HEADER = "strata.error.topic";
  public static final String DLQ_PARTITION_HEADER = "strata.error.partition";
  public static final String DLQ_OFFSET_HEADER = "strata.error.offset";
  public static final String DLQ_TIMESTAMP_HEADER = "strata.error.timestamp";

  public static String rollup(String resolution) {
    return ROLLUP_PREFIX + resolution;
  }

  /**
   * Rule groups, latest per tenant/namespace/group. Tombstones (deleted groups) stay readable for 30 days, so
   * a rule job restored from a checkpoint up to 30 days old still sees every delete it missed.
   */
  public static final Map<String, String> RULES_CONFIGS = Map.of("cleanup.policy", "compact",
      "delete.retention.ms", Long.toString(Duration.ofDays(30).toMillis()));

  /**
   * Alert state, latest per tenant/fingerprint, read from the start by every new consumer: segments roll
   * every 10 minutes (compaction never touches the active segment, Kafka's default rolls weekly), the
   * cleaner runs once a tenth of the log is dirty and at the latest an hour after a write, and tombstones
   * (retired alerts) stay readable for a day so a consumer up to a day behind still sees them.
   */
  public static final Map<String, String> ALERTS_CONFIGS = Map.of("cleanup.policy", "compact",
      "segment.ms", Long.toString(Duration.ofMinutes(10).toMillis()),
      "min.cleanable.dirty.ratio", "0.1",
      "max.compaction.lag.ms", Long.toString(Duration.ofHours(1).toMillis()),
      "delete.retention.ms", Long.toString(Duration.ofDays(1).toMillis()));

  /**
   * Rule group status, latest per tenant/namespace/group, written by the rule job after each evaluation of a
   * group and read from the start by every query server: the same compaction settings as the alerts topic
   * (a new reader gets the current status, not ten minutes' worth of evaluations per group).
   */
  public static final Map<String, String> RULES_STATUS_CONFIGS = ALERTS_CONFIGS;

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
    specs.add(new Spec(prefix + RULES, RULES_CONFIGS));
    specs.add(new Spec(prefix + ALERTS, ALERTS_CONFIGS));
    specs.add(new Spec(prefix + RULES_STATUS, RULES_STATUS_CONFIGS));
    specs.add(new Spec(prefix + DEADLETTER, Map.of("cleanup.policy", "delete", "retention.ms", Long.toString(7 * day))));
    return specs;
  }
}
