package io.strata.promql.engine;

/** Go's math where it differs from Java's, and Go's float parsing of label values. */
final class GoMath {
  private GoMath() {}

  /** Go's math.Pow: Pow(1, y) = 1 and Pow(-1, ±Inf) = 1 even for NaN/Inf y; otherwise as Java. */
  static double pow(double x, double y) {
    if (x == 1) {
      return 1;
    }
    if (x == -1 && Double.isInfinite(y)) {
      return 1;
    }
    return Math.pow(x, y);
  }

  /** Go's math.Log2: exact for powers of two. */
  static double log2(double x) {
    if (x > 0 && !Double.isInfinite(x)) {
      int exp = Math.getExponent(x);
      if (exp >= Double.MIN_EXPONENT && x == Math.scalb(1.0, exp)) {
        return exp;
      }
    }
    return Math.log(x) * (1 / Math.log(2));
  }

  /**
   * Go's strconv.ParseFloat for a label value such as {@code le}: accepts [+-]Inf, [+-]Infinity, NaN
   * (any case), decimals and hex floats; rejects surrounding spaces and Java's d/f suffixes. Returns
   * null when the text is not a number.
   */
  static Double parseFloat(String s) {
    if (s == null || s.isEmpty()) {
      return null;
    }
    String body = s;
    boolean neg = false;
    if (body.charAt(0) == '+' || body.charAt(0) == '-') {
      neg = body.charAt(0) == '-';
      body = body.substring(1);
    }
    String lower = body.toLowerCase();
    if (lower.equals("inf") || lower.equals("infinity")) {
      return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (lower.equals("nan")) {
      return Double.NaN;
    }
    if (body.isEmpty()) {
      return null;
    }
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      boolean ok = (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'
          || c == 'x' || c == 'X' || c == 'p' || c == 'P' || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!ok) {
        return null;
      }
    }
    char last = body.charAt(body.length() - 1);
    if ((last == 'd' || last == 'D' || last == 'f' || last == 'F') && !lower.startsWith("0x")) {
      return null;
    }
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
