package io.strata.query.rules;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.avro.RuleGroupStatus;
import io.strata.query.topics.QueryTopicReader;

/**
 * Reads the compacted {@code metrics.rules.status} topic (the rule job's {@link RuleGroupStatus} per
 * {@code tenant/namespace/group}) into a {@link RuleGroupCatalog}, then follows it; failure semantics in
 * {@link QueryTopicReader}. Metrics: {@code strata_query_rules_status_records_total},
 * {@code strata_query_rules_status_records_skipped_total{reason}}, {@code strata_query_rule_groups}.
 */
public final class RuleStatusTopicReader extends QueryTopicReader<RuleGroupStatus> {
  private final RuleGroupCatalog groups;

  /** @param topic the full topic name ({@code <prefix>metrics.rules.status}) */
  public RuleStatusTopicReader(String bootstrapServers, java.util.Map<String, String> kafkaClient,
      String registryUrl, String topic, RuleGroupCatalog groups,
      PrometheusRegistry metrics) {
    super("rules_status", RuleGroupStatus.class, bootstrapServers, kafkaClient, registryUrl, topic, metrics,
        new Held("rule_groups", "rule groups read from the rule status topic, all tenants", groups::size));
    this.groups = groups;
  }

  @Override
  protected void apply(String key, RuleGroupStatus status) {
    groups.put(key, status);
  }
}
