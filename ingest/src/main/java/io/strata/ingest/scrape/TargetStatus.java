package io.strata.ingest.scrape;

import io.strata.schemas.model.Labels;

/** What {@code /api/v1/targets} shows about one active target. */
public record TargetStatus(
    String job,
    String scrapeUrl,
    Labels labels,
    Labels discoveredLabels,
    Health health,
    String lastError,
    long lastScrapeMs,
    double lastScrapeDurationSeconds,
    long scrapeIntervalMs,
    long scrapeTimeoutMs) {

  /** As Prometheus: unknown before the first scrape. */
  public enum Health { UNKNOWN, UP, DOWN }
}
