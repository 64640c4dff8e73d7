package io.strata.app.up.supervise;

import io.strata.flink.AlertRuleService;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The Flink rule job. A job that failed for good, or was cancelled (through Flink's REST API, say), is
 * submitted again on a new MiniCluster, restored from its latest retained checkpoint (checkpoints are kept
 * on cancellation), so alert state and offsets continue. A job RESTARTING is Flink's own restart strategy
 * at work: reported, left alone.
 */
public final class RuleJobStage implements SupervisedStage {
  private static final Set<String> ENDED = Set.of("FAILED", "CANCELED", "FINISHED", "SUSPENDED");
  private final Supplier<AlertRuleService> starter;
  private final String consumerGroup;
  private volatile AlertRuleService current;

  /** @param starter builds and starts a rule service (the first one included); the stage waits for RUNNING */
  public RuleJobStage(Supplier<AlertRuleService> starter, String consumerGroup) {
    this.starter = starter;
    this.consumerGroup = consumerGroup;
    this.current = startRunning();
  }

  private AlertRuleService startRunning() {
    AlertRuleService flink = starter.get();
    try {
      if (!flink.awaitRunning(Duration.ofSeconds(60))) {
        String status = flink.status();
        flink.close();
        throw new IllegalStateException("the Flink rule job did not reach RUNNING within 60 s (status " + status + ")");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      flink.close();
      throw new IllegalStateException("interrupted waiting for the Flink rule job", e);
    }
    return flink;
  }

  @Override
  public String name() {
    return "rules";
  }

  @Override
  public Check check() {
    String status = current.status();
    if ("RUNNING".equals(status)) {
      return Check.OK;
    }
    if (ENDED.contains(status)) {
      return Check.repair("the rule job is " + status, "submitting the rule job again from its latest checkpoint", () -> {
        current.close();
        current = startRunning();
      });
    }
    return Check.problem("the rule job is " + status);
  }

  @Override
  public String consumerGroup() {
    return consumerGroup;
  }

  @Override
  public String deadLetterCounter() {
    return "strata_flink_deadletter_total";
  }

  @Override
  public void close() {
    current.close();
  }
}
