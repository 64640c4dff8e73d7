package io.strata.streams.rollup;

import io.strata.schemas.model.SeriesPartitioner;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * One encoded RollupBatch on its way to a sink, with the series key of its first series so the sink can
 * pick the partition without decoding the batch.
 *
 * @param firstSeriesKey series key of the batch's first series
 * @param value the batch in Confluent wire format
 */
public record RollupOutput(byte[] firstSeriesKey, byte[] value) {

  /** Writes {@link #value()} as the record value. */
  public static final class ValueSerializer implements Serializer<RollupOutput> {
    @Override
    public byte[] serialize(String topic, RollupOutput data) {
      return data == null ? null : data.value();
    }
  }

  /**
   * The partition of a batch = {@link SeriesPartitioner#partition} of its first series, with the output
   * topic's partition count. Assumption: the rollup topics have as many partitions as the samples topic.
   * Then every series of a batch (all read from one input partition) hashes to that same partition, the
   * one its raw samples are on, and downstream stages keep per-series state partition-local. With
   * different partition counts the batch still lands whole on one partition, chosen by its first series.
   */
  public static final class FirstSeriesPartitioner implements StreamPartitioner<Void, RollupOutput> {
    @Override
    public Optional<Set<Integer>> partitions(String topic, Void key, RollupOutput value, int numPartitions) {
      return Optional.of(Set.of(SeriesPartitioner.partition(value.firstSeriesKey(), numPartitions)));
    }
  }
}
