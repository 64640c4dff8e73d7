package io.strata.ingest.kafka;

import io.strata.ingest.scrape.ScrapeBatch;
import io.strata.ingest.scrape.ScrapeSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Delivers each scrape to {@code metrics.samples} through the batching producer; a scrape counts as done
 * only when Kafka acknowledged it (the engine treats a failure as an undelivered scrape).
 */
public final class ScrapeToKafka implements ScrapeSink {
  private final SampleBatchProducer producer;
  private final Duration ackTimeout;

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
    producer.send(tenant, "scrape", series).get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
