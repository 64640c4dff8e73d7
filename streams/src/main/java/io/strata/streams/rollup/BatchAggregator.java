package io.strata.streams.rollup;

import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.SeriesKey;
import io.strata.schemas.model.StaleMarker;
import io.strata.streams.config.Resolution;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Folds the samples of one batch into the open windows of the finest resolution. Per series it reads the
 * counter state once, walks the samples on primitives, and reads/writes the window store once per window
 * touched (not per sample).
 *
 * <p>Per sample, in this order: stale markers are skipped; a sample whose window has already closed is
 * late; a sample not after the series' last accepted one is out of order (Prometheus's TSDB rule; it also
 * makes a re-sent batch a no-op instead of counting it twice); a sample more than the future skew after
 * its record's timestamp is dropped. The rest is aggregated.
 */
final class BatchAggregator {
  /** What one batch did; read by the processor after {@link #aggregate}. */
  long accepted;
  long late;
  long stale;
  long outOfOrder;
  long tooFarInFuture;
  /** Largest timestamp in the batch (samples and stale markers, too-far-in-future excluded); MIN_VALUE if none. */
  long maxTimestamp;

  private final Resolution resolution;
  private final long graceMs;
  private final long maxFutureSkewMs;
  private final KeyValueStore<Bytes, byte[]> seriesStore;
  private final KeyValueStore<Bytes, byte[]> windowStore;
  private final CounterState state = new CounterState();
  private final WindowAggregate pending = new WindowAggregate();
  private final WindowAggregate stored = new WindowAggregate();

  BatchAggregator(Resolution resolution, long graceMs, long maxFutureSkewMs,
      KeyValueStore<Bytes, byte[]> seriesStore, KeyValueStore<Bytes, byte[]> windowStore) {
    this.resolution = resolution;
    this.graceMs = graceMs;
    this.maxFutureSkewMs = maxFutureSkewMs;
    this.seriesStore = seriesStore;
    this.windowStore = windowStore;
  }

  /**
   * @param streamTime the task's stream time before this batch (samples are judged late against it, so a
   *     batch never makes its own samples late); {@link RollupProcessor#NO_TIME} before the first sample
   * @param recordTimestamp the Kafka timestamp of the batch's record
   */
  void aggregate(SampleBatch batch, long streamTime, long recordTimestamp) {
    accepted = 0;
    late = 0;
    stale = 0;
    outOfOrder = 0;
    tooFarInFuture = 0;
    maxTimestamp = Long.MIN_VALUE;
    long futureLimit = recordTimestamp > Long.MAX_VALUE - maxFutureSkewMs ? Long.MAX_VALUE : recordTimestamp + maxFutureSkewMs;
    String tenant = batch.getTenant();
    List<Series> seriesList = batch.getSeries();
    for (int s = 0; s < seriesList.size(); s++) {
      aggregateSeries(tenant, seriesList.get(s), streamTime, futureLimit);
    }
  }

  private void aggregateSeries(String tenant, Series series, long streamTime, long futureLimit) {
    List<Sample> samples = series.getSamples();
    if (samples.isEmpty()) {
      return;
    }
    byte[] seriesKey = SeriesKey.encode(tenant, Labels.fromAvro(series.getLabels()));
    Bytes stateKey = Bytes.wrap(seriesKey);
    state.decode(seriesStore.get(stateKey));
    boolean stateChanged = false;
    long res = resolution.millis();
    long pendingStart = 0;
    boolean hasPending = false;
    pending.clear();
    for (int i = 0; i < samples.size(); i++) {
      Sample sample = samples.get(i);
      long ts = sample.getTimestampMs();
      double v = sample.getValue();
      if (ts > futureLimit) {
        tooFarInFuture++;
        continue;
      }
      if (ts > maxTimestamp) {
        maxTimestamp = ts;
      }
      if (StaleMarker.isStale(v)) {
        stale++;
        continue;
      }
      long start = ts - Math.floorMod(ts, res);
      if (streamTime != RollupProcessor.NO_TIME && start + res + graceMs <= streamTime) {
        late++;
        continue;
      }
      if (state.isNotBefore(ts)) {
        outOfOrder++;
        continue;
      }
      double counterValue = state.accept(ts, v);
      stateChanged = true;
      if (hasPending && start != pendingStart) {
        flush(pendingStart, seriesKey);
        pending.clear();
      }
      pendingStart = start;
      hasPending = true;
      pending.add(ts, v, counterValue);
      accepted++;
    }
    if (hasPending) {
      flush(pendingStart, seriesKey);
    }
    if (stateChanged) {
      seriesStore.put(stateKey, state.encode());
    }
  }

  private void flush(long windowStart, byte[] seriesKey) {
    Bytes key = Bytes.wrap(WindowKey.encode(windowStart, seriesKey));
    byte[] existing = windowStore.get(key);
    if (existing == null) {
      windowStore.put(key, pending.encode());
    } else {
      stored.decode(existing).merge(pending);
      windowStore.put(key, stored.encode());
    }
  }
}
