package io.strata.ingest.exposition;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Byte-level scanning for the exposition parser: character classes from one 256-entry table, searches
 * that test 8 bytes per step (SWAR: the zero-byte test on a {@code long} read little-endian from the
 * array), and the series hash. All methods work on {@code b[i, e)} and never read outside it.
 */
final class ByteScan {
  private ByteScan() {}

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long NEWLINES = ONES * '\n';
  private static final long QUOTES = ONES * '"';
  private static final long BACKSLASHES = ONES * '\\';
  private static final long MIX = 0x9E3779B97F4A7C15L; // 2^64 / golden ratio, odd

  private static final int METRIC_START = 1; // [a-zA-Z_:]
  private static final int METRIC = 2; // [a-zA-Z0-9_:]
  private static final int LABEL_START = 4; // [a-zA-Z_]
  private static final int LABEL = 8; // [a-zA-Z0-9_]
  private static final byte[] CLASS = new byte[256];

  static {
    for (int c = 0; c < 256; c++) {
      boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
      boolean digit = c >= '0' && c <= '9';
      int k = 0;
      if (letter || c == ':') {
        k |= METRIC_START | METRIC;
      }
      if (digit) {
        k |= METRIC | LABEL;
      }
      if (letter) {
        k |= LABEL_START | LABEL;
      }
      CLASS[c] = (byte) k;
    }
  }

  /** True for a byte that may follow the first one of a metric name ({@code [a-zA-Z0-9_:]}). */
  static boolean isMetricNameByte(byte c) {
    return (CLASS[c & 0xff] & METRIC) != 0;
  }

  /** End of the metric name ({@code [a-zA-Z_:][a-zA-Z0-9_:]*}) starting at {@code i}; {@code i} when there is none. */
  static int metricNameEnd(byte[] b, int i, int e) {
    if (i >= e || (CLASS[b[i] & 0xff] & METRIC_START) == 0) {
      return i;
    }
    i++;
    while (i < e && (CLASS[b[i] & 0xff] & METRIC) != 0) {
      i++;
    }
    return i;
  }

  /** End of the label name ({@code [a-zA-Z_][a-zA-Z0-9_]*}) starting at {@code i}; {@code i} when there is none. */
  static int labelNameEnd(byte[] b, int i, int e) {
    if (i >= e || (CLASS[b[i] & 0xff] & LABEL_START) == 0) {
      return i;
    }
    i++;
    while (i < e && (CLASS[b[i] & 0xff] & LABEL) != 0) {
      i++;
    }
    return i;
  }

