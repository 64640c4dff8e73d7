package io.strata.promql;

import io.strata.schemas.prom.PromDuration;

/**
 * Prometheus duration syntax for PromQL and rule files. The parser lives in
 * {@link io.strata.schemas.prom.PromDuration}, shared by every module; this keeps promql's API.
 */
public final class Durations {
  private Durations() {}

  /** Parses a duration into milliseconds; throws IllegalArgumentException with Prometheus's wording. */
  public static long parse(String s) {
    return PromDuration.parseMillis(s);
  }

  /** Whether {@code s} is a valid duration. */
  public static boolean isValid(String s) {
    return PromDuration.isValid(s);
  }

  /** Prometheus's canonical form: {@code 0s}, {@code 1h30m}, {@code 1w}, {@code 90d}, {@code 1s500ms}. */
  public static String format(long ms) {
    return PromDuration.format(ms);
  }
}
