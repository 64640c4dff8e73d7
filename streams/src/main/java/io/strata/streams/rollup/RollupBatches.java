package io.strata.streams.rollup;

import io.strata.avro.RollupBatch;
import io.strata.avro.RollupSeries;
import io.strata.schemas.model.Labels;
import io.strata.schemas.serde.AvroWireSerde;
import io.strata.streams.config.Resolution;
import io.strata.streams.metrics.RollupMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Collects the windows closed while one input batch is processed and writes them as {@code RollupBatch}
 * records: per resolution one batch for the input batch's tenant, split every {@code maxSeriesPerBatch}
 * series; within a batch each series lists its windows in start order.
 */
final class RollupBatches implements WindowCloser.Emitter {
  private final List<Resolution> resolutions;
  private final List<String> sinks;
  private final String topicPrefix;
  private final int maxSeriesPerBatch;
  private final AvroWireSerde<RollupBatch> serde;
  private final RollupMetrics metrics;
  /** Per resolution: series key to its closed windows, in the order series first closed one. */
  private final List<Map<Bytes, RollupSeries>> closed = new ArrayList<>();
  private String tenant;
  private Bytes seriesKey;
  private Labels labels;

  RollupBatches(List<Resolution> resolutions, List<String> sinks, String topicPrefix, int maxSeriesPerBatch,
      AvroWireSerde<RollupBatch> serde, RollupMetrics metrics) {
    this.resolutions = resolutions;
    this.sinks = sinks;
    this.topicPrefix = topicPrefix;
    this.maxSeriesPerBatch = maxSeriesPerBatch;
    this.serde = serde;
    this.metrics = metrics;
    for (int i = 0; i < resolutions.size(); i++) {
      closed.add(new LinkedHashMap<>());
    }
  }

  void begin(String batchTenant) {
    tenant = batchTenant;
    for (Map<Bytes, RollupSeries> m : closed) {
      m.clear();
    }
  }

  /** The series whose windows the next {@link #window} calls belong to. */
  void series(byte[] key, Labels seriesLabels) {
    seriesKey = Bytes.wrap(key);
    labels = seriesLabels;
  }

  @Override
  public void window(int level, long windowStart, WindowAggregate aggregate) {
    closed.get(level).computeIfAbsent(seriesKey, k -> new RollupSeries(labels.toAvro(), new ArrayList<>(1)))
        .getWindows().add(aggregate.toAvro(windowStart));
  }

  /** Writes what was collected since {@link #begin}, stamped with {@code timestamp}. */
  void emit(ProcessorContext<Void, RollupOutput> context, long timestamp) {
    for (int level = 0; level < resolutions.size(); level++) {
      Map<Bytes, RollupSeries> bySeries = closed.get(level);
      if (bySeries.isEmpty()) {
        continue;
      }
      Resolution res = resolutions.get(level);
      String topic = res.topic(topicPrefix);
      List<Map.Entry<Bytes, RollupSeries>> all = new ArrayList<>(bySeries.entrySet());
      long windows = 0;
      long batches = 0;
      for (int from = 0; from < all.size(); from += maxSeriesPerBatch) {
        int to = Math.min(all.size(), from + maxSeriesPerBatch);
        List<RollupSeries> chunk = new ArrayList<>(to - from);
        for (int j = from; j < to; j++) {
          RollupSeries s = all.get(j).getValue();
          chunk.add(s);
          windows += s.getWindows().size();
        }
        byte[] value = serde.serialize(topic, new RollupBatch(tenant, res.name(), res.millis(), chunk));
        context.forward(new Record<Void, RollupOutput>(null, new RollupOutput(all.get(from).getKey().get(), value), timestamp),
            sinks.get(level));
        batches++;
      }
      metrics.emitted(res.name(), windows, batches);
      bySeries.clear();
    }
  }
}
