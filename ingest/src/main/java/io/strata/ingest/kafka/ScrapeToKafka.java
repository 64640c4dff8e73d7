package io.strata.ingest.kafka;

import io.strata.ingest.exposition.FamilyMetadata;
import io.strata.ingest.scrape.ScrapeBatch;
import io.strata.ingest.scrape.ScrapeSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers each scrape to {@code metrics.samples} through the batching producer; a scrape counts as done
 * only when Kafka acknowledged it (the engine treats a failure as an undelivered scrape). The families'
 * TYPE/HELP/UNIT go to {@code metrics.metadata} when they changed; a metadata failure is logged and does
 * not fail the scrape (it is sent again with the next scrape, since only acknowledged metadata is cached).
 */
public final class ScrapeToKafka implements ScrapeSink {
  private static final Logger log = LoggerFactory.getLogger(ScrapeToKafka.class);
  private final SampleBatchProducer producer;
  private final Duration ackTimeout;
  /** After a metadata failure (e.g. no metadata topic), scrapes skip metadata this long instead of blocking on it. */
  private static final long METADATA_BACKOFF_MS = 60_000;
  private volatile long metadataPausedUntil;

  public ScrapeToKafka(SampleBatchProducer producer, Duration ackTimeout) {
    this.producer = producer;
    this.ackTimeout = ackTimeout;
  }

  @Override
  public void accept(String tenant, ScrapeBatch batch) throws Exception {
    // one sample per series per scrape: the batch's columns become single-sample series
    List<SeriesSamples> series = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      series.add(SeriesSamples.of(batch.labels(i), batch.timestampMs(i), batch.value(i)));
    }
    List<FamilyMetadata> families = List.copyOf(batch.metadata()); // the batch is reused after accept returns
    producer.send(tenant, "scrape", series).get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!families.isEmpty() && System.currentTimeMillis() >= metadataPausedUntil) {
      String job = batch.job();
      producer.metadata().publish(tenant, families).whenComplete((ok, err) -> {
        if (err != null) {
          metadataPausedUntil = System.currentTimeMillis() + METADATA_BACKOFF_MS;
          log.warn("metadata of job {} not written (retried in {} s): {}", job, METADATA_BACKOFF_MS / 1000, err.getMessage());
        }
      });
    }
  }
}
