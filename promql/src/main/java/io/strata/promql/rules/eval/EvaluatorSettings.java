package io.strata.promql.rules.eval;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Settings of a group evaluator, from the configuration around the rule files.
 *
 * @param intervalMs the group's evaluation interval (its own or the global one); sets {@code endsAt} of firing alerts
 * @param externalLabels {@code global.external_labels}, seen by templates as {@code $externalLabels}
 * @param externalURL Prometheus's {@code --web.external-url}: {@code $externalURL} and the alerts' generator URL
 * @param resendDelayMs Prometheus's {@code --rules.alert.resend-delay} (default 1m)
 */
public record EvaluatorSettings(long intervalMs, Map<String, String> externalLabels, String externalURL,
    long resendDelayMs) {
  public static final long DEFAULT_RESEND_DELAY_MS = 60_000;

  public EvaluatorSettings {
    Objects.requireNonNull(externalURL, "externalURL");
    externalLabels = java.util.Collections.unmodifiableMap(new TreeMap<>(externalLabels));
    if (intervalMs <= 0) {
      throw new IllegalArgumentException("evaluation interval must be > 0 ms, got " + intervalMs);
    }
    if (resendDelayMs < 0) {
      throw new IllegalArgumentException("resend delay must be >= 0 ms, got " + resendDelayMs);
    }
  }

  public static EvaluatorSettings of(long intervalMs) {
    return new EvaluatorSettings(intervalMs, Map.of(), "", DEFAULT_RESEND_DELAY_MS);
  }
}
