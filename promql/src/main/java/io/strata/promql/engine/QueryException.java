package io.strata.promql.engine;

/**
 * A query failed after parsing. {@link #errorType()} is the Prometheus API's {@code errorType} and
 * {@link #httpStatus()} its status code.
 */
public abstract sealed class QueryException extends RuntimeException
    permits QueryExecutionException, QueryTimeoutException, BadQueryException {
  QueryException(String message) {
    super(message);
  }

  public abstract String errorType();

  public abstract int httpStatus();
}
