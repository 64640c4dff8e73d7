package io.strata.flink;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Settings of the alert rule stage, validated once. Every key is listed in {@link #KEYS} and documented in
 * flink-jobs/README.md (a test checks both). Durations in {@link #fromMap} use Prometheus syntax
 * ({@code 30s}, {@code 5m}, {@code 1h30m}).
 *
 * @param parallelism operator parallelism and task slots of the local MiniCluster
 * @param checkpointInterval how often Flink checkpoints (and so commits source offsets)
 * @param maxOutOfOrderness how far behind the newest sample timestamp the watermark trails
 * @param idleTimeout after this long without input a source split stops holding the watermark back
 * @param lookbackDelta an alert resolves when its series has had no sample for this long (Prometheus's
 *     {@code --query.lookback-delta})
 * @param externalUrl base of alert generator URLs ("" for none), like Prometheus's {@code --web.external-url}
 * @param consumerGroup Kafka consumer group of the source (offsets are committed on checkpoints)
 * @param startFrom where to start reading when neither a checkpoint nor committed offsets exist
 * @param networkMemoryMb network buffer memory of the local task manager
 * @param managedMemoryMb managed memory of the local task manager (unused by the heap state backend)
 * @param restoreFromCheckpoint whether {@code start()} resumes from the newest retained checkpoint
 */
public record AlertRuleSettings(
    int parallelism,
    Duration checkpointInterval,
    Duration maxOutOfOrderness,
    Duration idleTimeout,
    Duration lookbackDelta,
    String externalUrl,
    String consumerGroup,
    StartFrom startFrom,
    int networkMemoryMb,
    int managedMemoryMb,
    boolean restoreFromCheckpoint) {

  /** Where the source starts when it has no checkpoint and its group has no committed offsets. */
  public enum StartFrom {
    /** Only samples written after the job starts (Prometheus evaluates rules from now on, too). */
    LATEST,
    /** Everything still retained on the samples topic. */
    EARLIEST
  }

  public static final String PARALLELISM = "flink.parallelism";
  public static final String CHECKPOINT_INTERVAL = "flink.checkpoint.interval";
  public static final String MAX_OUT_OF_ORDERNESS = "flink.watermark.max-out-of-orderness";
  public static final String IDLE_TIMEOUT = "flink.watermark.idle-timeout";
  public static final String LOOKBACK_DELTA = "flink.rules.lookback-delta";
  public static final String EXTERNAL_URL = "flink.rules.external-url";
  public static final String CONSUMER_GROUP = "flink.consumer.group-id";
  public static final String START_FROM = "flink.consumer.start-from";
  public static final String NETWORK_MEMORY_MB = "flink.memory.network-mb";
  public static final String MANAGED_MEMORY_MB = "flink.memory.managed-mb";
  public static final String RESTORE_FROM_CHECKPOINT = "flink.checkpoint.restore";

  /** Every key, in documentation order. */
  public static final List<String> KEYS = List.of(PARALLELISM, CHECKPOINT_INTERVAL, MAX_OUT_OF_ORDERNESS, IDLE_TIMEOUT,
      LOOKBACK_DELTA, EXTERNAL_URL, CONSUMER_GROUP, START_FROM, NETWORK_MEMORY_MB, MANAGED_MEMORY_MB,
      RESTORE_FROM_CHECKPOINT);

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
    requirePositive(IDLE_TIMEOUT, idleTimeout);
    requirePositive(LOOKBACK_DELTA, lookbackDelta);
    if (externalUrl == null) {
      throw new IllegalArgumentException(EXTERNAL_URL + " must not be null (use \"\" for none)");
    }
    if (!externalUrl.isEmpty() && !externalUrl.startsWith("http://") && !externalUrl.startsWith("https://")) {
      throw new IllegalArgumentException(EXTERNAL_URL + " must start with http:// or https://, got " + externalUrl);
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
  }

  private static void requirePositive(String key, Duration d) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(key + " must be > 0, got " + d);
    }
  }

  /**
   * Defaults sized for a 2-core machine that also runs a broker, Streams and Connect: parallelism 1,
   * 32 MB network memory (1024 buffers, far more than one pipeline of 4 operators needs) and 16 MB
   * managed memory (the heap state backend does not use it; Flink requires some).
   */
  public static AlertRuleSettings defaults() {
    return new AlertRuleSettings(1, Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1),
        Duration.ofMinutes(5), "http://localhost:9090", "strata-flink-rules", StartFrom.LATEST, 32, 16, true);
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
        durationOf(m, IDLE_TIMEOUT, d.idleTimeout),
        durationOf(m, LOOKBACK_DELTA, d.lookbackDelta),
        m.getOrDefault(EXTERNAL_URL, d.externalUrl),
        m.getOrDefault(CONSUMER_GROUP, d.consumerGroup),
        startFromOf(m, d.startFrom),
        intOf(m, NETWORK_MEMORY_MB, d.networkMemoryMb),
        intOf(m, MANAGED_MEMORY_MB, d.managedMemoryMb),
        boolOf(m, RESTORE_FROM_CHECKPOINT, d.restoreFromCheckpoint));
  }

  /** The settings as string keys, the inverse of {@link #fromMap}. */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(PARALLELISM, Integer.toString(parallelism));
    m.put(CHECKPOINT_INTERVAL, io.strata.schemas.prom.PromDuration.format(checkpointInterval.toMillis()));
    m.put(MAX_OUT_OF_ORDERNESS, io.strata.schemas.prom.PromDuration.format(maxOutOfOrderness.toMillis()));
    m.put(IDLE_TIMEOUT, io.strata.schemas.prom.PromDuration.format(idleTimeout.toMillis()));
    m.put(LOOKBACK_DELTA, io.strata.schemas.prom.PromDuration.format(lookbackDelta.toMillis()));
    m.put(EXTERNAL_URL, externalUrl);
    m.put(CONSUMER_GROUP, consumerGroup);
    m.put(START_FROM, startFrom.name().toLowerCase(Locale.ROOT));
    m.put(NETWORK_MEMORY_MB, Integer.toString(networkMemoryMb));
    m.put(MANAGED_MEMORY_MB, Integer.toString(managedMemoryMb));
    m.put(RESTORE_FROM_CHECKPOINT, Boolean.toString(restoreFromCheckpoint));
    return m;
  }

  public AlertRuleSettings withParallelism(int p) {
    return new AlertRuleSettings(p, checkpointInterval, maxOutOfOrderness, idleTimeout, lookbackDelta, externalUrl,
        consumerGroup, startFrom, networkMemoryMb, managedMemoryMb, restoreFromCheckpoint);
  }

  public AlertRuleSettings withCheckpointInterval(Duration d) {
    return new AlertRuleSettings(parallelism, d, maxOutOfOrderness, idleTimeout, lookbackDelta, externalUrl,
        consumerGroup, startFrom, networkMemoryMb, managedMemoryMb, restoreFromCheckpoint);
  }

  public AlertRuleSettings withMaxOutOfOrderness(Duration d) {
    return new AlertRuleSettings(parallelism, checkpointInterval, d, idleTimeout, lookbackDelta, externalUrl,
        consumerGroup, startFrom, networkMemoryMb, managedMemoryMb, restoreFromCheckpoint);
  }

  public AlertRuleSettings withIdleTimeout(Duration d) {
    return new AlertRuleSettings(parallelism, checkpointInterval, maxOutOfOrderness, d, lookbackDelta, externalUrl,
        consumerGroup, startFrom, networkMemoryMb, managedMemoryMb, restoreFromCheckpoint);
  }

  public AlertRuleSettings withLookbackDelta(Duration d) {
    return new AlertRuleSettings(parallelism, checkpointInterval, maxOutOfOrderness, idleTimeout, d, externalUrl,
        consumerGroup, startFrom, networkMemoryMb, managedMemoryMb, restoreFromCheckpoint);
  }

  public AlertRuleSettings withExternalUrl(String url) {
    return new AlertRuleSettings(parallelism, checkpointInterval, maxOutOfOrderness, idleTimeout, lookbackDelta, url,
        consumerGroup, startFrom, networkMemoryMb, managedMemoryMb, restoreFromCheckpoint);
  }

  public AlertRuleSettings withConsumerGroup(String group) {
    return new AlertRuleSettings(parallelism, checkpointInterval, maxOutOfOrderness, idleTimeout, lookbackDelta,
        externalUrl, group, startFrom, networkMemoryMb, managedMemoryMb, restoreFromCheckpoint);
  }

  public AlertRuleSettings withStartFrom(StartFrom s) {
    return new AlertRuleSettings(parallelism, checkpointInterval, maxOutOfOrderness, idleTimeout, lookbackDelta,
        externalUrl, consumerGroup, s, networkMemoryMb, managedMemoryMb, restoreFromCheckpoint);
  }

  public AlertRuleSettings withRestoreFromCheckpoint(boolean r) {
    return new AlertRuleSettings(parallelism, checkpointInterval, maxOutOfOrderness, idleTimeout, lookbackDelta,
        externalUrl, consumerGroup, startFrom, networkMemoryMb, managedMemoryMb, r);
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
      return io.strata.schemas.prom.PromDuration.parse(v.trim());
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
