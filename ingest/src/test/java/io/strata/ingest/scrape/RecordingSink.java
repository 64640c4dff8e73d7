package io.strata.ingest.scrape;

import io.strata.schemas.model.Labels;
import io.strata.schemas.model.StaleMarker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Copies every batch the engine delivers; tests wait for batches with bounded timeouts. */
final class RecordingSink implements ScrapeSink {
  record Sample(Labels labels, long ts, double value) {
    boolean stale() {
      return StaleMarker.isStale(value);
    }
  }

  /** One delivered batch. */
  record Scrape(String tenant, String job, Labels target, List<Sample> samples, List<io.strata.ingest.exposition.FamilyMetadata> metadata) {
    Double value(String metric) {
      for (Sample s : samples) {
        if (metric.equals(s.labels.metricName()) && !s.stale()) {
          return s.value;
        }
      }
      return null;
    }

    Sample find(Labels labels) {
      for (Sample s : samples) {
        if (s.labels.equals(labels)) {
          return s;
        }
      }
      return null;
    }

    List<Labels> staleSeries() {
      List<Labels> out = new ArrayList<>();
      for (Sample s : samples) {
        if (s.stale()) {
          out.add(s.labels);
        }
      }
      return out;
    }

    boolean up() {
      Double v = value("up");
      return v != null && v == 1.0;
    }
  }

  final LinkedBlockingQueue<Scrape> scrapes = new LinkedBlockingQueue<>();
  volatile boolean fail;

  @Override
  public void accept(String tenant, ScrapeBatch batch) throws Exception {
    if (fail) {
      throw new Exception("sink down");
    }
    List<Sample> samples = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      samples.add(new Sample(batch.labels(i), batch.timestampMs(i), batch.value(i)));
    }
    scrapes.add(new Scrape(tenant, batch.job(), batch.targetLabels(), samples, List.copyOf(batch.metadata())));
  }

  /** Next scrape matching the predicate within the timeout (others are discarded), or fails. */
  Scrape next(Predicate<Scrape> p, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (true) {
      long left = deadline - System.nanoTime();
      Scrape s = scrapes.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
      if (s == null) {
        throw new AssertionError("no matching scrape within " + timeoutMs + " ms");
      }
      if (p.test(s)) {
        return s;
      }
    }
  }

  Scrape next() throws InterruptedException {
    return next(s -> true, 3000);
  }
}
