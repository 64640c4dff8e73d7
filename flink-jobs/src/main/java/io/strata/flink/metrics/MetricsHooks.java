package io.strata.flink.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The static bridge between operators (deserialized inside Flink tasks, so they cannot hold a registry)
 * and the {@link StageMetrics} of the service that started the job in the same JVM. The service registers
 * its metrics under a unique id and passes only the id into the job graph; an operator looks the id up in
 * {@code open()} and gets {@link StageMetrics#NOOP} when nothing is registered (remote cluster, tests).
 */
public final class MetricsHooks {
  private MetricsHooks() {}

  private static final Map<String, StageMetrics> HOOKS = new ConcurrentHashMap<>();

  public static void register(String id, StageMetrics metrics) {
    if (HOOKS.putIfAbsent(id, metrics) != null) {
      throw new IllegalStateException("BUG: metrics hook id " + id + " registered twice");
    }
  }

  public static void unregister(String id) {
    HOOKS.remove(id);
  }

  public static StageMetrics lookup(String id) {
    if (id == null) {
      return StageMetrics.NOOP;
    }
    return HOOKS.getOrDefault(id, StageMetrics.NOOP);
  }
}
