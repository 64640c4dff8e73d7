package io.strata.promql.engine;

/** Bad query parameters (step, range, result type, too many points): HTTP 400 "bad_data". */
public final class BadQueryException extends QueryException {
  public BadQueryException(String message) {
    super(message);
  }

  @Override
  public String errorType() {
    return "bad_data";
  }

  @Override
  public int httpStatus() {
    return 400;
  }
}
