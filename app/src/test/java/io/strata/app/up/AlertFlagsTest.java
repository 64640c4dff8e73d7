package io.strata.app.up;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code strata up}'s for-restore and resend flags, named as Prometheus names them: they reach the rule job
 * and the delivery stage over the config file, and /api/v1/status/flags shows the value in effect.
 */
class AlertFlagsTest {
  @TempDir
  Path dir;

  /** Parses the command line as picocli does for {@code strata up}, resolves the settings, returns the flags shown. */
  private Map<String, String> flagsShown(StrataConfig file, String... args) {
    UpCommand up = new UpCommand();
    new CommandLine(up).parseArgs(args);
    Settings s = Settings.resolve(file, null, null, null, null, null, null, null, null, null, up.scrapeConfig, null, dir)
        .withAlertFlags(up.forOutageTolerance, up.forGracePeriod, up.resendDelay);
    return up.flags(s);
  }

  private Path prometheusYml(String resendDelay) throws Exception {
    return Files.writeString(dir.resolve("prometheus.yml"), """
        scrape_configs: []
        alerting:
          %s
          alertmanagers:
            - static_configs: [{targets: ['am-1:9093']}]
        """.formatted(resendDelay == null ? "" : "resend_delay: " + resendDelay));
  }

  @Test
  void defaultsArePrometheusDefaultsAndShownAsPrometheusShowsThem() {
    Settings s = Settings.resolve(StrataConfig.EMPTY, null, null, null, null, null, null, null, null, null, null, null, dir)
        .withAlertFlags(null, null, null);
    assertEquals(Duration.ofHours(1), s.ruleJobSettings().forOutageTolerance());
    assertEquals(Duration.ofMinutes(10), s.ruleJobSettings().forGracePeriod());
    assertEquals(Duration.ofMinutes(1), s.ruleJobSettings().resendDelay());
    assertEquals(Duration.ofMinutes(1), s.alerting().load().resendDelay());
    Map<String, String> flags = flagsShown(StrataConfig.EMPTY);
    assertEquals("1h", flags.get("rules.alert.for-outage-tolerance"));
    assertEquals("10m", flags.get("rules.alert.for-grace-period"));
    assertEquals("1m", flags.get("rules.alert.resend-delay"));
  }

  @Test
  void flagsReachTheRuleJobAndTheDeliveryStageOverConfigFiles() throws Exception {
    Path strata = Files.writeString(dir.resolve("strata.yml"), """
        rule_job:
          rules.alert.for-outage-tolerance: 2h
          rules.alert.for-grace-period: 20m
        """);
    StrataConfig file = StrataConfig.load(strata);
    String yml = prometheusYml("2m").toString();
    Map<String, String> fromFiles = flagsShown(file, "--scrape-config", yml);
    assertEquals("2h", fromFiles.get("rules.alert.for-outage-tolerance"), "the config file's key when the flag is not given");
    assertEquals("20m", fromFiles.get("rules.alert.for-grace-period"));
    assertEquals("2m", fromFiles.get("rules.alert.resend-delay"), "prometheus.yml's alerting.resend_delay");

    Map<String, String> flags = flagsShown(file, "--scrape-config", yml, "--rules.alert.for-outage-tolerance=30m",
        "--rules.alert.for-grace-period", "5m", "--rules.alert.resend-delay=30s");
    assertEquals("30m", flags.get("rules.alert.for-outage-tolerance"));
    assertEquals("5m", flags.get("rules.alert.for-grace-period"));
    assertEquals("30s", flags.get("rules.alert.resend-delay"));

    Settings s = Settings.resolve(file, null, null, null, null, null, null, null, null, null, Path.of(yml), null, dir)
        .withAlertFlags("30m", "5m", "30s");
    assertEquals(Duration.ofMinutes(30), s.ruleJobSettings().forOutageTolerance());
    assertEquals(Duration.ofMinutes(5), s.ruleJobSettings().forGracePeriod());
    assertEquals(Duration.ofSeconds(30), s.ruleJobSettings().resendDelay(), "the rule job's endsAt");
    assertEquals(Duration.ofSeconds(30), s.alerting().load().resendDelay(), "the delivery stage's resends");
    assertEquals(Duration.ofMinutes(4), s.alerting().load().validFor(), "endsAt = 4 x max(resend delay 30s, evaluation interval 1m)");
    assertEquals(1, s.alerting().load().targets().size(), "the rest of prometheus.yml's alerting section stays");
  }

  @Test
  void badFlagValuesAreErrorsNamingTheFlag() {
    Settings s = Settings.resolve(StrataConfig.EMPTY, null, null, null, null, null, null, null, null, null, null, null, dir);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.withAlertFlags("1 hour", null, null));
    assertEquals("--rules.alert.for-outage-tolerance: \"1 hour\" is not a duration like 30s or 1m", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> s.withAlertFlags(null, "0s", null));
    assertEquals("--rules.alert.for-grace-period must be > 0, got 0s", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> s.withAlertFlags(null, null, "-1m"));
    assertEquals("--rules.alert.resend-delay: \"-1m\" is not a duration like 30s or 1m", e.getMessage());
  }
}
