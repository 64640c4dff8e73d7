package io.strata.promql.template;

import java.util.Map;

/**
 * What an alerting rule's templates see (Prometheus's {@code AlertTemplateData} plus the expander's
 * arguments): {@code .Labels}/{@code $labels} (the alert's labels including {@code __name__} when the
 * series has one), {@code .Value}/{@code $value}, {@code .ExternalLabels}, {@code .ExternalURL} and
 * the {@code externalURL}/{@code pathPrefix} functions (null: those functions fail as in promtool,
 * which has no external URL), the evaluation time for {@code query}, and the query runner (null:
 * {@code query} fails).
 */
public record TemplateContext(Map<String, String> labels, double value, Map<String, String> externalLabels,
    String externalURL, long evalTimeMs, QueryRunner query) {}
