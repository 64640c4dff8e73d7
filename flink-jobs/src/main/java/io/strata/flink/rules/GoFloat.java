package io.strata.flink.rules;

import java.math.BigDecimal;

/**
 * Formats a float64 as Go's {@code fmt} {@code %v} does ({@code strconv.FormatFloat(v, 'g', -1, 64)}):
 * the shortest digits, exponent form when the decimal exponent is below -4 or at least 6 (so 1e+06,
 * 100000, 0.0001, 1e-05), and NaN, +Inf, -Inf. This is how {@code {{ $value }}} prints in Prometheus
 * templates, so annotations read the same here as there.
 */
public final class GoFloat {
  private GoFloat() {}

  public static String format(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == 0) {
      return (Double.doubleToRawLongBits(v) < 0) ? "-0" : "0";
    }
    // Double.toString gives a short round-tripping decimal; BigDecimal splits it into digits and exponent.
    BigDecimal bd = new BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
    String digits = bd.unscaledValue().toString();
    int exp = digits.length() - 1 - bd.scale(); // decimal exponent of the first digit
    StringBuilder sb = new StringBuilder(24);
    if (v < 0) {
      sb.append('-');
    }
    if (exp < -4 || exp >= 6) {
      sb.append(digits.charAt(0));
      if (digits.length() > 1) {
        sb.append('.').append(digits, 1, digits.length());
      }
      sb.append('e').append(exp < 0 ? '-' : '+');
      int a = Math.abs(exp);
      if (a < 10) {
        sb.append('0');
      }
      sb.append(a);
    } else if (exp >= 0) {
      if (digits.length() <= exp + 1) {
        sb.append(digits).append("0".repeat(exp + 1 - digits.length()));
      } else {
        sb.append(digits, 0, exp + 1).append('.').append(digits, exp + 1, digits.length());
      }
    } else {
      sb.append("0.").append("0".repeat(-exp - 1)).append(digits);
    }
    return sb.toString();
  }
}
