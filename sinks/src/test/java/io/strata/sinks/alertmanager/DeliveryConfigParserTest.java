package io.strata.sinks.alertmanager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** prometheus.yml's alerting section, as Prometheus 2.42 reads it. */
class DeliveryConfigParserTest {
  private static final Path DIR = Path.of("/etc/prometheus");

  @SuppressWarnings("unchecked")
  static DeliveryConfig parse(String yaml) {
    try {
      return DeliveryConfigParser.parse(new ObjectMapper(new YAMLFactory()).readValue(yaml, Map.class), DIR);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private static String error(String yaml) {
    return assertThrows(IllegalArgumentException.class, () -> parse(yaml)).getMessage();
  }

  @Test
  void wholePrometheusYmlWithEveryAlertmanagerReplica() {
    DeliveryConfig c = parse("""
        global:
          scrape_interval: 15s
          evaluation_interval: 30s
          external_labels: {cluster: eu1, replica: a}
        rule_files: [rules/*.yml]
        scrape_configs:
          - job_name: node
            static_configs: [{targets: ['localhost:9100']}]
        alerting:
          alertmanagers:
            - static_configs:
                - targets: ['am-1:9093', 'am-2:9093']
            - scheme: https
              path_prefix: /alertmanager/
              timeout: 3s
              basic_auth: {username: prom, password_file: secrets/am}
              tls_config: {ca_file: ca.pem, insecure_skip_verify: false}
              static_configs: [{targets: ['am-3:443'], labels: {dc: x}}]
        """);
    assertEquals(List.of("http://am-1:9093/api/v2/alerts", "http://am-2:9093/api/v2/alerts", "https://am-3:443/alertmanager/api/v2/alerts"),
        c.targets().stream().map(t -> t.url().toString()).toList());
    assertEquals(Map.of("cluster", "eu1", "replica", "a"), c.externalLabels());
    assertEquals(Duration.ofSeconds(30), c.evaluationInterval());
    assertEquals(Duration.ofMinutes(1), c.resendDelay());
    assertEquals(Duration.ofMinutes(4), c.validFor());
    assertEquals(10_000, c.queueCapacity());
    DeliveryConfig.Http http = c.targets().get(2).http();
    assertEquals(Duration.ofSeconds(3), http.timeout());
    assertEquals(DIR.resolve("secrets/am"), http.basicAuth().passwordFile());
    assertEquals("/etc/prometheus/ca.pem", http.tls().caFile());
    assertEquals(Duration.ofSeconds(10), c.targets().get(0).http().timeout(), "Prometheus's default timeout");
  }

  @Test
  void stratasOwnKeysWebhooksResendDelayQueueCapacityTenantLabel() {
    DeliveryConfig c = parse("""
        alerting:
          resend_delay: 30s
          notification_queue_capacity: 500
          tenant_label: tenant
          webhooks:
            - url: https://hooks.example.com/strata
              timeout: 5s
        """);
    assertEquals(Duration.ofSeconds(30), c.resendDelay());
    assertEquals(Duration.ofSeconds(30), c.backoff().giveUpAfter(), "a failed batch is given up when its alerts are due again");
    assertEquals(500, c.queueCapacity());
    assertEquals("tenant", c.tenantLabel());
    assertEquals(DeliveryConfig.Target.Kind.WEBHOOK, c.targets().get(0).kind());
    assertEquals("https://hooks.example.com/strata", c.targets().get(0).url().toString());
  }

  @Test
  void apiVersionV1PostsToTheV1PathAsPrometheus242Does() {
    DeliveryConfig c = parse("alerting: {alertmanagers: [{api_version: v1, static_configs: [{targets: ['am:9093']}]}]}");
    assertEquals("http://am:9093/api/v1/alerts", c.targets().get(0).url().toString());
  }

  @Test
  void noAlertingSectionIsNothingToDeliverTo() {
    assertTrue(parse("scrape_configs: []").isEmpty());
    assertTrue(DeliveryConfigParser.parse(null, DIR).isEmpty());
  }

  @Test
  void unknownApiVersionIsRefusedWithPrometheussWording() {
    assertEquals("alerting.alertmanagers[0]: expected Alertmanager api version to be one of [v1 v2] but got v3",
        error("alerting: {alertmanagers: [{api_version: v3, static_configs: [{targets: ['am:9093']}]}]}"));
  }

  @Test
  void badInputIsRefusedNamingTheKey() {
    assertEquals("alerting.alertmanagers[0].timeout: \"soon\" is not a duration like 30s or 1m",
        error("alerting: {alertmanagers: [{timeout: soon, static_configs: [{targets: ['am:9093']}]}]}"));
    assertEquals("alerting.alertmanagers[0]: static_configs target \"http://am:9093\" is not a valid hostname",
        error("alerting: {alertmanagers: [{static_configs: [{targets: ['http://am:9093']}]}]}"));
    assertTrue(error("alerting: {alertmanagers: [{scheme: ftp, static_configs: [{targets: ['am:9093']}]}]}").contains("scheme must be http or https"));
    assertTrue(error("alerting: {alertmanager: []}").startsWith("alerting: unknown key \"alertmanager\""));
    assertTrue(error("alerting: {alertmanagers: [{dns_sd_configs: [{names: [am]}]}]}").startsWith("alerting.alertmanagers[0].dns_sd_configs: service discovery is not supported"));
    assertTrue(error("alerting: {alert_relabel_configs: [{action: drop}]}").startsWith("alerting.alert_relabel_configs: alert relabelling is not supported"));
    assertTrue(error("alerting: {notification_queue_capacity: 10}").startsWith("alerting.notification_queue_capacity must be >= 64"));
    assertTrue(error("alerting: {webhooks: [{url: 'not a url'}]}").startsWith("alerting.webhooks[0].url"));
    assertTrue(error("global: {external_labels: {'bad-name': x}}").startsWith("global.external_labels: \"bad-name\" is not a valid label name"));
    assertTrue(error("alerting: {alertmanagers: [{basic_auth: {username: u, password: p, password_file: f}, static_configs: [{targets: ['am:9093']}]}]}")
        .contains("at most one of basic_auth password & password_file"));
    assertTrue(error("alerting: {alertmanagers: [{static_configs: [{targets: ['am:9093', 'am:9093']}]}]}").contains("configured twice"));
  }
}
