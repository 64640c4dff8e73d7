package io.strata.app.up.supervise;

import io.strata.sinks.alertmanager.AlertDelivery;

/**
 * The alert delivery (alerts topic to Alertmanagers and webhooks). A reader of the alerts topic that stopped
 * is replaced by a new one, which reads the topic from its start as a restart of the stage does; the alert
 * state and the targets' queues stay. While it reads what the topic held at its start it is not ready.
 */
public final class DeliveryStage implements SupervisedStage {
  private final AlertDelivery delivery;

  /** @param delivery a started delivery */
  public DeliveryStage(AlertDelivery delivery) {
    this.delivery = delivery;
  }

  @Override
  public String name() {
    return "delivery";
  }

  @Override
  public Check check() {
    String failure = delivery.failure();
    if (failure != null) {
      return Check.repair("reading the alerts topic stopped: " + failure, "reading the alerts topic again", delivery::restartReader);
    }
    if (!delivery.caughtUp()) {
      return Check.problem("reading what the alerts topic held at start");
    }
    return Check.OK;
  }

  /** Stops the delivery (in {@code strata up} its owner stops it in the stop order; a second close does nothing). */
  @Override
  public void close() {
    delivery.close();
  }
}
