package io.strata.ingest.remotewrite;

/** Input the sender must fix: answered with 400 and the message; nothing of the request is written. */
public class BadRequestException extends RuntimeException {
  private final String reason;

  public BadRequestException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** A short, bounded reason for the rejection counter label (e.g. {@code snappy}, {@code protobuf}, {@code label_name}). */
  public String reason() {
    return reason;
  }
}
