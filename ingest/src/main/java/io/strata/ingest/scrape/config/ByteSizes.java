package io.strata.ingest.scrape.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte sizes as in {@code body_size_limit} ({@code 0}, {@code 512}, {@code 10KB}, {@code 5MB}, {@code 1GiB}...). */
final class ByteSizes {
  private ByteSizes() {}

  private static final Pattern SIZE = Pattern.compile("^(\\d+)\\s*([KMGTP]i?B|B)?$", Pattern.CASE_INSENSITIVE);

  /** 0 when absent; units are powers of 1024 whether or not written with an i, as Prometheus's units.Base2Bytes. */
  static long parse(String s) {
    if (s == null || s.isEmpty()) {
      return 0;
    }
    Matcher m = SIZE.matcher(s.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("invalid body_size_limit \"" + s + "\"");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
    int shift = switch (unit.charAt(0)) {
      case 'K' -> 10;
      case 'M' -> 20;
      case 'G' -> 30;
      case 'T' -> 40;
      case 'P' -> 50;
      default -> 0;
    };
    return n << shift;
  }
}
