package io.strata.promql.storage;

/** A store could not answer a select; the query fails (Prometheus maps this to HTTP 500 "internal"). */
public class StorageException extends RuntimeException {
  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }

  public StorageException(String message) {
    super(message);
  }
}
