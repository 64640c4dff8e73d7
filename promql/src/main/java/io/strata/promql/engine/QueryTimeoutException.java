package io.strata.promql.engine;

/** The query ran past its timeout: HTTP 503 "timeout". */
public final class QueryTimeoutException extends QueryException {
  public QueryTimeoutException(String message) {
    super(message);
  }

  @Override
  public String errorType() {
    return "timeout";
  }

  @Override
  public int httpStatus() {
    return 503;
  }
}
