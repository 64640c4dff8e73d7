package io.strata.promql.template;

import java.util.Map;

/** One sample of a {@link QueryRunner} answer: a template sees {@code .Labels} and {@code .Value}. */
public record QueryResult(Map<String, String> labels, double value, long timestampMs) {}
