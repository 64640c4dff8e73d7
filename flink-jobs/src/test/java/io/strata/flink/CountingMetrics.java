package io.strata.flink;

import io.strata.flink.metrics.StageMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Records what operators count, for assertions. */
public final class CountingMetrics implements StageMetrics {
  public final AtomicLong records = new AtomicLong();
  public final AtomicLong samples = new AtomicLong();
  public final AtomicLong late = new AtomicLong();
  public final AtomicLong routed = new AtomicLong();
  public final AtomicLong missed = new AtomicLong();
  public final AtomicLong evaluations = new AtomicLong();
  public final AtomicLong written = new AtomicLong();
  public final AtomicLong badRules = new AtomicLong();
  public final Map<String, AtomicLong> dropped = new ConcurrentHashMap<>();
  public final Map<String, AtomicLong> deadLetters = new ConcurrentHashMap<>();
  public final Map<String, AtomicLong> alerts = new ConcurrentHashMap<>();

  @Override
  public void recordsRead(long n) {
    records.addAndGet(n);
  }

  @Override
  public void samplesDecoded(long n) {
    samples.addAndGet(n);
  }

  @Override
  public void deadLettered(String reason) {
    deadLetters.computeIfAbsent(reason, k -> new AtomicLong()).incrementAndGet();
  }

  @Override
  public void lateSamples(long n) {
    late.addAndGet(n);
  }

  @Override
  public void samplesRouted(long n) {
    routed.addAndGet(n);
  }

  @Override
  public void samplesDropped(String reason, long n) {
    dropped.computeIfAbsent(reason, k -> new AtomicLong()).addAndGet(n);
  }

  @Override
  public void groupEvaluated(long nanos, int failedRules) {
    evaluations.incrementAndGet();
  }

  @Override
  public void iterationsMissed(long n) {
    missed.addAndGet(n);
  }

  @Override
  public void ruleSamplesWritten(long n) {
    written.addAndGet(n);
  }

  @Override
  public void badRuleUpdate() {
    badRules.incrementAndGet();
  }

  @Override
  public void alertEmitted(String state) {
    alerts.computeIfAbsent(state, k -> new AtomicLong()).incrementAndGet();
  }
}
