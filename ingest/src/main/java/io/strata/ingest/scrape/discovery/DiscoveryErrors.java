package io.strata.ingest.scrape.discovery;

/**
 * Where a discoverer reports how its refreshes go, by mechanism ({@code file}, {@code http}, {@code dns},
 * {@code consul}, {@code kubernetes}): counted in {@code strata_scrape_discovery_failures_total} and kept as
 * the job's last discovery error until a refresh of that mechanism succeeds.
 */
public interface DiscoveryErrors {
  void failed(String mechanism, String message);

  default void succeeded(String mechanism) {}
}
