package io.strata.ingest.exposition;

import java.nio.charset.StandardCharsets;

/**
 * Parses numbers straight from bytes with Go's {@code strconv} grammar (what Prometheus uses): decimal and
 * exponent floats, {@code NaN}, {@code Inf}/{@code +Inf}/{@code -Inf} (case-insensitive, also
 * {@code Infinity}) and hex floats. Returns a NaN with {@link #INVALID_BITS} for malformed input so the
 * hot path needs no exception or allocation.
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
      return hexOrInvalid(b, start, end);
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
    return Double.parseDouble(new String(b, start, end - start, StandardCharsets.ISO_8859_1));
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

  /**
   * Go accepts hex floats such as {@code 0x1.8p3}: {@code 0x}, hex digits with at most one point (at least
   * one digit), then a mandatory {@code p} exponent of decimal digits with an optional sign. The grammar is
   * checked here in full because Java's parser accepts more (a {@code d}/{@code f} suffix, blanks); the
   * checked text is then converted by Java, which rounds hex the same way (to nearest, ties to even).
   */
  private static double hexOrInvalid(byte[] b, int start, int end) {
    int i = start;
    if (b[i] == '+' || b[i] == '-') {
      i++;
    }
    if (end - i < 4 || b[i] != '0' || (b[i + 1] != 'x' && b[i + 1] != 'X')) {
      return Double.longBitsToDouble(INVALID_BITS);
    }
    i += 2;
    int hexDigits = 0;
    boolean point = false;
    for (; i < end && b[i] != 'p' && b[i] != 'P'; i++) {
      byte c = b[i];
      if (c == '.' && !point) {
        point = true;
      } else if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
        hexDigits++;
      } else {
        return Double.longBitsToDouble(INVALID_BITS);
      }
    }
    if (hexDigits == 0 || i == end) {
      return Double.longBitsToDouble(INVALID_BITS); // no digits, or no p exponent
    }
    i++;
    if (i < end && (b[i] == '+' || b[i] == '-')) {
      i++;
    }
    if (i == end) {
      return Double.longBitsToDouble(INVALID_BITS);
    }
    for (; i < end; i++) {
      if (b[i] < '0' || b[i] > '9') {
        return Double.longBitsToDouble(INVALID_BITS);
      }
    }
    try {
      return Double.parseDouble(new String(b, start, end - start, StandardCharsets.ISO_8859_1));
    } catch (NumberFormatException e) {
      return Double.longBitsToDouble(INVALID_BITS);
    }
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
