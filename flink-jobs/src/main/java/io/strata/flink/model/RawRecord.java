package io.strata.flink.model;

/**
 * One Kafka record as read from {@code metrics.samples}, undecoded: decoding happens in an operator so a
 * record that fails to decode can be dead-lettered with its original key, bytes and headers. A Flink POJO
 * (public fields, no-arg constructor) so it needs no Kryo.
 */
public class RawRecord {
  public byte[] key;
  public byte[] value;
  public String topic;
  public int partition;
  public long offset;
  /** The record's timestamp (ms). */
  public long timestamp;
  /** The record's headers, in order: names and values side by side. */
  public String[] headerKeys;
  public byte[][] headerValues;

  public RawRecord() {}

  /** A record without timestamp (-1) or headers. */
  public RawRecord(byte[] key, byte[] value, String topic, int partition, long offset) {
    this(key, value, topic, partition, offset, -1, new String[0], new byte[0][]);
  }

  public RawRecord(byte[] key, byte[] value, String topic, int partition, long offset, long timestamp, String[] headerKeys,
      byte[][] headerValues) {
    this.key = key;
    this.value = value;
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.timestamp = timestamp;
    this.headerKeys = headerKeys;
    this.headerValues = headerValues;
  }
}
