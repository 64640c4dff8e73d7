package io.strata.streams.rollup;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * The record's own timestamp (CreateTime or LogAppendTime: when the batch arrived), or the wall clock when
 * the record has none. The rollup's event time comes from the samples inside the batch, not from here;
 * this timestamp only stamps the rollup records the batch closes. Kafka's
 * default extractor would fail the task on a record without a timestamp; a bad record must not stop the
 * stage.
 */
public final class ArrivalTimestampExtractor implements TimestampExtractor {
  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    long ts = record.timestamp();
    return ts >= 0 ? ts : System.currentTimeMillis();
  }
}
