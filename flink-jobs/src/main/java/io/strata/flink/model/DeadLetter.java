package io.strata.flink.model;

/** A record that could not be decoded, with the reason that goes on its dead-letter headers. */
public class DeadLetter {
  public byte[] key;
  public byte[] value;
  /** A reason code, e.g. {@code BAD_MAGIC_BYTE} (io.strata.schemas.serde.WireFormatException.Reason). */
  public String reason;
  public String message;
  public String sourceTopic;
  public int sourcePartition;
  public long sourceOffset;

  public DeadLetter() {}

  public DeadLetter(RawRecord r, String reason, String message) {
    this.key = r.key;
    this.value = r.value;
    this.reason = reason;
    this.message = message;
    this.sourceTopic = r.topic;
    this.sourcePartition = r.partition;
    this.sourceOffset = r.offset;
  }
}
