package io.strata.sinks.alertmanager;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One target (an Alertmanager replica or a webhook) with its own bounded queue and sender thread, so a slow
 * or unreachable target never delays or drops what the others get. The queue keeps the newest alerts: when
 * full, the oldest are dropped and counted (Prometheus's notification queue does the same). The sender
 * takes up to 64 alerts per request (Prometheus's {@code maxBatchSize}).
 *
 * <p>A request fails on a connection error, a timeout or a non-2xx answer. 5xx, 429 and connection errors
 * are retried after the backoff (doubling, capped); other answers (e.g. 400 for an invalid alert) are not.
 * A batch that still fails once retrying would pass {@code backoff.giveUpAfter} since its first try is
 * dropped and counted; by then its firing alerts are due for their resend anyway. Prometheus 2.42 does not
 * retry: it drops a batch that no Alertmanager took and relies on the next resend.
 */
final class Endpoint implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Endpoint.class);

  /** Waits between retries; a field so unit tests can advance a fake clock instead. */
  interface Sleeper {
    void sleep(Duration d) throws InterruptedException;

    Sleeper REAL = d -> Thread.sleep(d.toMillis());
  }

  private final DeliveryConfig.Target target;
  private final String name;
  private final int capacity;
  private final DeliveryConfig.Backoff backoff;
  private final Transport transport;
  private final Clock clock;
  private final Sleeper sleeper;
  private final NotifierMetrics metrics;
  private final ArrayDeque<PostableAlert> queue = new ArrayDeque<>();
  private volatile boolean running = true;
  private Thread thread;

  Endpoint(DeliveryConfig.Target target, int capacity, DeliveryConfig.Backoff backoff, Transport transport, Clock clock, Sleeper sleeper,
      NotifierMetrics metrics) {
    this.target = target;
    this.name = target.url().toString();
    this.capacity = capacity;
    this.backoff = backoff;
    this.transport = transport;
    this.clock = clock;
    this.sleeper = sleeper;
    this.metrics = metrics;
    metrics.init(name);
  }

  /** The metrics label value: the URL alerts are POSTed to. */
  String name() {
    return name;
  }

  DeliveryConfig.Target.Kind kind() {
    return target.kind();
  }

  synchronized int queueLength() {
    return queue.size();
  }

  /** Queues alerts; when the queue would overflow, the oldest are dropped and counted. */
  synchronized void offer(List<PostableAlert> alerts) {
    int skip = Math.max(0, alerts.size() - capacity);
    int overflow = queue.size() + alerts.size() - skip - capacity;
    for (int i = 0; i < overflow; i++) {
      queue.pollFirst();
    }
    int dropped = skip + Math.max(0, overflow);
    if (dropped > 0) {
      metrics.dropped.labelValues(name).inc(dropped);
      log.warn("alert notification queue of {} full, dropped the {} oldest alerts", name, dropped);
    }
    queue.addAll(alerts.subList(skip, alerts.size()));
    notifyAll();
  }

  /** Takes up to 64 alerts from the head of the queue (empty when the queue is). */
  synchronized List<PostableAlert> nextBatch() {
    int n = Math.min(queue.size(), DeliveryConfig.MAX_BATCH_SIZE);
    List<PostableAlert> batch = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      batch.add(queue.pollFirst());
    }
    return batch;
  }

  private synchronized List<PostableAlert> awaitBatch() throws InterruptedException {
    while (running && queue.isEmpty()) {
      wait();
    }
    return nextBatch();
  }

  /** Sends one batch, retrying as the class comment says. True when the target took it. */
  boolean send(List<PostableAlert> batch) throws InterruptedException {
    byte[] body = PostableAlert.toJson(batch);
    Instant first = clock.instant();
    Duration wait = backoff.initial();
    for (int attempt = 1; ; attempt++) {
      long t0 = System.nanoTime();
      String failure;
      boolean retryable;
      try {
        int status = transport.post(target.url(), body, target.http().timeout());
        if (status / 100 == 2) {
          metrics.sent.labelValues(name).inc(batch.size());
          metrics.latency.labelValues(name).observe((System.nanoTime() - t0) / 1e9);
          return true;
        }
        failure = "bad response status " + status;
        retryable = status >= 500 || status == 429;
      } catch (IOException e) {
        failure = e.toString();
        retryable = true;
      }
      metrics.sent.labelValues(name).inc(batch.size());
      metrics.latency.labelValues(name).observe((System.nanoTime() - t0) / 1e9);
      metrics.errors.labelValues(name).inc();
      Duration tried = Duration.between(first, clock.instant());
      if (!retryable || !running || tried.plus(wait).compareTo(backoff.giveUpAfter()) > 0) {
        metrics.dropped.labelValues(name).inc(batch.size());
        log.warn("error sending {} alerts to {} ({}), {} after {} attempt(s)", batch.size(), name, failure,
            retryable ? "giving up" : "not retried", attempt);
        return false;
      }
      if (attempt == 1) {
        log.warn("error sending {} alerts to {} ({}), retrying", batch.size(), name, failure);
      } else {
        log.debug("error sending {} alerts to {} ({}), attempt {}", batch.size(), name, failure, attempt);
      }
      sleeper.sleep(wait);
      wait = wait.multipliedBy(2).compareTo(backoff.max()) > 0 ? backoff.max() : wait.multipliedBy(2);
    }
  }

  Endpoint start() {
    thread = new Thread(this::run, "delivery-" + target.url().getHost() + ":" + target.url().getPort());
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  private void run() {
    try {
      while (running) {
        List<PostableAlert> batch = awaitBatch();
        if (batch.isEmpty()) {
          continue;
        }
        try {
          send(batch);
        } catch (RuntimeException e) {
          metrics.dropped.labelValues(name).inc(batch.size());
          log.error("BUG: sending {} alerts to {} failed unexpectedly; dropped them", batch.size(), name, e);
        }
      }
    } catch (InterruptedException e) {
      // closing
    }
  }

  @Override
  public void close() {
    running = false;
    synchronized (this) {
      notifyAll();
    }
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
