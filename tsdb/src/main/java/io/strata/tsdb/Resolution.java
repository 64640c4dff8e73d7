package io.strata.tsdb;

import java.time.Duration;

/** A stored resolution: raw samples, or rollup windows of a fixed length ({@code 1m}, {@code 5m}, {@code 1h}). */
public record Resolution(String name, long millis) {
  public static final Resolution RAW = new Resolution("raw", 0);

  public Resolution {
    if (millis < 0 || (millis == 0) != name.equals("raw")) {
      throw new IllegalArgumentException("resolution " + name + " with " + millis + " ms is invalid: raw has 0 ms, rollups > 0");
    }
  }

  public boolean isRaw() {
    return millis == 0;
  }

  /** Parses {@code raw} or a Prometheus duration such as {@code 1m}, {@code 5m}, {@code 1h}. */
  public static Resolution parse(String s) {
    if (s.equals("raw") || s.equals("0") || s.equals("0s")) {
      return RAW;
    }
    long n;
    try {
      n = Long.parseLong(s.substring(0, s.length() - 1));
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("resolution must be raw or a duration like 1m, 5m, 1h; got " + s);
    }
    Duration d = switch (s.charAt(s.length() - 1)) {
      case 's' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMinutes(n);
      case 'h' -> Duration.ofHours(n);
      case 'd' -> Duration.ofDays(n);
      default -> throw new IllegalArgumentException("resolution must be raw or a duration like 1m, 5m, 1h; got " + s);
    };
    return new Resolution(s, d.toMillis());
  }

  @Override
  public String toString() {
    return name;
  }
}
