package io.strata.ingest.kafka;

/** Kafka could not take the data now (buffer full, broker unavailable): the sender should retry later. */
public class IngestRejectedException extends RuntimeException {
  public IngestRejectedException(String message, Throwable cause) {
    super(message, cause);
  }
}
