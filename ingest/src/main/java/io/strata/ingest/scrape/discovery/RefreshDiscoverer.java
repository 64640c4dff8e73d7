package io.strata.ingest.scrape.discovery;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Discovery by polling, as Prometheus's {@code refresh.Discovery}: a refresh right away, then one every
 * interval. A refresh that throws keeps the previous groups and reports the error; an update is sent only
 * when the groups changed. Refreshes are timed by the scheduler and run (blocking) on the executor, never
 * two at once.
 */
public abstract class RefreshDiscoverer implements Discoverer {
  private final String mechanism;
  private final Duration interval;
  private final ScheduledExecutorService scheduler;
  private final Executor executor;
  private final DiscoveryErrors onError;
  private ScheduledFuture<?> task;
  private List<TargetGroup> lastSent;
  private volatile boolean closed;
  private boolean partiallyFailed;

  protected RefreshDiscoverer(String mechanism, Duration interval, ScheduledExecutorService scheduler, Executor executor,
      DiscoveryErrors onError) {
    this.mechanism = mechanism;
    this.interval = interval;
    this.scheduler = scheduler;
    this.executor = executor;
    this.onError = onError;
  }

  /** The complete current groups of this discoverer; throws to keep the previous ones. */
  protected abstract List<TargetGroup> refresh() throws Exception;

  /** Reports a failure that does not fail the whole refresh (e.g. one of several names). */
  protected final void partialFailure(String message) {
    partiallyFailed = true;
    onError.failed(mechanism, message);
  }

  @Override
  public void start(Consumer<List<TargetGroup>> onUpdate) {
    task = scheduler.scheduleWithFixedDelay(() -> {
      try {
        executor.execute(() -> run(onUpdate));
      } catch (RejectedExecutionException e) {
        // engine shutting down
      }
    }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  synchronized void run(Consumer<List<TargetGroup>> onUpdate) {
    if (closed) {
      return;
    }
    List<TargetGroup> groups;
    partiallyFailed = false;
    try {
      groups = List.copyOf(refresh());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (Exception e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      onError.failed(mechanism, mechanism + "_sd: unable to refresh target groups: " + why);
      return;
    }
    if (!partiallyFailed) {
      onError.succeeded(mechanism);
    }
    if (!closed && !groups.equals(lastSent)) {
      lastSent = groups;
      onUpdate.accept(groups);
    }
  }

  protected final boolean closed() {
    return closed;
  }

  @Override
  public void close() {
    closed = true;
    if (task != null) {
      task.cancel(false);
    }
  }
}
