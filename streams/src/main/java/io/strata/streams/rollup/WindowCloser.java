package io.strata.streams.rollup;

import io.strata.avro.Label;
import io.strata.avro.RollupBatch;
import io.strata.avro.RollupSeries;
import io.strata.avro.RollupWindow;
import io.strata.schemas.serde.AvroWireSerde;
import io.strata.streams.config.Resolution;
import io.strata.streams.metrics.RollupMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Closes windows once stream time has passed their end plus grace, finest resolution first: each closed
 * window is emitted once, folded into the enclosing window of the next resolution (the cascade), and
 * deleted. Because every coarser window ends at or after the finer windows inside it, by the time a 5m
 * window closes its last 1m window has closed and been folded in, in the same pass.
 */
final class WindowCloser {
  private final List<Resolution> resolutions;
  private final List<KeyValueStore<Bytes, byte[]>> stores;
  private final List<String> sinks;
  private final String topicPrefix;
  private final long graceMs;
  private final int maxSeriesPerBatch;
  private final AvroWireSerde<RollupBatch> serde;
  private final RollupMetrics metrics;
  private final WindowAggregate closed = new WindowAggregate();
  private final WindowAggregate coarser = new WindowAggregate();

  WindowCloser(List<Resolution> resolutions, List<KeyValueStore<Bytes, byte[]>> stores, List<String> sinks,
      String topicPrefix, long graceMs, int maxSeriesPerBatch, AvroWireSerde<RollupBatch> serde, RollupMetrics metrics) {
    this.resolutions = resolutions;
    this.stores = stores;
    this.sinks = sinks;
    this.topicPrefix = topicPrefix;
    this.graceMs = graceMs;
    this.maxSeriesPerBatch = maxSeriesPerBatch;
    this.serde = serde;
    this.metrics = metrics;
  }

  /**
   * Closes every window with {@code start + resolution + grace <= streamTime}.
   *
   * @param outputTimestamp Kafka timestamp of the emitted records (that of the input record that moved
   *     stream time, so the output topic's retention counts from when data arrived, as the input's does)
   */
  void closeUpTo(long streamTime, long outputTimestamp, ProcessorContext<Void, RollupOutput> context) {
    for (int i = 0; i < resolutions.size(); i++) {
      Resolution res = resolutions.get(i);
      long maxStart = streamTime - graceMs - res.millis();
      KeyValueStore<Bytes, byte[]> store = stores.get(i);
      List<KeyValue<Bytes, byte[]>> due = new ArrayList<>();
      try (KeyValueIterator<Bytes, byte[]> it = store.range(Bytes.wrap(WindowKey.lowest()), Bytes.wrap(WindowKey.upperBound(maxStart)))) {
        while (it.hasNext()) {
          due.add(it.next());
        }
      }
      if (due.isEmpty()) {
        continue;
      }
      KeyValueStore<Bytes, byte[]> next = i + 1 < resolutions.size() ? stores.get(i + 1) : null;
      Resolution nextRes = next == null ? null : resolutions.get(i + 1);
      Map<String, Map<Bytes, RollupSeries>> byTenant = new LinkedHashMap<>();
      for (KeyValue<Bytes, byte[]> kv : due) {
        byte[] key = kv.key.get();
        long start = WindowKey.start(key);
        byte[] seriesKey = WindowKey.seriesKey(key);
        closed.decode(kv.value);
        if (next != null) {
          foldInto(next, nextRes.windowStart(start), seriesKey);
        }
        Map<Bytes, RollupSeries> tenantSeries = byTenant.computeIfAbsent(SeriesKeys.tenant(seriesKey), t -> new LinkedHashMap<>());
        RollupSeries series = tenantSeries.get(Bytes.wrap(seriesKey));
        if (series == null) {
          List<Label> labels = SeriesKeys.labels(seriesKey).toAvro();
          series = new RollupSeries(labels, new ArrayList<>(1));
          tenantSeries.put(Bytes.wrap(seriesKey), series);
        }
        series.getWindows().add(RollupWindow.newBuilder().setWindowStartMs(start).setCount(closed.count())
            .setSum(closed.sum()).setMin(closed.min()).setMax(closed.max()).setLast(closed.last())
            .setCounter(closed.counter()).build());
        store.delete(kv.key);
      }
      long batches = emit(res, i, byTenant, outputTimestamp, context);
      metrics.emitted(res.name(), due.size(), batches);
    }
  }

  private void foldInto(KeyValueStore<Bytes, byte[]> next, long nextStart, byte[] seriesKey) {
    Bytes key = Bytes.wrap(WindowKey.encode(nextStart, seriesKey));
    byte[] existing = next.get(key);
    if (existing == null) {
      next.put(key, closed.encode());
    } else {
      coarser.decode(existing).merge(closed);
      next.put(key, coarser.encode());
    }
  }

  /** One RollupBatch per tenant, split every {@code maxSeriesPerBatch} series; returns how many. */
  private long emit(Resolution res, int index, Map<String, Map<Bytes, RollupSeries>> byTenant, long outputTimestamp,
      ProcessorContext<Void, RollupOutput> context) {
    String topic = res.topic(topicPrefix);
    long batches = 0;
    for (Map.Entry<String, Map<Bytes, RollupSeries>> tenant : byTenant.entrySet()) {
      List<Map.Entry<Bytes, RollupSeries>> all = new ArrayList<>(tenant.getValue().entrySet());
      for (int from = 0; from < all.size(); from += maxSeriesPerBatch) {
        int to = Math.min(all.size(), from + maxSeriesPerBatch);
        List<RollupSeries> chunk = new ArrayList<>(to - from);
        for (int j = from; j < to; j++) {
          chunk.add(all.get(j).getValue());
        }
        RollupBatch batch = new RollupBatch(tenant.getKey(), res.name(), res.millis(), chunk);
        byte[] value = serde.serialize(topic, batch);
        context.forward(new Record<Void, RollupOutput>(null, new RollupOutput(all.get(from).getKey().get(), value), outputTimestamp),
            sinks.get(index));
        batches++;
      }
    }
    return batches;
  }
}
