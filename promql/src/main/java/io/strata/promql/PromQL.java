package io.strata.promql;

import io.strata.promql.ast.Expr;
import io.strata.promql.parser.Parser;
import io.strata.promql.parser.PromQLParseException;

/** Entry point of the PromQL library. */
public final class PromQL {
  private PromQL() {}

  /**
   * Parses and type-checks a PromQL expression as Prometheus 2.x does.
   *
   * @throws PromQLParseException with Prometheus's message ({@code 1:5: parse error: ...}) and position
   */
  public static Expr parse(String query) {
    return Parser.parse(query);
  }
}
