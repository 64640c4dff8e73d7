package io.strata.ingest.exposition;

import java.nio.charset.StandardCharsets;

/**
 * Parses numbers straight from bytes as Prometheus 2.42's text and OpenMetrics parsers do (Go's
 * {@code strconv.ParseFloat} after refusing any of {@code pP_}): decimal and exponent floats, {@code NaN},
 * {@code Inf}/{@code +Inf}/{@code -Inf} (case-insensitive, also {@code Infinity}); no hex floats, no digit
 * separators, no literal that overflows to ±Inf. Checked against Debian's Prometheus scraping each case.
 * Returns a NaN with {@link #INVALID_BITS} for malformed input so the hot path needs no exception or
 * allocation.
 */
final class NumberParser {
  private NumberParser() {}

  /** Bit pattern returned for unparsable input: a NaN nobody writes (the quiet NaN is 0x7ff8000000000001). */
  static final long INVALID_BITS = 0x7ff00000000000ffL;

  private static final double[] POW10 = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
  };

  // Mantissas below 2^53 are exact doubles; 10^0..10^22 are exact too, so one multiply or divide is
  // correctly rounded (Clinger's fast path). Everything else goes to Double.parseDouble.
  private static final long MAX_EXACT_MANTISSA = 1L << 53;

  static boolean isInvalid(double v) {
    return Double.doubleToRawLongBits(v) == INVALID_BITS;
  }

  static double parseDouble(byte[] b, int start, int end) {
    int i = start;
    if (i >= end) {
      return Double.longBitsToDouble(INVALID_BITS);
    }
    boolean neg = false;
    byte c = b[i];
    if (c == '+' || c == '-') {
      neg = c == '-';
      i++;
    }
    // Digits accumulate without checks; more than 18 significant digits (possible overflow) go to the slow path.
    long mantissa = 0;
    int dg;
    int intStart = i;
    while (i < end && (dg = b[i] - '0') >= 0 && dg <= 9) {
      mantissa = mantissa * 10 + dg;
      i++;
    }
    int digits = i - intStart;
    int exp10 = 0;
    if (i < end && b[i] == '.') {
      i++;
      int fracStart = i;
      while (i < end && (dg = b[i] - '0') >= 0 && dg <= 9) {
        mantissa = mantissa * 10 + dg;
        i++;
      }
      exp10 = fracStart - i;
      digits -= exp10;
    }
    if (digits == 0) {
      return special(b, start, end);
    }
    boolean overflow = digits > 18 && significantDigits(b, intStart, i) > 18;
    if (i < end && (b[i] == 'e' || b[i] == 'E')) {
      i++;
      boolean eneg = false;
      if (i < end && (b[i] == '+' || b[i] == '-')) {
        eneg = b[i] == '-';
        i++;
      }
      int e = 0;
      boolean eDigit = false;
      while (i < end && (c = b[i]) >= '0' && c <= '9') {
        eDigit = true;
        if (e < 100000) {
          e = e * 10 + (c - '0');
        }
        i++;
      }
      if (!eDigit) {
        return Double.longBitsToDouble(INVALID_BITS);
      }
      exp10 += eneg ? -e : e;
    }
    if (i != end) {
      return Double.longBitsToDouble(INVALID_BITS); // also hex floats and '_': Prometheus refuses "pP_" before ParseFloat
    }
    if (!overflow && mantissa < MAX_EXACT_MANTISSA) {
      if (exp10 >= -22 && exp10 <= 22) {
        double d = mantissa;
        d = exp10 < 0 ? d / POW10[-exp10] : d * POW10[exp10];
        return neg ? -d : d;
      }
      if (exp10 > 22 && exp10 <= 22 + 15) {
        // e.g. 12e30: move exponent into the mantissa while it stays exact, then one exact-operand multiply
        long p = (long) POW10[exp10 - 22];
        if (mantissa <= (MAX_EXACT_MANTISSA - 1) / p) {
          double d = (double) (mantissa * p) * 1e22;
          return neg ? -d : d;
        }
      }
    }
    double d = Double.parseDouble(new String(b, start, end - start, StandardCharsets.ISO_8859_1));
    // Go's ParseFloat answers ErrRange for a finite literal that rounds to ±Inf (1e400) and Prometheus fails
    // the scrape; underflow to 0 (1e-400) is no error
    return Double.isInfinite(d) ? Double.longBitsToDouble(INVALID_BITS) : d;
  }

  /** Digits in {@code b[s, e)} (digits and at most one point) after the leading zeros. */
  private static int significantDigits(byte[] b, int s, int e) {
    int n = 0;
    for (int i = s; i < e; i++) {
      if (b[i] != '.' && (n > 0 || b[i] != '0')) {
        n++;
      }
    }
    return n;
  }

  private static double special(byte[] b, int start, int end) {
    int i = start;
    boolean neg = false;
    boolean signed = false;
    if (b[i] == '+' || b[i] == '-') {
      neg = b[i] == '-';
      signed = true;
      i++;
    }
    int n = end - i;
    if (n == 3 && eqIgnoreCase(b, i, "inf") || n == 8 && eqIgnoreCase(b, i, "infinity")) {
      return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (!signed && n == 3 && eqIgnoreCase(b, i, "nan")) {
      return Double.NaN;
    }
    return Double.longBitsToDouble(INVALID_BITS);
  }

  private static boolean eqIgnoreCase(byte[] b, int off, String lower) {
    for (int k = 0; k < lower.length(); k++) {
      int c = b[off + k] | 0x20; // ASCII lower-casing; non-letters never match the letters we compare
      if (c != lower.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** Parses a signed decimal int64 (Go's ParseInt); returns false on malformed or overflowing input. */
  static boolean parseLong(byte[] b, int start, int end, long[] out) {
    int i = start;
    if (i >= end) {
      return false;
    }
    boolean neg = false;
    if (b[i] == '+' || b[i] == '-') {
      neg = b[i] == '-';
      i++;
    }
    if (i >= end) {
      return false;
    }
    long v = 0;
    for (; i < end; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        return false;
      }
      // Accumulate negatively so Long.MIN_VALUE parses.
      if (v < (Long.MIN_VALUE + d) / 10) {
        return false;
      }
      v = v * 10 - d;
    }
    if (!neg) {
      if (v == Long.MIN_VALUE) {
        return false;
      }
      v = -v;
    }
    out[0] = v;
    return true;
  }
}
