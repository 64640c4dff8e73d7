package io.strata.app.up.supervise;

import io.strata.streams.RollupService;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The Kafka Streams rollups. Stream threads that died (ERROR, NOT_RUNNING) are replaced by a new instance
 * of the same application id, which resumes from its committed offsets and changelogs; start-up states are
 * reported and left alone.
 */
public final class RollupStage implements SupervisedStage {
  private static final Set<String> DEAD = Set.of("ERROR", "PENDING_ERROR", "NOT_RUNNING");
  private final Supplier<RollupService> starter;
  private final String applicationId;
  private volatile RollupService current;

  /** @param starter builds and starts a rollup service (the first one included) */
  public RollupStage(Supplier<RollupService> starter, String applicationId) {
    this.starter = starter;
    this.applicationId = applicationId;
    this.current = starter.get();
  }

  @Override
  public String name() {
    return "rollups";
  }

  @Override
  public Check check() {
    String state = current.state().name();
    if ("RUNNING".equals(state) || "REBALANCING".equals(state)) {
      return Check.OK; // a rebalance is part of normal work (a thread joining or leaving), and short
    }
    if (DEAD.contains(state)) {
      return Check.repair("the Streams rollups are " + state, "starting the rollups again", () -> {
        current.close();
        current = starter.get();
      });
    }
    return Check.problem("the Streams rollups are " + state);
  }

  @Override
  public String consumerGroup() {
    return applicationId;
  }

  @Override
  public String deadLetterCounter() {
    return "strata_streams_deadletter_total";
  }

  @Override
  public void close() {
    current.close();
  }
}
