package io.strata.streams.rollup;

import io.strata.avro.RollupBatch;
import io.strata.avro.SampleBatch;
import io.strata.schemas.serde.AvroWireSerde;
import io.strata.streams.config.Resolution;
import io.strata.streams.config.RollupConfig;
import io.strata.streams.metrics.RollupMetrics;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The rollup of one task (one input partition): folds each decoded batch into the finest windows,
 * advances the task's stream time (the largest sample timestamp seen, kept in a store so it survives
 * restarts and rebalances), closes and emits the windows stream time has passed, and forgets the counter
 * state of series idle for longer than the idle timeout.
 */
public final class RollupProcessor implements Processor<byte[], Object, Void, RollupOutput> {
  /** Stream time before the task has seen any sample. */
  public static final long NO_TIME = Long.MIN_VALUE;
  private static final Bytes STREAM_TIME_KEY = Bytes.wrap(new byte[] {'t'});

  private final RollupConfig cfg;
  private final String seriesStoreName;
  private final String streamTimeStoreName;
  private final List<String> sinks;
  private final AvroWireSerde<RollupBatch> serde;
  private final RollupMetrics metrics;

  private ProcessorContext<Void, RollupOutput> context;
  private KeyValueStore<Bytes, byte[]> seriesStore;
  private KeyValueStore<Bytes, byte[]> streamTimeStore;
  private BatchAggregator aggregator;
  private WindowCloser closer;
  private long streamTime;
  /** floor((streamTime - grace) / finest resolution) at the last close pass; windows close only when it moves. */
  private long closedBucket = Long.MIN_VALUE;
  /** floor(streamTime / idle timeout) at the last idle sweep. */
  private long sweptBucket = Long.MIN_VALUE;

  public RollupProcessor(RollupConfig cfg, String seriesStoreName, String streamTimeStoreName, List<String> sinks,
      AvroWireSerde<RollupBatch> serde, RollupMetrics metrics) {
    this.cfg = cfg;
    this.seriesStoreName = seriesStoreName;
    this.streamTimeStoreName = streamTimeStoreName;
    this.sinks = sinks;
    this.serde = serde;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<Void, RollupOutput> context) {
    this.context = context;
    seriesStore = context.getStateStore(seriesStoreName);
    streamTimeStore = context.getStateStore(streamTimeStoreName);
    List<KeyValueStore<Bytes, byte[]>> windowStores = new ArrayList<>();
    for (Resolution r : cfg.resolutions()) {
      windowStores.add(context.getStateStore(r.storeName()));
    }
    aggregator = new BatchAggregator(cfg.finest(), cfg.grace().toMillis(), cfg.maxFutureSkew().toMillis(), seriesStore,
        windowStores.get(0));
    closer = new WindowCloser(cfg.resolutions(), windowStores, sinks, cfg.topicPrefix(), cfg.grace().toMillis(),
        cfg.maxSeriesPerBatch(), serde, metrics);
    byte[] t = streamTimeStore.get(STREAM_TIME_KEY);
    streamTime = t == null ? NO_TIME : ByteBuffer.wrap(t).getLong();
    closedBucket = Long.MIN_VALUE;
    sweptBucket = Long.MIN_VALUE;
  }

  @Override
  public void process(Record<byte[], Object> record) {
    if (!(record.value() instanceof SampleBatch batch)) {
      throw new IllegalStateException("BUG: rollup processor expects decoded SampleBatch values, got "
          + (record.value() == null ? "null" : record.value().getClass().getName()));
    }
    aggregator.aggregate(batch, streamTime, record.timestamp());
    metrics.samples(aggregator.accepted);
    metrics.lateSamples(aggregator.late);
    metrics.staleMarkers(aggregator.stale);
    metrics.dropped(RollupMetrics.DropReason.out_of_order, aggregator.outOfOrder);
    metrics.dropped(RollupMetrics.DropReason.too_far_in_future, aggregator.tooFarInFuture);
    if (aggregator.maxTimestamp > streamTime) {
      streamTime = aggregator.maxTimestamp;
      streamTimeStore.put(STREAM_TIME_KEY, ByteBuffer.allocate(8).putLong(streamTime).array());
    }
    if (streamTime == NO_TIME) {
      return;
    }
    long bucket = Math.floorDiv(streamTime - cfg.grace().toMillis(), cfg.finest().millis());
    if (bucket != closedBucket) {
      closer.closeUpTo(streamTime, record.timestamp(), context);
      closedBucket = bucket;
    }
    long idleBucket = Math.floorDiv(streamTime, cfg.seriesIdleTimeout().toMillis());
    if (idleBucket != sweptBucket) {
      forgetIdleSeries();
      sweptBucket = idleBucket;
    }
  }

  /** Deletes the counter state of series whose last accepted sample is an idle timeout or more before stream time. */
  private void forgetIdleSeries() {
    long cutoff = streamTime - cfg.seriesIdleTimeout().toMillis();
    List<Bytes> idle = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it = seriesStore.all()) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> kv = it.next();
        if (CounterState.lastTimestampOf(kv.value) <= cutoff) {
          idle.add(kv.key);
        }
      }
    }
    for (Bytes k : idle) {
      seriesStore.delete(k);
    }
  }
}
