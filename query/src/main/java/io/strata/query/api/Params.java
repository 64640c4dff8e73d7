package io.strata.query.api;

import io.strata.promql.Durations;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Parses the API's time and duration parameters as Prometheus does. */
public final class Params {
  private Params() {}

  /** Unix seconds with optional fraction, or RFC 3339; returns milliseconds. */
  public static long time(String name, String value) {
    if (value == null || value.isEmpty()) {
      throw ApiException.badData("invalid parameter \"" + name + "\": missing");
    }
    try {
      return new BigDecimal(value).movePointRight(3).setScale(0, java.math.RoundingMode.HALF_EVEN).longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      // not a number: RFC 3339 below
    }
    try {
      return Instant.parse(value).toEpochMilli();
    } catch (DateTimeParseException e) {
      try {
        return java.time.OffsetDateTime.parse(value).toInstant().toEpochMilli();
      } catch (DateTimeParseException e2) {
        throw ApiException.badData("invalid parameter \"" + name + "\": cannot parse \"" + value + "\" to a valid timestamp");
      }
    }
  }

  /** Seconds with optional fraction, or a Prometheus duration ({@code 15s}, {@code 1m}); returns milliseconds. */
  /**
   * A boolean parameter as Go's {@code strconv.ParseBool} reads the values Thanos's {@code dedup} and
   * {@code partial_response} take ({@code 1}, {@code t}, {@code true}, {@code 0}, {@code f}, {@code false}, any case);
   * null when absent or empty; anything else is 400 {@code bad_data}.
   */
  public static Boolean bool(String name, String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    return switch (value.toLowerCase(java.util.Locale.ROOT)) {
      case "1", "t", "true" -> true;
      case "0", "f", "false" -> false;
      default -> throw ApiException.badData("invalid parameter \"" + name + "\": cannot parse \"" + value + "\" as a boolean");
    };
  }

  public static long duration(String name, String value) {
    if (value == null || value.isEmpty()) {
      throw ApiException.badData("invalid parameter \"" + name + "\": missing");
    }
    try {
      double secs = Double.parseDouble(value);
      if (Double.isNaN(secs) || Double.isInfinite(secs)) {
        throw ApiException.badData("invalid parameter \"" + name + "\": cannot parse \"" + value + "\" to a valid duration");
      }
      return Math.round(secs * 1000);
    } catch (NumberFormatException e) {
      try {
        return Durations.parse(value);
      } catch (RuntimeException e2) {
        throw ApiException.badData("invalid parameter \"" + name + "\": cannot parse \"" + value + "\" to a valid duration");
      }
    }
  }

  /** Prometheus's JSON timestamp: seconds, with up to three decimals and no trailing zeros. */
  public static String formatTimestamp(long ms) {
    if (ms < 0 && ms != Long.MIN_VALUE) {
      // -1.5 s, as Go prints the float, not -2 s + 500 ms
      return "-" + formatTimestamp(-ms);
    }
    long sec = Math.floorDiv(ms, 1000);
    long frac = Math.floorMod(ms, 1000);
    if (frac == 0) {
      return Long.toString(sec);
    }
    // three digits without trailing zeros (String.format cost more than the rest of a range query's JSON)
    return appendFraction(new StringBuilder(24).append(sec), frac).toString();
  }

  /** {@link #formatTimestamp} appended to {@code sb}. */
  static StringBuilder appendTimestamp(StringBuilder sb, long ms) {
    if (ms < 0) {
      return sb.append(formatTimestamp(ms));
    }
    return appendFraction(sb.append(ms / 1000), ms % 1000);
  }

  /** {@code .5}, {@code .25}, {@code .125} for 500, 250, 125 ms; nothing for 0. */
  static StringBuilder appendFraction(StringBuilder sb, long frac) {
    if (frac == 0) {
      return sb;
    }
    sb.append('.').append((char) ('0' + frac / 100));
    if (frac % 100 != 0) {
      sb.append((char) ('0' + frac / 10 % 10));
      if (frac % 10 != 0) {
        sb.append((char) ('0' + frac % 10));
      }
    }
    return sb;
  }
}
