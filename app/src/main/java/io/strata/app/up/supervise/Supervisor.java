package io.strata.app.up.supervise;

import com.fasterxml.jackson.core.JsonGenerator;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.strata.query.api.PipelineStatus;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the stages {@code strata up} runs and repairs what it can: each stage is checked every
 * {@code interval} on its own thread; a failed check runs the stage's remedy (restart the registry child,
 * restart failed Connect tasks, recreate the sink connector, resubmit the rule job from its latest
 * checkpoint) with {@link Backoff}, and counts it in {@code strata_stage_restarts_total{stage}}. A stage is
 * ready while its check passes and its consumer group's lag is within {@code maxLag} records; this is what
 * {@code /-/ready} and {@code /api/v1/status/pipeline} report ({@link PipelineStatus}).
 */
public final class Supervisor implements PipelineStatus, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Supervisor.class);
  static final Duration BACKOFF_INITIAL = Duration.ofSeconds(1);
  /** A stage that keeps dying is retried at most this far apart, so it comes back soon after its cause goes. */
  static final Duration BACKOFF_MAX = Duration.ofSeconds(30);
  /** Healthy this long after a restart, a stage's next failure is a new one: the backoff starts over. */
  static final Duration BACKOFF_STABLE = Duration.ofMinutes(1);

  private final List<Entry> entries = new ArrayList<>();
  private final Counter restarts;
  private final PrometheusRegistry readMetrics;
  private final LagSource lag;
  private final long maxLag;
  private final Duration interval;
  private ScheduledExecutorService threads;

  /**
   * @param metrics where {@code strata_stage_restarts_total} is registered
   * @param readMetrics where the stages' dead-letter counters are read
   * @param lag reads consumer-group lag (null: lag is not reported)
   * @param maxLag records behind beyond which a stage is not ready
   * @param interval how often each stage is checked
   */
  public Supervisor(PrometheusRegistry metrics, PrometheusRegistry readMetrics, LagSource lag, long maxLag, Duration interval) {
    this.readMetrics = readMetrics;
    this.lag = lag;
    this.maxLag = maxLag;
    this.interval = interval;
    this.restarts = Counter.builder().name("strata_stage_restarts_total")
        .help("Restarts (or re-creations) of a stage by the supervisor of strata up, by stage").labelNames("stage").register(metrics);
  }

  /** Consumer-group lag in records, by group ({@link ConsumerLag}); groups it knows nothing of are left out. */
  @FunctionalInterface
  public interface LagSource {
    Map<String, Long> lag(List<String> groups);
  }

  /** Adds a stage; before {@link #start()} only. */
  public synchronized Supervisor add(SupervisedStage stage) {
    if (threads != null) {
      throw new IllegalStateException("BUG: stage added after start");
    }
    entries.add(new Entry(stage));
    restarts.labelValues(stage.name()).inc(0);
    return this;
  }

  /** Checks every stage once (so readiness is known when this returns), then keeps checking in the background. */
  public synchronized void start() {
    for (Entry e : entries) {
      e.check();
    }
    if (lag != null) {
      refreshLag();
    }
    AtomicInteger n = new AtomicInteger();
    threads = Executors.newScheduledThreadPool(entries.size() + 1, r -> {
      Thread t = new Thread(r, "strata-supervisor-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    for (Entry e : entries) {
      threads.scheduleWithFixedDelay(e::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }
    if (lag != null) {
      threads.scheduleWithFixedDelay(this::refreshLag, interval.toMillis(), Math.max(interval.toMillis(), 5000), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Checks the stages that are not ready again until all are or {@code timeout} passed (a task still being
   * assigned, a Streams rebalance); returns the names of those still not ready.
   */
  public List<String> awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> down = notReady();
    while (!down.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(200);
      for (Entry e : entries) {
        if (!e.ready()) {
          e.check();
        }
      }
      if (lag != null && entries.stream().anyMatch(e -> e.lag != null && e.lag > maxLag)) {
        refreshLag();
      }
      down = notReady();
    }
    return down;
  }

  /** Checks every stage once now, remedies included (what the background threads do every interval). */
  void checkNow() {
    for (Entry e : entries) {
      e.check();
    }
  }

  private void refreshLag() {
    List<String> groups = entries.stream().map(e -> e.stage.consumerGroup()).filter(g -> g != null).toList();
    Map<String, Long> lags;
    try {
      lags = lag.lag(groups);
    } catch (RuntimeException e) {
      log.warn("cannot read consumer lag: {}", e.toString());
      lags = Map.of();
    }
    for (Entry e : entries) {
      String g = e.stage.consumerGroup();
      e.lag = g == null ? null : lags.get(g);
    }
  }

  @Override
  public List<String> notReady() {
    List<String> down = new ArrayList<>();
    for (Entry e : entries) {
      if (!e.ready()) {
        down.add(e.stage.name());
      }
    }
    return down;
  }

  @Override
  public void write(JsonGenerator g) throws IOException {
    List<String> down = notReady();
    g.writeStartObject();
    g.writeBooleanField("ready", down.isEmpty());
    g.writeNumberField("maxConsumerLag", maxLag);
    g.writeArrayFieldStart("stages");
    for (Entry e : entries) {
      e.write(g);
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /** Stops the checks (a remedy under way is interrupted); the stages are stopped by whoever added them. */
  @Override
  public synchronized void close() {
    if (threads != null) {
      threads.shutdownNow();
      try {
        threads.awaitTermination(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The sum over its labels of a counter given by its exposition name ({@code strata_sink_deadletter_total}). */
  private double deadLetters(String counter) {
    String name = counter.endsWith("_total") ? counter.substring(0, counter.length() - "_total".length()) : counter;
    double sum = 0;
    for (MetricSnapshot m : readMetrics.scrape()) {
      if (m instanceof CounterSnapshot c && c.getMetadata().getName().equals(name)) {
        for (var d : c.getDataPoints()) {
          sum += d.getValue();
        }
      }
    }
    return sum;
  }

  /** A stage and what the supervisor knows of it; written by its own thread, read by HTTP threads. */
  private final class Entry {
    final SupervisedStage stage;
    final Backoff backoff = new Backoff(BACKOFF_INITIAL, BACKOFF_MAX, BACKOFF_STABLE);
    volatile String state = "starting";
    volatile String problem;
    volatile String lastError;
    volatile Instant lastErrorAt;
    volatile Long lag;

    Entry(SupervisedStage stage) {
      this.stage = stage;
    }

    boolean ready() {
      Long l = lag;
      return "running".equals(state) && (l == null || l <= maxLag);
    }

    synchronized void check() {
      SupervisedStage.Check c;
      try {
        c = stage.check();
      } catch (RuntimeException e) {
        c = SupervisedStage.Check.problem("check failed: " + e);
      }
      long now = System.nanoTime();
      if (c.ok()) {
        if (problem != null) {
          log.info("stage {} is running again", stage.name());
        }
        problem = null;
        state = "running";
        backoff.healthy(now);
        return;
      }
      backoff.unhealthy();
      problem = c.problem();
      error(c.problem());
      state = "down";
      if (c.remedy() == null || !backoff.due(now)) {
        return;
      }
      Duration next = backoff.attempted(now);
      log.warn("stage {}: {}; {} (restart {}, next no sooner than {} s)", stage.name(), c.problem(), c.remedyName(),
          backoff.attempts(), next.toSeconds());
      state = "restarting";
      restarts.labelValues(stage.name()).inc();
      try {
        c.remedy().run();
      } catch (Exception e) {
        error(c.remedyName() + " failed: " + e.getMessage());
        log.warn("stage {}: {} failed: {}", stage.name(), c.remedyName(), e.toString());
        state = "down";
        return;
      }
      // the next check says whether the remedy worked
      state = "down";
    }

    private void error(String message) {
      if (!message.equals(lastError)) {
        log.warn("stage {} cannot work: {}", stage.name(), message);
      }
      lastError = message;
      lastErrorAt = Instant.now();
    }

    void write(JsonGenerator g) throws IOException {
      g.writeStartObject();
      g.writeStringField("name", stage.name());
      g.writeStringField("state", ready() || !"running".equals(state) ? state : "lagging");
      g.writeBooleanField("ready", ready());
      if (problem != null) {
        g.writeStringField("problem", problem);
      } else {
        g.writeNullField("problem");
      }
      if (lastError != null) {
        g.writeStringField("lastError", lastError);
        g.writeStringField("lastErrorTime", lastErrorAt.toString());
      } else {
        g.writeNullField("lastError");
        g.writeNullField("lastErrorTime");
      }
      g.writeNumberField("restarts", (long) restarts.labelValues(stage.name()).get());
      Long l = lag;
      if (l != null) {
        g.writeNumberField("consumerLag", l);
      } else {
        g.writeNullField("consumerLag");
      }
      String dl = stage.deadLetterCounter();
      if (dl != null) {
        g.writeNumberField("deadLetters", (long) deadLetters(dl));
      } else {
        g.writeNullField("deadLetters");
      }
      g.writeEndObject();
    }
  }
}
