package io.strata.promql.template;

import java.util.Map;

/** What an alert template sees: the alert's labels and value, external labels and URL, the evaluation time. */
public record TemplateContext(Map<String, String> labels, double value, Map<String, String> externalLabels,
    String externalURL, long evalTimeMs, QueryRunner query) {}
