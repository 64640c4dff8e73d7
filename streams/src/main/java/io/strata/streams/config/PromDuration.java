package io.strata.streams.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prometheus's duration notation ({@code 30s}, {@code 5m}, {@code 1h30m}, {@code 100ms}): units y, w, d,
 * h, m, s, ms in that order, each at most once, integers only; a year is 365 days, a week 7 days. The
 * same notation prometheus.yml uses, so {@code scrape_interval} and our resolutions read alike.
 */
public final class PromDuration {
  private PromDuration() {}

  private static final Pattern PATTERN = Pattern.compile(
      "^(?:([0-9]+)y)?(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?(?:([0-9]+)ms)?$");
  private static final long[] UNIT_MS = {
    365L * 24 * 3600_000, 7L * 24 * 3600_000, 24L * 3600_000, 3600_000L, 60_000L, 1000L, 1L
  };
  private static final String[] UNIT_NAMES = {"y", "w", "d", "h", "m", "s", "ms"};

  /**
   * Parses a duration; {@code key} names the setting in the error message.
   *
   * @throws IllegalArgumentException naming the key and the bad value
   */
  public static Duration parse(String key, String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException(key + ": empty duration, expected e.g. 30s, 5m or 1h");
    }
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = PATTERN.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(key + ": '" + text + "' is not a Prometheus duration (e.g. 30s, 5m, 1h30m)");
    }
    long ms = 0;
    for (int i = 0; i < UNIT_MS.length; i++) {
      String g = m.group(i + 1);
      if (g != null) {
        try {
          ms = Math.addExact(ms, Math.multiplyExact(Long.parseLong(g), UNIT_MS[i]));
        } catch (ArithmeticException | NumberFormatException e) {
          throw new IllegalArgumentException(key + ": '" + text + "' overflows a 64-bit millisecond count", e);
        }
      }
    }
    return Duration.ofMillis(ms);
  }

  /** Prometheus's canonical form: largest units first, zero units left out, {@code 0s} for zero. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    if (ms < 0) {
      sb.append('-');
      ms = -ms;
    }
    for (int i = 0; i < UNIT_MS.length; i++) {
      long n = ms / UNIT_MS[i];
      if (n > 0) {
        sb.append(n).append(UNIT_NAMES[i]);
        ms -= n * UNIT_MS[i];
      }
    }
    return sb.toString();
  }
}
