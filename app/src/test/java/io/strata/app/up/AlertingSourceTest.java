package io.strata.app.up;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.sinks.alertmanager.DeliveryConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where `strata up` finds its Alertmanagers: prometheus.yml's alerting section, or the config key `alerting`. */
class AlertingSourceTest {
  @TempDir
  Path dir;

  private Settings resolve(Path configFile, Path scrapeConfigFlag) {
    StrataConfig file = configFile == null ? StrataConfig.EMPTY : StrataConfig.load(configFile);
    return Settings.resolve(file, null, null, null, null, null, null, null, null, null, scrapeConfigFlag, null, dir);
  }

  private Path prometheusYml() throws Exception {
    return Files.writeString(dir.resolve("prometheus.yml"), """
        global:
          evaluation_interval: 15s
          external_labels: {cluster: eu1}
        scrape_configs: []
        alerting:
          alertmanagers:
            - static_configs: [{targets: ['am-1:9093', 'am-2:9093']}]
              tls_config: {ca_file: ca.pem}
        """);
  }

  private static List<String> urls(DeliveryConfig c) {
    return c.targets().stream().map(t -> t.url().toString()).toList();
  }

  @Test
  void nothingConfiguredMeansNoDeliveryStage() {
    assertTrue(resolve(null, null).alerting().load().isEmpty());
  }

  @Test
  void scrapeConfigsPrometheusYmlGivesAlertmanagersAndExternalLabels() throws Exception {
    DeliveryConfig c = resolve(null, prometheusYml()).alerting().load();
    assertEquals(List.of("http://am-1:9093/api/v2/alerts", "http://am-2:9093/api/v2/alerts"), urls(c));
    assertEquals(Map.of("cluster", "eu1"), c.externalLabels());
    assertEquals(java.time.Duration.ofSeconds(15), c.evaluationInterval());
    assertEquals(dir.resolve("ca.pem").toString(), c.targets().get(0).http().tls().caFile(), "relative to the prometheus.yml");
  }

  @Test
  void configKeyAlertingServesUsersWithoutPrometheusYmlAndReplacesItsSection() throws Exception {
    Path strata = Files.writeString(dir.resolve("strata.yml"), """
        alerting:
          alertmanagers:
            - static_configs: [{targets: ['127.0.0.1:9093']}]
          webhooks: [{url: 'http://127.0.0.1:8000/hook'}]
          resend_delay: 30s
        """);
    DeliveryConfig alone = resolve(strata, null).alerting().load();
    assertEquals(List.of("http://127.0.0.1:9093/api/v2/alerts", "http://127.0.0.1:8000/hook"), urls(alone));
    DeliveryConfig both = resolve(strata, prometheusYml()).alerting().load();
    assertEquals(urls(alone), urls(both), "the config key's alerting section replaces prometheus.yml's");
    assertEquals(Map.of("cluster", "eu1"), both.externalLabels(), "external labels still come from prometheus.yml's global section");
  }

  @Test
  void invalidAlertingSectionNamesTheFileAndTheKey() throws Exception {
    Path yml = Files.writeString(dir.resolve("prometheus.yml"), "alerting:\n  alertmanagers:\n    - api_version: v3\n");
    String msg = assertThrows(IllegalArgumentException.class, () -> resolve(null, yml).alerting().load()).getMessage();
    assertEquals(yml + ": alerting.alertmanagers[0]: expected Alertmanager api version to be one of [v1 v2] but got v3", msg);
  }
}
