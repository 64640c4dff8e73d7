package io.strata.tsdb.chunkenc;

/**
 * Exact conversion between a double and a scaled decimal {@code m × 10^e} with {@code |m| < 2^53} and
 * {@code |e| <= 22}. In that range both m and 10^|e| are exact doubles, so {@code m / 10^-e} (or
 * {@code m * 10^e}) is one correctly rounded IEEE operation: it returns the double nearest to the decimal,
 * which is the original value whenever the decimal is a representation of it that reads back (the shortest
 * one, as {@code Double.toString} prints, always is). Every conversion is verified bit for bit by doing the
 * decoder's operation, so a value that does not come back exactly (NaN, ±Inf, -0.0, or too many digits) is
 * never stored as a decimal.
 */
public final class DecimalConversion {
  private DecimalConversion() {}

  /** 10^22 is the largest power of ten that a double holds exactly. */
  public static final int MAX_EXPONENT = 22;
  /** Mantissas stay below 2^53, where every integer is an exact double. */
  public static final long MANTISSA_LIMIT = 1L << 53;
  /** Returned by {@link #exponent} for a value that has no decimal form here. */
  public static final int NONE = Integer.MIN_VALUE;
  /** Returned by {@link #exponent} for +0.0, which every exponent represents (mantissa 0). */
  public static final int ANY = Integer.MAX_VALUE;

  static final double[] POW10 = new double[MAX_EXPONENT + 1];

  static {
    double p = 1;
    for (int i = 0; i <= MAX_EXPONENT; i++) {
      POW10[i] = p; // exact: every product up to 1e22 is representable
      p *= 10;
    }
  }

  /** The value {@code m × 10^e}: one correctly rounded multiplication or division. */
  public static double toDouble(long m, int e) {
    return e >= 0 ? (double) m * POW10[e] : (double) m / POW10[-e];
  }

  /**
   * The largest exponent e (fewest decimals) with which the value of {@code bits} is {@code m × 10^e}
   * exactly; {@link #ANY} for +0.0, {@link #NONE} if there is none.
   */
  public static int exponent(long bits) {
    if (bits == 0) {
      return ANY;
    }
    double v = Double.longBitsToDouble(bits);
    if (Double.isNaN(v) || Double.isInfinite(v) || bits == Long.MIN_VALUE) {
      return NONE; // -0.0 would come back as +0.0
    }
    double a = Math.abs(v);
    if (a < MANTISSA_LIMIT) {
      // try 0, 1, 2, ... decimals: the first that reads back is the shortest
      for (int k = 0; k <= MAX_EXPONENT; k++) {
        double m = Math.rint(v * POW10[k]);
        if (Math.abs(m) >= MANTISSA_LIMIT) {
          return NONE; // more decimals only make the mantissa larger
        }
        if (Double.doubleToRawLongBits(m / POW10[k]) == bits) {
          return -k;
        }
      }
      return NONE;
    }
    // beyond 2^53: the first exponent that fits, then as many more trailing zeros as the value has
    int found = NONE;
    for (int e = 1; e <= MAX_EXPONENT; e++) {
      double m = Math.rint(v / POW10[e]);
      if (Math.abs(m) < MANTISSA_LIMIT && Double.doubleToRawLongBits(m * POW10[e]) == bits) {
        found = e;
      } else if (found != NONE) {
        break;
      }
    }
    return found;
  }

  /**
   * The mantissa of {@code bits} at exponent e, or {@link Long#MIN_VALUE} when the value is not exactly
   * {@code m × 10^e} with {@code |m| < 2^53}.
   */
  public static long mantissa(long bits, int e) {
    double v = Double.longBitsToDouble(bits);
    double m = Math.rint(e >= 0 ? v / POW10[e] : v * POW10[-e]);
    if (!(Math.abs(m) < MANTISSA_LIMIT)) {
      return Long.MIN_VALUE; // also NaN and ±Inf
    }
    long lm = (long) m;
    return Double.doubleToRawLongBits(toDouble(lm, e)) == bits ? lm : Long.MIN_VALUE;
  }
}
