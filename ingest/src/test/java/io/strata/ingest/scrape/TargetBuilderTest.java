package io.strata.ingest.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.strata.ingest.scrape.config.PrometheusConfigLoader;
import io.strata.ingest.scrape.config.ScrapeConfig;
import io.strata.schemas.model.Labels;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetBuilderTest {
  private static ScrapeConfig cfg(String extra) throws Exception {
    return PrometheusConfigLoader.parse("scrape_configs:\n  - job_name: j\n" + extra.indent(4)).job("j");
  }

  @Test
  void defaultsFromConfigAndInstanceFromAddress() throws Exception {
    Target t = TargetBuilder.build(cfg("scrape_interval: 30s"), Map.of("__address__", "h:9100", "__meta_x", "y", "zone", "z1"));
    assertEquals(Labels.of("job", "j", "instance", "h:9100", "zone", "z1"), t.labels());
    assertEquals(URI.create("http://h:9100/metrics"), t.url());
    assertEquals(Duration.ofSeconds(30), t.interval());
    assertEquals(Duration.ofSeconds(10), t.timeout());
    assertEquals("30s", t.discoveredLabels().get("__scrape_interval__"));
    assertEquals("y", t.discoveredLabels().get("__meta_x"));
    assertNull(t.internalLabels().get("__meta_x"), "__meta_ labels are dropped after relabeling");
  }

  @Test
  void relabelingCanSetSchemePathIntervalAndParams() throws Exception {
    Target t = TargetBuilder.build(cfg("""
        params: {a: ['1']}
        relabel_configs:
          - {target_label: __scheme__, replacement: https}
          - {target_label: __metrics_path__, replacement: /probe}
          - {target_label: __scrape_interval__, replacement: 5s}
          - {target_label: __scrape_timeout__, replacement: 2s}
          - {source_labels: [__address__], target_label: __param_target}
          - {target_label: __address__, replacement: 'exporter:9115'}
          - {source_labels: [__param_target], target_label: instance}
        """), Map.of("__address__", "example.com:443"));
    assertEquals(URI.create("https://exporter:9115/probe?a=1&target=example.com%3A443"), t.url());
    assertEquals(Duration.ofSeconds(5), t.interval());
    assertEquals(Duration.ofSeconds(2), t.timeout());
    assertEquals("example.com:443", t.labels().get("instance"));
  }

  @Test
  void droppedTargetIsNull() throws Exception {
    assertNull(TargetBuilder.build(cfg("relabel_configs: [{action: drop, source_labels: [__address__], regex: 'h:.*'}]"),
        Map.of("__address__", "h:1")));
  }

  @Test
  void targetWithoutAddressIsRejected() throws Exception {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TargetBuilder.build(cfg("relabel_configs: [{action: labeldrop, regex: __address__}]"), Map.of("__address__", "h:1")));
    assertEquals("no address", e.getMessage());
  }

  @Test
  void timeoutAboveIntervalFromRelabelingIsRejected() throws Exception {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TargetBuilder.build(cfg("relabel_configs: [{target_label: __scrape_timeout__, replacement: 2m}]"), Map.of("__address__", "h:1")));
    assertEquals("scrape timeout cannot be greater than scrape interval (\"2m\" > \"1m\")", e.getMessage());
  }
}
