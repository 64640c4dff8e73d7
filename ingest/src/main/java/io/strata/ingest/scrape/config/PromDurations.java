package io.strata.ingest.scrape.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Prometheus's duration strings ({@code 1y2w3d4h5m6s7ms}, units in this order, {@code 0} allowed). */
public final class PromDurations {
  private PromDurations() {}

  private static final Pattern DURATION =
      Pattern.compile("^(?:(\\d+)y)?(?:(\\d+)w)?(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?(?:(\\d+)ms)?$");
  private static final long[] UNIT_MS = {365L * 86_400_000, 7L * 86_400_000, 86_400_000, 3_600_000, 60_000, 1_000, 1};
  private static final String[] UNIT_NAMES = {"y", "w", "d", "h", "m", "s", "ms"};

  /** Parses a duration; the message names the bad string as Prometheus does. */
  public static Duration parse(String s) {
    if (s == null) {
      throw new IllegalArgumentException("not a valid duration string: \"null\"");
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = DURATION.matcher(s);
    if (s.isEmpty() || !m.matches()) {
      throw new IllegalArgumentException("not a valid duration string: \"" + s + "\"");
    }
    long ms = 0;
    for (int g = 1; g <= 7; g++) {
      String part = m.group(g);
      if (part != null) {
        try {
          ms = Math.addExact(ms, Math.multiplyExact(Long.parseLong(part), UNIT_MS[g - 1]));
        } catch (ArithmeticException | NumberFormatException e) {
          throw new IllegalArgumentException("not a valid duration string: \"" + s + "\" (too large)");
        }
      }
    }
    return Duration.ofMillis(ms);
  }

  /** Formats as Prometheus does ({@code 1m30s}, {@code 10s}, {@code 0s}). */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
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
