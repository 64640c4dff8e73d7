package io.strata.schemas.prom;

import java.time.Duration;

/**
 * Prometheus's duration syntax ({@code model.ParseDuration}) — the one parser every module uses for
 * config files, rule files, query parameters and PromQL: one or more of {@code <n>y <n>w <n>d <n>h <n>m
 * <n>s <n>ms}, units in that order and each at most once ({@code 1h30m}, {@code 5m}, {@code 100ms}); a
 * bare {@code 0} is allowed. A year is 365 days, a week 7 days.
 */
public final class PromDuration {
  private PromDuration() {}

  private static final String[] UNITS = {"y", "w", "d", "h", "m", "s", "ms"};
  private static final long[] UNIT_MS = {
    365L * 24 * 3600 * 1000, 7L * 24 * 3600 * 1000, 24L * 3600 * 1000, 3600L * 1000, 60L * 1000, 1000L, 1L
  };

  /** Milliseconds; throws IllegalArgumentException with Prometheus's wording ({@code not a valid duration string: "x"}). */
  public static long parseMillis(String s) {
    if (s == null || s.isEmpty()) {
      throw new IllegalArgumentException("empty duration string");
    }
    if (s.equals("0")) {
      return 0;
    }
    long total = 0;
    int pos = 0;
    int nextUnit = 0; // index into UNITS of the smallest unit still allowed
    while (pos < s.length()) {
      int start = pos;
      while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
        pos++;
      }
      if (pos == start || pos == s.length()) {
        throw invalid(s);
      }
      long n;
      try {
        n = Long.parseLong(s.substring(start, pos));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("duration out of range: " + quote(s));
      }
      int unit = -1;
      if (s.startsWith("ms", pos)) { // before "m"
        unit = 6;
      } else {
        char c = s.charAt(pos);
        for (int u = 0; u < 6; u++) {
          if (UNITS[u].charAt(0) == c) {
            unit = u;
            break;
          }
        }
      }
      if (unit < 0 || unit < nextUnit) {
        throw invalid(s);
      }
      pos += UNITS[unit].length();
      nextUnit = unit + 1;
      try {
        total = Math.addExact(total, Math.multiplyExact(n, UNIT_MS[unit]));
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("duration out of range: " + quote(s));
      }
    }
    // Go's time.Duration is int64 nanoseconds: the same bound applies
    if (total > Long.MAX_VALUE / 1_000_000L) {
      throw new IllegalArgumentException("duration out of range: " + quote(s));
    }
    return total;
  }

  public static Duration parse(String s) {
    return Duration.ofMillis(parseMillis(s));
  }

  /** As {@link #parse(String)}, the error message prefixed with the setting's key. */
  public static Duration parse(String key, String s) {
    try {
      return parse(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
    }
  }

  public static boolean isValid(String s) {
    try {
      parseMillis(s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Prometheus's canonical form: {@code 0s}, {@code 1h30m}, {@code 1w}, {@code 90d} (years and weeks only when exact). */
  public static String format(long ms) {
    if (ms == 0) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    if (ms < 0) {
      sb.append('-');
      ms = -ms;
    }
    for (int u = 0; u < UNITS.length; u++) {
      if (u < 2 && ms % UNIT_MS[u] != 0) {
        continue;
      }
      long n = ms / UNIT_MS[u];
      if (n > 0) {
        sb.append(n).append(UNITS[u]);
        ms -= n * UNIT_MS[u];
      }
    }
    return sb.toString();
  }

  public static String format(Duration d) {
    return format(d.toMillis());
  }

  private static IllegalArgumentException invalid(String s) {
    return new IllegalArgumentException("not a valid duration string: " + quote(s));
  }

  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
