package io.strata.app.up.supervise;

/**
 * One stage the {@link Supervisor} watches: a check that says whether the stage can do its work, and what
 * would repair it. Checks run on the stage's own supervising thread, so a slow remedy (a registry restart)
 * never delays another stage's check.
 */
interface SupervisedStage extends AutoCloseable {
  /** The stage's name in {@code /-/ready}, {@code /api/v1/status/pipeline} and {@code strata_stage_restarts_total}. */
  String name();

  /** Whether the stage can work now and, when not, what would repair it. May block a few seconds. */
  Check check();

  /** The consumer group whose lag on its input topics is the stage's lag, or null (no input topics). */
  default String consumerGroup() {
    return null;
  }

  /** The counter (by name, summed over its labels) of the records the stage sent to the dead-letter topic, or null. */
  default String deadLetterCounter() {
    return null;
  }

  /** Stops what the stage currently runs (the instance a remedy may have replaced); the runtime calls it in its stop order. */
  @Override
  void close();

  /**
   * The outcome of a check: healthy, or a problem with the remedy that repairs it (null when nothing here
   * can repair it, or the stage repairs itself, as Flink's restart strategy does).
   */
  record Check(String problem, String remedyName, Remedy remedy) {
    static final Check OK = new Check(null, null, null);

    static Check problem(String problem) {
      return new Check(problem, null, null);
    }

    static Check repair(String problem, String remedyName, Remedy remedy) {
      return new Check(problem, remedyName, remedy);
    }

    boolean ok() {
      return problem == null;
    }
  }

  @FunctionalInterface
  interface Remedy {
    void run() throws Exception;
  }
}
