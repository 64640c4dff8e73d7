package io.strata.app;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.schemas.http.StageHttpServer;
import io.strata.schemas.http.StageHttpServer.Reply;
import java.io.ByteArrayOutputStream;

/**
 * The {@code /metrics} of a stage's own HTTP port ({@link StageRun}): its registry in the Prometheus text format, with
 * the process and JVM metrics client_java's instrumentation gives ({@code process_cpu_seconds_total},
 * {@code process_resident_memory_bytes}, {@code jvm_memory_used_bytes}, {@code jvm_threads_current}, GC, ...).
 */
public final class StageMetrics {
  private StageMetrics() {}

  /** A new registry holding the process and JVM metrics; the stage registers its own on it. */
  public static PrometheusRegistry registry() {
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    return registry;
  }

  /** The {@code /metrics} route: a scrape of {@code registry}. */
  public static StageHttpServer.Route route(PrometheusRegistry registry) {
    return method -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
      return new Reply(200, PrometheusTextFormatWriter.CONTENT_TYPE, out.toByteArray());
    };
  }
}
