package io.strata.promql.template;

import java.util.Map;

/** One sample of a template query's result. */
public record QueryResult(Map<String, String> labels, double value, long timestampMs) {}
