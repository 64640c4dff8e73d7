package io.strata.flink;

import io.strata.schemas.prom.PromDuration;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Settings of the rule job, validated once. Every key is listed in {@link #KEYS} and documented in
 * flink-jobs/README.md (a test checks both). Durations in {@link #fromMap} use Prometheus syntax
 * ({@code 30s}, {@code 5m}, {@code 1h30m}).
 *
 * @param parallelism operator parallelism and task slots of the local MiniCluster
 * @param checkpointInterval how often Flink checkpoints: source offsets are committed and the transactional
 *     sinks make their output visible to {@code read_committed} readers at each checkpoint
 * @param maxOutOfOrderness how far behind the newest sample timestamp of a partition its watermark trails
 * @param wallClockDelay a partition without input for this long lets its watermark follow the wall clock
 *     minus this delay, so event time never stalls (absent() and stale series still resolve or fire)
 * @param lookbackDelta Prometheus's {@code --query.lookback-delta}
 * @param evaluationInterval {@code global.evaluation_interval}: the interval of groups that set none, and the
 *     default subquery step
 * @param resendDelay Prometheus's {@code --rules.alert.resend-delay}: how often a firing alert is re-sent
 * @param maxEvaluationAge evaluation times further behind the wall clock are skipped while a backlog is read
 *     (0: never skip), as Prometheus does not evaluate the time it was down
 * @param externalUrl Prometheus's {@code --web.external-url}: {@code $externalURL} and generator URLs
 * @param externalLabels {@code global.external_labels}, seen by templates as {@code $externalLabels}
 * @param fileTenant the tenant whose samples the groups of rule files read (pushed groups name their own)
 * @param spreadEvaluations whether each group's evaluation grid is offset by a stable hash of the group
 *     (as Prometheus spreads groups over the interval); false aligns every group to multiples of its interval
 * @param consumerGroup Kafka consumer group of the sources (offsets are committed on checkpoints)
 * @param startFrom where the samples source starts when neither a checkpoint nor committed offsets exist
 * @param networkMemoryMb network buffer memory of the local task manager
 * @param managedMemoryMb managed memory of the local task manager (unused by the heap state backend)
 * @param restoreFromCheckpoint whether {@code start()} resumes from the newest retained checkpoint
 * @param forOutageTolerance Prometheus's {@code --rules.alert.for-outage-tolerance}: how far back a group that
 *     starts without state looks for {@code ALERTS_FOR_STATE} to restore its alerts' {@code for} progress
 * @param forGracePeriod Prometheus's {@code --rules.alert.for-grace-period}: a restored alert fires no sooner
 *     than this after the restore; rules with a shorter {@code for} are not restored
 */
public record AlertRuleSettings(
    int parallelism,
    Duration checkpointInterval,
    Duration maxOutOfOrderness,
    Duration wallClockDelay,
    Duration lookbackDelta,
    Duration evaluationInterval,
    Duration resendDelay,
    Duration maxEvaluationAge,
    String externalUrl,
    Map<String, String> externalLabels,
    String fileTenant,
    boolean spreadEvaluations,
    String consumerGroup,
    StartFrom startFrom,
    int networkMemoryMb,
    int managedMemoryMb,
    boolean restoreFromCheckpoint,
    Duration forOutageTolerance,
    Duration forGracePeriod) {

  /** Where the samples source starts when it has no checkpoint and its group has no committed offsets. */
  public enum StartFrom {
    /** Only samples written after the job starts (Prometheus evaluates rules from now on, too). */
    LATEST,
    /** Everything still retained on the samples topic. */
    EARLIEST
  }

  public static final String PARALLELISM = "flink.parallelism";
  public static final String CHECKPOINT_INTERVAL = "flink.checkpoint.interval";
  public static final String MAX_OUT_OF_ORDERNESS = "flink.watermark.max-out-of-orderness";
  public static final String WALL_CLOCK_DELAY = "flink.watermark.wall-clock-delay";
  public static final String LOOKBACK_DELTA = "flink.rules.lookback-delta";
  public static final String EVALUATION_INTERVAL = "flink.rules.evaluation-interval";
  public static final String RESEND_DELAY = "flink.rules.resend-delay";
  public static final String MAX_EVALUATION_AGE = "flink.rules.max-evaluation-age";
  public static final String EXTERNAL_URL = "flink.rules.external-url";
  public static final String EXTERNAL_LABELS = "flink.rules.external-labels";
  public static final String FILE_TENANT = "flink.rules.file-tenant";
  public static final String SPREAD_EVALUATIONS = "flink.rules.spread-evaluations";
  public static final String CONSUMER_GROUP = "flink.consumer.group-id";
  public static final String START_FROM = "flink.consumer.start-from";
  public static final String NETWORK_MEMORY_MB = "flink.memory.network-mb";
  public static final String MANAGED_MEMORY_MB = "flink.memory.managed-mb";
  public static final String RESTORE_FROM_CHECKPOINT = "flink.checkpoint.restore";
  public static final String FOR_OUTAGE_TOLERANCE = "flink.rules.alert.for-outage-tolerance";
  public static final String FOR_GRACE_PERIOD = "flink.rules.alert.for-grace-period";

  /** Every key, in documentation order. */
  public static final List<String> KEYS = List.of(PARALLELISM, CHECKPOINT_INTERVAL, MAX_OUT_OF_ORDERNESS,
      WALL_CLOCK_DELAY, LOOKBACK_DELTA, EVALUATION_INTERVAL, RESEND_DELAY, MAX_EVALUATION_AGE, EXTERNAL_URL, EXTERNAL_LABELS, FILE_TENANT,
      SPREAD_EVALUATIONS, CONSUMER_GROUP, START_FROM, NETWORK_MEMORY_MB, MANAGED_MEMORY_MB, RESTORE_FROM_CHECKPOINT,
      FOR_OUTAGE_TOLERANCE, FOR_GRACE_PERIOD);

  public AlertRuleSettings {
    if (parallelism < 1 || parallelism > 64) {
      throw new IllegalArgumentException(PARALLELISM + " must be between 1 and 64, got " + parallelism);
    }
    requirePositive(CHECKPOINT_INTERVAL, checkpointInterval);
    if (checkpointInterval.toMillis() < 100) {
      throw new IllegalArgumentException(CHECKPOINT_INTERVAL + " must be at least 100ms, got " + checkpointInterval.toMillis() + "ms");
    }
    if (maxOutOfOrderness == null || maxOutOfOrderness.isNegative()) {
      throw new IllegalArgumentException(MAX_OUT_OF_ORDERNESS + " must be >= 0, got " + maxOutOfOrderness);
    }
    requirePositive(WALL_CLOCK_DELAY, wallClockDelay);
    requirePositive(LOOKBACK_DELTA, lookbackDelta);
    requirePositive(EVALUATION_INTERVAL, evaluationInterval);
    if (resendDelay == null || resendDelay.isNegative()) {
      throw new IllegalArgumentException(RESEND_DELAY + " must be >= 0, got " + resendDelay);
    }
    if (maxEvaluationAge == null || maxEvaluationAge.isNegative()) {
      throw new IllegalArgumentException(MAX_EVALUATION_AGE + " must be >= 0, got " + maxEvaluationAge);
    }
    if (externalUrl == null) {
      throw new IllegalArgumentException(EXTERNAL_URL + " must not be null (use \"\" for none)");
    }
    if (!externalUrl.isEmpty() && !externalUrl.startsWith("http://") && !externalUrl.startsWith("https://")) {
      throw new IllegalArgumentException(EXTERNAL_URL + " must start with http:// or https://, got " + externalUrl);
    }
    externalLabels = Collections.unmodifiableMap(new TreeMap<>(externalLabels == null ? Map.of() : externalLabels));
    if (fileTenant == null || fileTenant.isBlank()) {
      throw new IllegalArgumentException(FILE_TENANT + " must not be empty");
    }
    if (consumerGroup == null || consumerGroup.isBlank()) {
      throw new IllegalArgumentException(CONSUMER_GROUP + " must not be empty, got \"" + consumerGroup + "\"");
    }
    if (startFrom == null) {
      throw new IllegalArgumentException(START_FROM + " must be latest or earliest, got null");
    }
    // 8 MB is 256 network buffers of 32 KB: enough for a handful of channels at parallelism <= 4
    if (networkMemoryMb < 8 || networkMemoryMb > 4096) {
      throw new IllegalArgumentException(NETWORK_MEMORY_MB + " must be between 8 and 4096, got " + networkMemoryMb);
    }
    if (managedMemoryMb < 0 || managedMemoryMb > 65536) {
      throw new IllegalArgumentException(MANAGED_MEMORY_MB + " must be between 0 and 65536, got " + managedMemoryMb);
    }
    requirePositive(FOR_OUTAGE_TOLERANCE, forOutageTolerance);
    requirePositive(FOR_GRACE_PERIOD, forGracePeriod);
  }

  private static void requirePositive(String key, Duration d) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(key + " must be > 0, got " + d);
    }
  }

  /**
   * Defaults sized for a 2-core machine that also runs a broker, Streams and Connect: parallelism 1,
   * 16 MB network memory (512 buffers, allocated up front, off heap) and 16 MB managed memory (the heap state backend does not use it; Flink requires
   * some). Time: watermarks trail the newest sample by 10 s, a quiet partition follows the wall clock
   * 15 s behind, checkpoints (and so the visibility of transactional output) every 5 s: an alert changes
   * state at most ~20 s after Prometheus would on live data (README, "Time").
   */
  public static AlertRuleSettings defaults() {
    return new AlertRuleSettings(1, Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(15),
        Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofMinutes(5), "http://localhost:9090", Map.of(),
        "default", true, "strata-flink-rules", StartFrom.LATEST, 16, 16, true, Duration.ofHours(1), Duration.ofMinutes(10));
  }

  /** Settings from string keys (a config file or flags); absent keys take their default. */
  public static AlertRuleSettings fromMap(Map<String, String> m) {
    for (String k : m.keySet()) {
      if (k.startsWith("flink.") && !KEYS.contains(k)) {
        throw new IllegalArgumentException("unknown setting " + k + "; known: " + String.join(", ", KEYS));
      }
    }
    AlertRuleSettings d = defaults();
    return new AlertRuleSettings(
        intOf(m, PARALLELISM, d.parallelism),
        durationOf(m, CHECKPOINT_INTERVAL, d.checkpointInterval),
        durationOf(m, MAX_OUT_OF_ORDERNESS, d.maxOutOfOrderness),
        durationOf(m, WALL_CLOCK_DELAY, d.wallClockDelay),
        durationOf(m, LOOKBACK_DELTA, d.lookbackDelta),
        durationOf(m, EVALUATION_INTERVAL, d.evaluationInterval),
        durationOf(m, RESEND_DELAY, d.resendDelay),
        durationOf(m, MAX_EVALUATION_AGE, d.maxEvaluationAge),
        m.getOrDefault(EXTERNAL_URL, d.externalUrl),
        m.containsKey(EXTERNAL_LABELS) ? labelsOf(m.get(EXTERNAL_LABELS)) : d.externalLabels,
        m.getOrDefault(FILE_TENANT, d.fileTenant),
        boolOf(m, SPREAD_EVALUATIONS, d.spreadEvaluations),
        m.getOrDefault(CONSUMER_GROUP, d.consumerGroup),
        startFromOf(m, d.startFrom),
        intOf(m, NETWORK_MEMORY_MB, d.networkMemoryMb),
        intOf(m, MANAGED_MEMORY_MB, d.managedMemoryMb),
        boolOf(m, RESTORE_FROM_CHECKPOINT, d.restoreFromCheckpoint),
        durationOf(m, FOR_OUTAGE_TOLERANCE, d.forOutageTolerance),
        durationOf(m, FOR_GRACE_PERIOD, d.forGracePeriod));
  }

  /** The settings as string keys, the inverse of {@link #fromMap}. */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(PARALLELISM, Integer.toString(parallelism));
    m.put(CHECKPOINT_INTERVAL, PromDuration.format(checkpointInterval.toMillis()));
    m.put(MAX_OUT_OF_ORDERNESS, PromDuration.format(maxOutOfOrderness.toMillis()));
    m.put(WALL_CLOCK_DELAY, PromDuration.format(wallClockDelay.toMillis()));
    m.put(LOOKBACK_DELTA, PromDuration.format(lookbackDelta.toMillis()));
    m.put(EVALUATION_INTERVAL, PromDuration.format(evaluationInterval.toMillis()));
    m.put(RESEND_DELAY, PromDuration.format(resendDelay.toMillis()));
    m.put(MAX_EVALUATION_AGE, PromDuration.format(maxEvaluationAge.toMillis()));
    m.put(EXTERNAL_URL, externalUrl);
    StringBuilder labels = new StringBuilder();
    externalLabels.forEach((k, v) -> labels.append(labels.length() == 0 ? "" : ",").append(k).append('=').append(v));
    m.put(EXTERNAL_LABELS, labels.toString());
    m.put(FILE_TENANT, fileTenant);
    m.put(SPREAD_EVALUATIONS, Boolean.toString(spreadEvaluations));
    m.put(CONSUMER_GROUP, consumerGroup);
    m.put(START_FROM, startFrom.name().toLowerCase(Locale.ROOT));
    m.put(NETWORK_MEMORY_MB, Integer.toString(networkMemoryMb));
    m.put(MANAGED_MEMORY_MB, Integer.toString(managedMemoryMb));
    m.put(RESTORE_FROM_CHECKPOINT, Boolean.toString(restoreFromCheckpoint));
    m.put(FOR_OUTAGE_TOLERANCE, PromDuration.format(forOutageTolerance.toMillis()));
    m.put(FOR_GRACE_PERIOD, PromDuration.format(forGracePeriod.toMillis()));
    return m;
  }

  /** A copy with one key changed, validated like {@link #fromMap}. */
  public AlertRuleSettings with(String key, String value) {
    Map<String, String> m = toMap();
    if (!m.containsKey(key)) {
      throw new IllegalArgumentException("unknown setting " + key);
    }
    m.put(key, value);
    return fromMap(m);
  }

  public AlertRuleSettings withParallelism(int p) {
    return with(PARALLELISM, Integer.toString(p));
  }

  public AlertRuleSettings withCheckpointInterval(Duration d) {
    return with(CHECKPOINT_INTERVAL, PromDuration.format(d.toMillis()));
  }

  public AlertRuleSettings withMaxOutOfOrderness(Duration d) {
    return with(MAX_OUT_OF_ORDERNESS, PromDuration.format(d.toMillis()));
  }

  public AlertRuleSettings withWallClockDelay(Duration d) {
    return with(WALL_CLOCK_DELAY, PromDuration.format(d.toMillis()));
  }

  public AlertRuleSettings withLookbackDelta(Duration d) {
    return with(LOOKBACK_DELTA, PromDuration.format(d.toMillis()));
  }

  public AlertRuleSettings withEvaluationInterval(Duration d) {
    return with(EVALUATION_INTERVAL, PromDuration.format(d.toMillis()));
  }

  public AlertRuleSettings withMaxEvaluationAge(Duration d) {
    return with(MAX_EVALUATION_AGE, PromDuration.format(d.toMillis()));
  }

  public AlertRuleSettings withExternalUrl(String url) {
    return with(EXTERNAL_URL, url);
  }

  public AlertRuleSettings withExternalLabels(Map<String, String> labels) {
    return new AlertRuleSettings(parallelism, checkpointInterval, maxOutOfOrderness, wallClockDelay, lookbackDelta,
        evaluationInterval, resendDelay, maxEvaluationAge, externalUrl, labels, fileTenant, spreadEvaluations, consumerGroup, startFrom,
        networkMemoryMb, managedMemoryMb, restoreFromCheckpoint, forOutageTolerance, forGracePeriod);
  }

  public AlertRuleSettings withFileTenant(String tenant) {
    return with(FILE_TENANT, tenant);
  }

  public AlertRuleSettings withSpreadEvaluations(boolean b) {
    return with(SPREAD_EVALUATIONS, Boolean.toString(b));
  }

  public AlertRuleSettings withConsumerGroup(String group) {
    return with(CONSUMER_GROUP, group);
  }

  public AlertRuleSettings withStartFrom(StartFrom s) {
    return with(START_FROM, s.name().toLowerCase(Locale.ROOT));
  }

  public AlertRuleSettings withRestoreFromCheckpoint(boolean r) {
    return with(RESTORE_FROM_CHECKPOINT, Boolean.toString(r));
  }

  private static Map<String, String> labelsOf(String v) {
    Map<String, String> out = new TreeMap<>();
    if (v == null || v.isBlank()) {
      return out;
    }
    for (String pair : v.split(",")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(EXTERNAL_LABELS + " must be name=value pairs separated by commas, got \"" + v + "\"");
      }
      out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
    }
    return out;
  }

  private static int intOf(Map<String, String> m, String key, int def) {
    String v = m.get(key);
    if (v == null) {
      return def;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, got \"" + v + "\"");
    }
  }

  private static boolean boolOf(Map<String, String> m, String key, boolean def) {
    String v = m.get(key);
    if (v == null) {
      return def;
    }
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(key + " must be true or false, got \"" + v + "\"");
    };
  }

  private static Duration durationOf(Map<String, String> m, String key, Duration def) {
    String v = m.get(key);
    if (v == null) {
      return def;
    }
    try {
      return Duration.ofMillis(PromDuration.parse(v.trim()).toMillis());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage());
    }
  }

  private static StartFrom startFromOf(Map<String, String> m, StartFrom def) {
    String v = m.get(START_FROM);
    if (v == null) {
      return def;
    }
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "latest" -> StartFrom.LATEST;
      case "earliest" -> StartFrom.EARLIEST;
      default -> throw new IllegalArgumentException(START_FROM + " must be latest or earliest, got \"" + v + "\"");
    };
  }
}
