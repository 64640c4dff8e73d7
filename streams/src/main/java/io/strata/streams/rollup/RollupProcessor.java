package io.strata.streams.rollup;

import io.strata.avro.RollupBatch;
import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.SeriesKey;
import io.strata.schemas.model.StaleMarker;
import io.strata.schemas.serde.AvroWireSerde;
import io.strata.streams.config.RollupConfig;
import io.strata.streams.metrics.RollupMetrics;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The rollup of one task (one input partition). Per series of each decoded batch: gets the series'
 * state from the task's {@link SeriesStateStore} once, applies the TSDB's acceptance rule to each sample in order ({@link SeriesState#offer}),
 * and when the series' maxT moved, closes the windows that became final ({@link WindowCloser}); then
 * marks the state changed (the store writes it at the next commit). The windows closed by one input batch are written as one RollupBatch per
 * resolution (split by size), in the same exactly-once transaction as the state change.
 *
 * <p>Nothing depends on other series, on partition time or on the wall clock: a series' windows close
 * only by that series' own progress.
 */
public final class RollupProcessor implements Processor<byte[], Object, Void, RollupOutput> {
  private final RollupConfig cfg;
  private final String storeName;
  private final List<String> sinks;
  private final AvroWireSerde<RollupBatch> serde;
  private final RollupMetrics metrics;

  private ProcessorContext<Void, RollupOutput> context;
  private SeriesStateStore store;
  private WindowCloser closer;
  private RollupBatches out;
  private long outOfOrderWindowMs;

  public RollupProcessor(RollupConfig cfg, String storeName, List<String> sinks, AvroWireSerde<RollupBatch> serde,
      RollupMetrics metrics) {
    this.cfg = cfg;
    this.storeName = storeName;
    this.sinks = sinks;
    this.serde = serde;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<Void, RollupOutput> context) {
    this.context = context;
    store = context.getStateStore(storeName);
    outOfOrderWindowMs = cfg.outOfOrderWindow().toMillis();
    closer = new WindowCloser(cfg.finest().millis(), outOfOrderWindowMs);
    out = new RollupBatches(cfg.resolutions(), sinks, cfg.topicPrefix(), cfg.maxSeriesPerBatch(), serde, metrics);
  }

  @Override
  public void process(Record<byte[], Object> record) {
    if (!(record.value() instanceof SampleBatch batch)) {
      throw new IllegalStateException("BUG: rollup processor expects decoded SampleBatch values, got "
          + (record.value() == null ? "null" : record.value().getClass().getName()));
    }
    String tenant = batch.getTenant();
    out.begin(tenant);
    long samples = 0;
    long stale = 0;
    long tooOld = 0;
    long duplicate = 0;
    long conflicting = 0;
    List<Series> seriesList = batch.getSeries();
    for (int s = 0; s < seriesList.size(); s++) {
      Series series = seriesList.get(s);
      List<Sample> list = series.getSamples();
      if (list.isEmpty()) {
        continue;
      }
      Labels labels = Labels.fromAvro(series.getLabels());
      byte[] key = SeriesKey.encode(tenant, labels);
      Bytes storeKey = Bytes.wrap(key);
      SeriesState state = store.get(storeKey);
      long maxTBefore = state.maxT();
      boolean appended = false;
      for (int i = 0; i < list.size(); i++) {
        Sample sample = list.get(i);
        long bits = Double.doubleToRawLongBits(sample.getValue());
        switch (state.offer(sample.getTimestampMs(), bits, outOfOrderWindowMs)) {
          case APPENDED -> {
            appended = true;
            if (bits == StaleMarker.BITS) {
              stale++;
            } else {
              samples++;
            }
          }
          case DUPLICATE -> duplicate++;
          case CONFLICTING_VALUE -> conflicting++;
          case TOO_OLD -> tooOld++;
        }
      }
      if (!appended) {
        continue; // nothing stored, maxT unchanged: the state is as it was
      }
      if (state.maxT() > maxTBefore) { // only a newer maxT moves the cutoff and makes windows final
        out.series(key, labels);
        closer.close(state, out);
      }
      store.put(storeKey, state);
    }
    metrics.samples(samples);
    metrics.staleMarkers(stale);
    metrics.dropped(RollupMetrics.DropReason.too_old, tooOld);
    metrics.dropped(RollupMetrics.DropReason.duplicate, duplicate);
    metrics.dropped(RollupMetrics.DropReason.conflicting_value, conflicting);
    out.emit(context, record.timestamp());
  }
}
