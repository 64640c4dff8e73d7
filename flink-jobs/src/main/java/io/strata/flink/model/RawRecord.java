package io.strata.flink.model;

/**
 * One Kafka record as read from {@code metrics.samples}, undecoded: decoding happens in an operator so a
 * record that fails to decode can be dead-lettered with its original key and bytes. A Flink POJO (public
 * fields, no-arg constructor) so it needs no Kryo.
 */
public class RawRecord {
  public byte[] key;
  public byte[] value;
  public String topic;
  public int partition;
  public long offset;

  public RawRecord() {}

  public RawRecord(byte[] key, byte[] value, String topic, int partition, long offset) {
    this.key = key;
    this.value = value;
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
  }
}
