package io.strata.promql.template;

import java.util.List;

/** Runs the {@code query} template function: an instant query at {@code timeMs}. */
@FunctionalInterface
public interface QueryRunner {
  List<QueryResult> query(String expr, long timeMs) throws Exception;
}
