package io.strata.promql.engine;

/** An error while evaluating (bad matching, duplicate label sets, too many samples): HTTP 422 "execution". */
public final class QueryExecutionException extends QueryException {
  public QueryExecutionException(String message) {
    super(message);
  }

  @Override
  public String errorType() {
    return "execution";
  }

  @Override
  public int httpStatus() {
    return 422;
  }
}
