package io.strata.app.up;

import io.strata.sinks.alertmanager.DeliveryConfig;
import io.strata.sinks.alertmanager.DeliveryConfigParser;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Where {@code strata up}'s alert delivery settings come from: the prometheus.yml given as scrape config
 * ({@code global.external_labels}, {@code global.evaluation_interval}, {@code alerting}) and the
 * {@code alerting} key of the strata config file, which, when present, replaces the prometheus.yml's
 * {@code alerting} section. {@link #load} re-reads the prometheus.yml, so SIGHUP picks up its changes.
 *
 * @param section the strata config's {@code alerting} map, or null
 * @param sectionDir folder that relative paths in {@code section} resolve against
 * @param prometheusYml the scrape config file, or null
 * @param resendDelay {@code --rules.alert.resend-delay} (Prometheus syntax, e.g. {@code 30s}): replaces
 *     {@code alerting.resend_delay} of either source; null when the flag is not given
 */
public record AlertingSource(Map<String, Object> section, Path sectionDir, Path prometheusYml, String resendDelay) {

  public AlertingSource(Map<String, Object> section, Path sectionDir, Path prometheusYml) {
    this(section, sectionDir, prometheusYml, null);
  }

  /** @throws IllegalArgumentException naming the file and the key when something is wrong */
  public DeliveryConfig load() {
    Map<String, Object> root = new HashMap<>();
    Path base = sectionDir;
    if (prometheusYml != null) {
      root.putAll(PrometheusYml.read(prometheusYml));
      if (section == null) {
        base = prometheusYml.toAbsolutePath().getParent();
      }
    }
    if (section != null) {
      root.put("alerting", section);
    }
    if (resendDelay != null) {
      Map<String, Object> alerting = new HashMap<>();
      if (root.get("alerting") instanceof Map<?, ?> m) {
        m.forEach((k, v) -> alerting.put(String.valueOf(k), v));
      }
      alerting.put("resend_delay", resendDelay);
      root.put("alerting", alerting);
    }
    try {
      return DeliveryConfigParser.parse(root, base);
    } catch (IllegalArgumentException e) {
      String where = resendDelay != null && e.getMessage().startsWith("alerting.resend_delay") ? "--rules.alert.resend-delay"
          : section != null ? "config alerting" : String.valueOf(prometheusYml);
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }
}
