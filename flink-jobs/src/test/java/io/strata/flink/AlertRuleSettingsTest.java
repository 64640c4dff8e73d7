package io.strata.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertRuleSettingsTest {

  @Test
  void defaultsMatchTheDocumentedValues() {
    AlertRuleSettings d = AlertRuleSettings.defaults();
    assertEquals(1, d.parallelism());
    assertEquals(Duration.ofSeconds(5), d.checkpointInterval());
    assertEquals(Duration.ofSeconds(10), d.maxOutOfOrderness());
    assertEquals(Duration.ofSeconds(15), d.wallClockDelay());
    assertEquals(Duration.ofMinutes(1), d.evaluationInterval());
    assertEquals(Duration.ofMinutes(1), d.resendDelay());
    assertEquals(Duration.ofMinutes(5), d.maxEvaluationAge());
    assertEquals("default", d.fileTenant());
    assertEquals(Duration.ofMinutes(5), d.lookbackDelta());
    assertEquals(AlertRuleSettings.StartFrom.LATEST, d.startFrom());
    assertEquals(Duration.ofHours(1), d.forOutageTolerance(), "Prometheus's --rules.alert.for-outage-tolerance");
    assertEquals(Duration.ofMinutes(10), d.forGracePeriod(), "Prometheus's --rules.alert.for-grace-period");
  }

  @Test
  void aZeroGracePeriodIsRejectedNamingTheKey() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> AlertRuleSettings.fromMap(Map.of(AlertRuleSettings.FOR_GRACE_PERIOD, "0s")));
    assertEquals("flink.rules.alert.for-grace-period must be > 0, got PT0S", e.getMessage());
  }

  @Test
  void fromMapParsesPrometheusDurationsAndRoundTrips() {
    AlertRuleSettings s = AlertRuleSettings.fromMap(Map.of(
        AlertRuleSettings.PARALLELISM, "2",
        AlertRuleSettings.MAX_OUT_OF_ORDERNESS, "1m30s",
        AlertRuleSettings.START_FROM, "earliest",
        AlertRuleSettings.EXTERNAL_LABELS, "region=eu,replica=a",
        AlertRuleSettings.MAX_EVALUATION_AGE, "0s",
        AlertRuleSettings.FOR_OUTAGE_TOLERANCE, "2h"));
    assertEquals(Duration.ofHours(2), s.forOutageTolerance());
    assertEquals(Map.of("region", "eu", "replica", "a"), s.externalLabels());
    assertEquals(Duration.ZERO, s.maxEvaluationAge());
    assertEquals(2, s.parallelism());
    assertEquals(Duration.ofSeconds(90), s.maxOutOfOrderness());
    assertEquals(AlertRuleSettings.StartFrom.EARLIEST, s.startFrom());
    assertEquals(s, AlertRuleSettings.fromMap(s.toMap()));
  }

  @Test
  void zeroParallelismIsRejectedNamingTheKey() {
    var e = assertThrows(IllegalArgumentException.class, () -> AlertRuleSettings.defaults().withParallelism(0));
    assertEquals("flink.parallelism must be between 1 and 64, got 0", e.getMessage());
  }

  @Test
  void badDurationIsRejectedNamingTheKey() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> AlertRuleSettings.fromMap(Map.of(AlertRuleSettings.CHECKPOINT_INTERVAL, "ten seconds")));
    assertTrue(e.getMessage().startsWith("flink.checkpoint.interval: "), e.getMessage());
  }

  @Test
  void badStartFromIsRejected() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> AlertRuleSettings.fromMap(Map.of(AlertRuleSettings.START_FROM, "beginning")));
    assertEquals("flink.consumer.start-from must be latest or earliest, got \"beginning\"", e.getMessage());
  }

  @Test
  void unknownFlinkKeyIsRejected() {
    var e = assertThrows(IllegalArgumentException.class, () -> AlertRuleSettings.fromMap(Map.of("flink.paralelism", "2")));
    assertTrue(e.getMessage().startsWith("unknown setting flink.paralelism"), e.getMessage());
  }

  @Test
  void externalUrlMustBeHttp() {
    assertThrows(IllegalArgumentException.class, () -> AlertRuleSettings.defaults().withExternalUrl("localhost:9090"));
  }

  @Test
  void everyKeyIsUniqueAndDocumentedInTheReadme() throws Exception {
    assertEquals(AlertRuleSettings.KEYS.size(), new HashSet<>(AlertRuleSettings.KEYS).size());
    String readme = Files.readString(Path.of("README.md"));
    for (String k : AlertRuleSettings.KEYS) {
      assertTrue(readme.contains("`" + k + "`"), "README.md documents " + k);
    }
  }
}