  /** Index of the first {@code '\n'} in {@code b[i, e)}, or {@code e}. */
  static int newline(byte[] b, int i, int e) {
    for (; i + 8 <= e; i += 8) {
      long w = (long) LONGS.get(b, i) ^ NEWLINES;
      long z = (w - ONES) & ~w & HIGHS; // lowest set bit marks the first zero byte exactly
      if (z != 0) {
        return i + (Long.numberOfTrailingZeros(z) >>> 3);
      }
    }
    for (; i < e; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return e;
  }

  /** Index of the first {@code '"'} or {@code '\\'} in {@code b[i, e)}, or {@code e}. */
  static int quoteOrBackslash(byte[] b, int i, int e) {
    for (; i + 8 <= e; i += 8) {
      long w = (long) LONGS.get(b, i);
      long q = w ^ QUOTES;
      long s = w ^ BACKSLASHES;
      long z = ((q - ONES) & ~q | (s - ONES) & ~s) & HIGHS;
      if (z != 0) {
        return i + (Long.numberOfTrailingZeros(z) >>> 3);
      }
    }
    for (; i < e; i++) {
      byte c = b[i];
      if (c == '"' || c == '\\') {
        return i;
      }
    }
    return e;
  }

  /** Index of the first {@code '"'}, {@code '\\'} or {@code '\n'} in {@code b[i, e)} (where a label value may end), or {@code e}. */
  static int labelValueEnd(byte[] b, int i, int e) {
    for (; i + 8 <= e; i += 8) {
      long w = (long) LONGS.get(b, i);
      long q = w ^ QUOTES;
      long s = w ^ BACKSLASHES;
      long n = w ^ NEWLINES;
      long z = ((q - ONES) & ~q | (s - ONES) & ~s | (n - ONES) & ~n) & HIGHS;
      if (z != 0) {
        return i + (Long.numberOfTrailingZeros(z) >>> 3);
      }
    }
    for (; i < e; i++) {
      byte c = b[i];
      if (c == '"' || c == '\\' || c == '\n') {
        return i;
      }
    }
    return e;
  }

  /** Index of the first byte at or below {@code ' '} (blank, tab, CR, LF, other controls) in {@code b[i, e)}, or {@code e}. */
  static int fieldEnd(byte[] b, int i, int e) {
    for (; i + 8 <= e; i += 8) {
      long w = (long) LONGS.get(b, i);
      long z = (w - ONES * 0x21) & ~w & HIGHS; // bytes below 0x21; bytes 0x80-0xff are never flagged
      if (z != 0) {
        return i + (Long.numberOfTrailingZeros(z) >>> 3);
      }
    }
    while (i < e && (b[i] & 0xff) > ' ') {
      i++;
    }
    return i;
  }

  /** True when {@code b[i, i+len)} equals {@code b[j, j+len)}; compares 8 bytes per step (short ranges: no call overhead). */
  static boolean rangeEquals(byte[] b, int i, int j, int len) {
    int k = 0;
    for (; k + 8 <= len; k += 8) {
      if ((long) LONGS.get(b, i + k) != (long) LONGS.get(b, j + k)) {
        return false;
      }
    }
    if (k < len && len >= 8) {
      return (long) LONGS.get(b, i + len - 8) == (long) LONGS.get(b, j + len - 8); // the last 8, overlapping
    }
    for (; k < len; k++) {
      if (b[i + k] != b[j + k]) {
        return false;
      }
    }
    return true;
  }

  /** Index of the first {@code c} in {@code b[i, e)}, or -1. */
  static int indexOf(byte[] b, int i, int e, byte c) {
    for (; i < e; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }

  /**
   * A 32-bit hash of {@code b[i, e)}: 16 bytes per step in two independent multiply/xor-shift lanes, the last
   * (partial) word read as the final 8 bytes of the range (overlapping; the length is mixed in). A
   * byte-wise {@code 31*h+b} loop is one dependent multiply per byte, several times slower on the 50-100
   * byte series texts of an exposition.
   */
  static int hash(byte[] b, int i, int e) {
    int len = e - i;
    long h1 = len * MIX;
    long h2 = ~h1;
    if (len < 8) {
      long tail = 0;
      for (int shift = 0; i < e; i++, shift += 8) {
        tail |= (b[i] & 0xffL) << shift;
      }
      h1 = (h1 ^ tail) * MIX;
    } else {
      for (; i + 16 <= e; i += 16) {
        h1 = (h1 ^ (long) LONGS.get(b, i)) * MIX;
        h2 = (h2 ^ (long) LONGS.get(b, i + 8)) * MIX;
        h1 ^= h1 >>> 29;
        h2 ^= h2 >>> 29;
      }
      if (i + 8 <= e) {
        h1 = (h1 ^ (long) LONGS.get(b, i)) * MIX;
        h1 ^= h1 >>> 29;
      }
      h2 = (h2 ^ (long) LONGS.get(b, e - 8)) * MIX; // the last 8 bytes, overlapping what came before
    }
    long h = (h1 ^ (h2 >>> 31) ^ (h2 << 33)) * MIX;
    h ^= h >>> 32;
    return (int) h;
  }

  // ---- tokens and messages ----

  static int skipBlank(byte[] b, int i, int e) {
    while (i < e && (b[i] == ' ' || b[i] == '\t')) {
      i++;
    }
    return i;
  }

  static int tokenEnd(byte[] b, int i, int e) {
    while (i < e && b[i] != ' ' && b[i] != '\t') {
      i++;
    }
    return i;
  }

  static boolean isWord(byte[] b, int s, int e, String w) {
    if (e - s != w.length()) {
      return false;
    }
    for (int k = 0; k < w.length(); k++) {
      if (b[s + k] != w.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  static String ascii(byte[] b, int s, int e) {
    return new String(b, s, e - s, StandardCharsets.ISO_8859_1);
  }

  static String quote(byte[] b, int s, int e) {
    return quote(new String(b, s, Math.max(0, e - s), StandardCharsets.UTF_8));
  }

  static String quote(String s) {
    if (s.length() > 60) {
      s = s.substring(0, 60) + "...";
    }
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

}
