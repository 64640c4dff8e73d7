package io.strata.ingest.scrape;

/**
 * Receives the result of every scrape: one call per scrape, with the scraped samples (after relabeling),
 * stale markers for vanished series and the synthetic {@code up}/{@code scrape_*} series. A scrape is
 * done when this returns; the engine reuses {@code batch} afterwards, so copy what you keep. Calls for one
 * target never overlap; calls for different targets run concurrently.
 */
@FunctionalInterface
public interface ScrapeSink {
  /**
   * @throws Exception when the batch could not be stored; the engine counts the failure and treats the
   *     scrape's series as not delivered (they are not used for staleness of the next scrape).
   */
  void accept(String tenant, ScrapeBatch batch) throws Exception;
}
