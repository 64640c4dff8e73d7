package io.strata.schemas.registry;

/** The registry refused a call or could not be reached; carries the HTTP status when there was one. */
public class SchemaRegistryException extends RuntimeException {
  private final int status;

  public SchemaRegistryException(String message, int status, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** HTTP status, or 0 when the registry was not reached. */
  public int status() {
    return status;
  }
}
