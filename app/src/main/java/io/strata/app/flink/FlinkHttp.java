package io.strata.app.flink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.app.StageMetrics;
import io.strata.schemas.http.StageHttpServer;
import io.strata.schemas.http.StageHttpServer.Reply;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The own HTTP port of the JobManager and TaskManager processes: {@code /metrics} (process and JVM metrics plus the
 * role's gauges, read from the JobManager's REST API at scrape time), {@code /-/healthy} (200 while the process serves)
 * and {@code /-/ready} (503 with the reason while the role is not usable). A gauge whose REST answer is missing (the
 * JobManager away) has no sample in that scrape.
 */
final class FlinkHttp {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FlinkHttp() {}

  /** The port's paths; {@code notReady} is null when ready, else why not. */
  static Map<String, StageHttpServer.Route> routes(PrometheusRegistry metrics, Supplier<String> notReady) {
    Map<String, StageHttpServer.Route> routes = new LinkedHashMap<>();
    routes.put("/metrics", StageMetrics.route(metrics));
    routes.put("/-/healthy", method -> Reply.text(200, "Healthy.\n"));
    routes.put("/-/ready", method -> {
      String why = notReady.get();
      return Reply.text(why == null ? 200 : 503, why == null ? "Ready.\n" : why + "\n");
    });
    return routes;
  }

  /**
   * The JobManager's gauges, from its {@code /overview}: {@code strata_flink_jobs_running},
   * {@code strata_flink_taskmanagers_registered}, {@code strata_flink_task_slots} and {@code strata_flink_task_slots_available}
   * (the cluster's).
   */
  static void jobManagerMetrics(PrometheusRegistry registry, String rest) {
    Supplier<JsonNode> overview = cached(rest, "/overview");
    gauge(registry, "strata_flink_jobs_running", "Jobs of the session cluster that are RUNNING.", overview, o -> o.get("jobs-running"));
    gauge(registry, "strata_flink_taskmanagers_registered", "TaskManagers registered at this JobManager.", overview, o -> o.get("taskmanagers"));
    gauge(registry, "strata_flink_task_slots", "Task slots of the registered TaskManagers.", overview, o -> o.get("slots-total"));
    gauge(registry, "strata_flink_task_slots_available", "Task slots no job uses.", overview, o -> o.get("slots-available"));
  }

  /**
   * The TaskManager's gauges: {@code strata_flink_task_slots} (its own, configured), and from the JobManager's
   * {@code /taskmanagers}: {@code strata_flink_taskmanager_registered} (1 when listed there, 0 when not or unreachable)
   * and {@code strata_flink_task_slots_available} (its free slots, no sample while unregistered).
   */
  static void taskManagerMetrics(PrometheusRegistry registry, String jobManagerRest, String resourceId, int slots) {
    Supplier<JsonNode> list = cached(jobManagerRest, "/taskmanagers");
    Supplier<JsonNode> self = () -> self(list.get(), resourceId);
    GaugeWithCallback.builder().name("strata_flink_task_slots").help("Task slots of this TaskManager.").callback(cb -> cb.call(slots))
        .register(registry);
    GaugeWithCallback.builder().name("strata_flink_taskmanager_registered").help("1 while the JobManager lists this TaskManager.")
        .callback(cb -> cb.call(self.get() != null ? 1 : 0)).register(registry);
    gauge(registry, "strata_flink_task_slots_available", "Task slots of this TaskManager no job uses.", self, tm -> tm.get("freeSlots"));
  }

  /** This TaskManager's entry of the JobManager's {@code /taskmanagers}, or null. */
  static JsonNode self(JsonNode taskManagers, String resourceId) {
    if (taskManagers != null) {
      for (JsonNode tm : taskManagers.path("taskmanagers")) {
        if (resourceId.equals(tm.path("id").asText())) {
          return tm;
        }
      }
    }
    return null;
  }

  private static void gauge(PrometheusRegistry registry, String name, String help, Supplier<JsonNode> source, Function<JsonNode, JsonNode> field) {
    GaugeWithCallback.builder().name(name).help(help).callback(cb -> {
      JsonNode node = source.get();
      JsonNode value = node == null ? null : field.apply(node);
      if (value != null && value.isNumber()) {
        cb.call(value.asDouble());
      }
    }).register(registry);
  }

  /** A REST resource as JSON, fetched at most once a second (one scrape asks it for several gauges); null when it does not answer. */
  static Supplier<JsonNode> cached(String rest, String path) {
    return new Supplier<>() {
      private long at = Long.MIN_VALUE;
      private JsonNode last;

      @Override
      public synchronized JsonNode get() {
        long now = System.nanoTime();
        if (at == Long.MIN_VALUE || now - at > 1_000_000_000L) {
          String body = FlinkCommand.get(rest, path);
          try {
            last = body == null ? null : JSON.readTree(body);
          } catch (java.io.IOException e) {
            last = null;
          }
          at = now;
        }
        return last;
      }
    };
  }
}
