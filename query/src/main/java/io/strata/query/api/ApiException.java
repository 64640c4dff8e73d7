package io.strata.query.api;

/** An error in Prometheus's envelope: errorType and the HTTP status Prometheus uses for it. */
public final class ApiException extends RuntimeException {
  public enum Type {
    BAD_DATA("bad_data", 400), EXECUTION("execution", 422), TIMEOUT("timeout", 503), CANCELED("canceled", 503),
    INTERNAL("internal", 500), NOT_FOUND("not_found", 404), UNAVAILABLE("unavailable", 503),
    /** A body over the server's limits: Prometheus's error type, HTTP's status. */
    TOO_LARGE("bad_data", 413);

    final String wire;
    final int status;

    Type(String wire, int status) {
      this.wire = wire;
      this.status = status;
    }
  }

  private final Type type;

  public ApiException(Type type, String message) {
    super(message);
    this.type = type;
  }

  public Type type() {
    return type;
  }

  public static ApiException badData(String message) {
    return new ApiException(Type.BAD_DATA, message);
  }
}
