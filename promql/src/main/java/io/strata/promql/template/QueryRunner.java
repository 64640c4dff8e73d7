package io.strata.promql.template;

import java.util.List;

/**
 * Runs the PromQL of a template's {@code query} function at the evaluation time, as Prometheus's
 * {@code rules.EngineQueryFunc}: an instant vector as is, a scalar as one sample with no labels, any
 * other result type an error ({@code rule result is not a vector or scalar}). The exception's message
 * is what the template error shows after {@code error calling query: }.
 */
@FunctionalInterface
public interface QueryRunner {
  List<QueryResult> query(String expr, long timeMs) throws Exception;
}
