package io.strata.sinks.alertmanager;

import static io.strata.sinks.alertmanager.Alerts.T0;
import static io.strata.sinks.alertmanager.Alerts.alert;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every target gets every alert; a reload swaps targets and settings and keeps the alert state. */
class NotifierTest {
  private final Alerts.FakeClock clock = new Alerts.FakeClock(T0);

  private static DeliveryConfig config(Map<String, String> external, String... targets) {
    return DeliveryConfigParser.parse(Map.of("global", Map.of("external_labels", external),
        "alerting", Map.of("alertmanagers", List.of(Map.of("static_configs", List.of(Map.of("targets", List.of(targets))))))),
        java.nio.file.Path.of("."));
  }

  private Notifier notifier(DeliveryConfig cfg) {
    return new Notifier(cfg, clock, t -> (url, json, timeout) -> 200, d -> clock.advance(d), false, new PrometheusRegistry());
  }

  private static int queued(Notifier n, String url) {
    return n.endpoints().stream().filter(e -> e.name().equals(url)).findFirst().orElseThrow().queueLength();
  }

  @Test
  void everyReplicaGetsEveryAlert() {
    Notifier n = notifier(config(Map.of(), "am-1:9093", "am-2:9093"));
    n.apply("a", alert("A").firing(T0));
    n.apply("b", alert("B").firing(T0));
    n.apply("c", alert("C").pending());
    assertEquals(2, n.tick());
    assertEquals(2, queued(n, "http://am-1:9093/api/v2/alerts"));
    assertEquals(2, queued(n, "http://am-2:9093/api/v2/alerts"));
  }

  @Test
  void reloadSwapsTargetsAndLabelsAndKeepsTheResendSchedule() {
    Notifier n = notifier(config(Map.of("dc", "old"), "am-1:9093"));
    n.apply("a", alert("A").firing(T0));
    assertEquals(1, n.tick());
    n.reload(config(Map.of("dc", "new"), "am-3:9093"));
    assertEquals(List.of(URI.create("http://am-3:9093/api/v2/alerts")), n.endpoints().stream().map(e -> URI.create(e.name())).toList());
    clock.advance(Duration.ofSeconds(30));
    assertEquals(0, n.tick(), "not due again yet: a reload does not reset the resend schedule");
    clock.advance(Duration.ofSeconds(31));
    assertEquals(1, n.tick());
    assertEquals("new", n.endpoints().get(0).nextBatch().get(0).labels().get("dc"), "the resend carries the new external labels");
  }

  @Test
  void reloadThatCannotBuildItsTargetsChangesNothing() {
    Notifier failing = new Notifier(config(Map.of(), "am-1:9093"), clock, t -> {
      if (t.url().getHost().equals("am-bad")) {
        throw new IllegalArgumentException("tls_config: cannot read ca_file");
      }
      return (url, json, timeout) -> 200;
    }, d -> { }, false, new PrometheusRegistry());
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> failing.reload(config(Map.of(), "am-bad:9093")));
    assertEquals("http://am-1:9093/api/v2/alerts", failing.endpoints().get(0).name());
    assertEquals(List.of("am-1:9093"), failing.config().alertmanagers().get(0).targets());
  }
}
