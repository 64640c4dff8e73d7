package io.strata.flink.model;

/**
 * A record that could not be decoded or was refused, with the reason that goes on its dead-letter headers
 * ({@link io.strata.schemas.deadletter.DeadLetters}).
 */
public class DeadLetter {
  public byte[] key;
  public byte[] value;
  /**
   * A reason code: {@code BAD_MAGIC_BYTE} ({@link io.strata.schemas.serde.WireFormatException.Reason}) or
   * {@code INVALID_LABEL_NAME} ({@link io.strata.schemas.model.SampleBatchCheck.Reason}), ...
   */
  public String reason;
  public String message;
  public String sourceTopic;
  public int sourcePartition;
  public long sourceOffset;
  public long sourceTimestamp;
  /** The original record's headers, kept on the dead letter. */
  public String[] headerKeys;
  public byte[][] headerValues;

  public DeadLetter() {}

  public DeadLetter(RawRecord r, String reason, String message) {
    this.key = r.key;
    this.value = r.value;
    this.reason = reason;
    this.message = message;
    this.sourceTopic = r.topic;
    this.sourcePartition = r.partition;
    this.sourceOffset = r.offset;
    this.sourceTimestamp = r.timestamp;
    this.headerKeys = r.headerKeys;
    this.headerValues = r.headerValues;
  }
}
