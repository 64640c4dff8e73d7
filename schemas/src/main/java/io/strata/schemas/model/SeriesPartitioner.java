package io.strata.schemas.model;

import org.apache.kafka.common.utils.Utils;

/**
 * The partition of a series: Kafka's default partitioner applied to the series key (murmur2, made
 * positive, modulo the partition count), so a producer in any language that keys a single-series record
 * by the series key lands on the same partition as our batches.
 */
public final class SeriesPartitioner {
  private SeriesPartitioner() {}

  public static int partition(byte[] seriesKey, int numPartitions) {
    if (numPartitions <= 0) {
      throw new IllegalArgumentException("numPartitions must be > 0, got " + numPartitions);
    }
    return Utils.toPositive(Utils.murmur2(seriesKey)) % numPartitions;
  }

  public static int partition(String tenant, Labels labels, int numPartitions) {
    return partition(SeriesKey.encode(tenant, labels), numPartitions);
  }
}
