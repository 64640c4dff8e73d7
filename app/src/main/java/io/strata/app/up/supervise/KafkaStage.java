package io.strata.app.up.supervise;

/** The in-process broker: reachable or not. It runs in this JVM, so nothing here can restart it. */
public final class KafkaStage implements SupervisedStage {
  private final ConsumerLag admin;

  public KafkaStage(ConsumerLag admin) {
    this.admin = admin;
  }

  @Override
  public String name() {
    return "kafka";
  }

  @Override
  public Check check() {
    String problem = admin.brokerProblem();
    return problem == null ? Check.OK : Check.problem(problem);
  }

  @Override
  public void close() {
    // the admin client is closed by its owner
  }
}
