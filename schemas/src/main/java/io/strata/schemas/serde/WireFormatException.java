package io.strata.schemas.serde;

/** A record that is not a valid Confluent wire-format Avro value; the reason goes on the dead-letter header. */
public class WireFormatException extends RuntimeException {
  public enum Reason { EMPTY, BAD_MAGIC_BYTE, TOO_SHORT, UNKNOWN_SCHEMA_ID, INCOMPATIBLE_SCHEMA, BAD_AVRO }

  private final Reason reason;

  public WireFormatException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
