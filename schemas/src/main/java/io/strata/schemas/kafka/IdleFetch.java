package io.strata.schemas.kafka;

/**
 * {@code fetch.max.wait.ms} of every Strata consumer (the sink's, the rollups', the rule job's sources, the topic
 * readers'): how long the broker holds a fetch that finds no new record before answering empty. Records arriving
 * meanwhile end the wait at once ({@code fetch.min.bytes} stays 1), so this sets only how often an idle consumer
 * asks again: every 2 s instead of Kafka's 0.5 s (bench/results/FreshnessHarness.md, idle cost).
 */
public final class IdleFetch {
  public static final int FETCH_MAX_WAIT_MS = 2_000;

  private IdleFetch() {}
}
