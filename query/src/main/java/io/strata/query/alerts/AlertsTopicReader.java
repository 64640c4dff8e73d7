package io.strata.query.alerts;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.avro.AlertEvent;
import io.strata.avro.AlertState;
import io.strata.query.topics.QueryTopicReader;

/**
 * Reads the compacted {@code metrics.alerts} topic (the Flink rule job's {@link AlertEvent}s, key =
 * fingerprint) into {@link ActiveAlerts}, then follows it; failure semantics in {@link QueryTopicReader}.
 * Metrics: {@code strata_query_alerts_records_total}, {@code strata_query_alerts_records_skipped_total{reason}},
 * {@code strata_query_alerts_active}.
 */
public final class AlertsTopicReader extends QueryTopicReader<AlertEvent> {
  private final ActiveAlerts alerts;

  /** @param topic the full topic name ({@code <prefix>metrics.alerts}) */
  public AlertsTopicReader(String bootstrapServers, java.util.Map<String, String> kafkaClient,
      String registryUrl, String topic, ActiveAlerts alerts, PrometheusRegistry metrics) {
    super("alerts", AlertEvent.class, bootstrapServers, kafkaClient, registryUrl, topic, metrics,
        new Held("alerts_active", "pending and firing alerts read from the alerts topic, all tenants", alerts::size));
    this.alerts = alerts;
  }

  @Override
  protected void apply(String fingerprint, AlertEvent e) {
    if (e == null || e.getState() == AlertState.resolved) {
      alerts.put(fingerprint, null);
      return;
    }
    alerts.put(fingerprint, new ActiveAlerts.Alert(e.getTenant(), e.getRuleGroup(), e.getAlertName(), e.getState().name(),
        e.getLabels(), e.getAnnotations(), e.getValue(), e.getActiveAtMs()));
  }

}
