package io.strata.ingest.remotewrite;

/**
 * Input the sender must fix: answered with 400 (413 when a size limit is the reason) and the message;
 * nothing of the request is written. Shared by every push path (remote_write, OTLP, Pushgateway).
 */
public class BadRequestException extends RuntimeException {
  /** The reason of every size-limit rejection; answered 413 Payload Too Large. */
  public static final String TOO_LARGE = "too_large";

  private final String reason;

  public BadRequestException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** A short, bounded reason for the rejection counter label (e.g. {@code snappy}, {@code protobuf}, {@code label_name}). */
  public String reason() {
    return reason;
  }

  /** The HTTP status to answer: 413 for size limits, 400 otherwise. */
  public int status() {
    return TOO_LARGE.equals(reason) ? 413 : 400;
  }
}
