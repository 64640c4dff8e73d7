package io.strata.ingest.scrape;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.function.Supplier;

/** The engine's own metrics (job is the only label; never a target or URL). */
final class ScrapeMetrics {
  final Counter scrapes;
  final Counter samples;
  final Counter rejected;
  final Counter sinkFailures;
  final Counter reloads;
  final Counter sdFailures;
  final Counter targetErrors;

  ScrapeMetrics(PrometheusRegistry registry, Supplier<Map<String, Integer>> targetsPerJob,
      Supplier<Map<String, Integer>> discoveredPerJob) {
    scrapes = Counter.builder().name("strata_scrapes_total")
        .help("Scrapes by job and result (success, failure).").labelNames("job", "result").register(registry);
    samples = Counter.builder().name("strata_scrape_samples_total")
        .help("Samples handed to the sink after metric relabeling, stale markers and scrape_* series excluded.")
        .labelNames("job").register(registry);
    rejected = Counter.builder().name("strata_scrape_samples_rejected_total")
        .help("Samples dropped from an otherwise successful scrape, by reason (duplicate).")
        .labelNames("job", "reason").register(registry);
    sinkFailures = Counter.builder().name("strata_scrape_sink_failures_total")
        .help("Scrapes whose batch the sink did not accept.").labelNames("job").register(registry);
    reloads = Counter.builder().name("strata_scrape_config_reloads_total")
        .help("Configuration reloads by result (success, failure).").labelNames("result").register(registry);
    sdFailures = Counter.builder().name("strata_scrape_discovery_failures_total")
        .help("Failed service discovery refreshes by mechanism (file, http, dns, consul, kubernetes).").labelNames("mechanism").register(registry);
    targetErrors = Counter.builder().name("strata_scrape_target_errors_total")
        .help("Discovered targets that could not be built (no address, bad interval...).").labelNames("job").register(registry);
    GaugeWithCallback.builder().name("strata_scrape_discovered_targets")
        .help("Targets service discovery currently gives by job, before relabeling (as prometheus_sd_discovered_targets).")
        .labelNames("job")
        .callback(cb -> {
          for (var e : discoveredPerJob.get().entrySet()) {
            cb.call(e.getValue(), e.getKey());
          }
        }).register(registry);
    GaugeWithCallback.builder().name("strata_scrape_targets")
        .help("Active scrape targets by job (on this shard).").labelNames("job")
        .callback(cb -> {
          for (var e : targetsPerJob.get().entrySet()) {
            cb.call(e.getValue(), e.getKey());
          }
        }).register(registry);
  }
}
