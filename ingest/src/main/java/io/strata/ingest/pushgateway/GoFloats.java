package io.strata.ingest.pushgateway;

import java.math.BigDecimal;

/**
 * Formats a float64 as Go's {@code strconv.FormatFloat(v, 'g', -1, 64)}: the shortest digits that read
 * back to the same value, in exponent form when the exponent is below -4 or at least 6 ({@code 1e+06},
 * {@code 1.5e-05}, {@code 0.0001}, {@code 100000}), plus {@code NaN}, {@code +Inf}, {@code -Inf}. The
 * Pushgateway writes {@code le} and {@code quantile} label values and its JSON values this way, so a pushed
 * {@code le="1.0"} is exposed, and emitted by Strata, as {@code le="1"}.
 */
public final class GoFloats {
  private GoFloats() {}

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
    // Double.toString gives the shortest round-tripping digits (JDK 19+; JDK 17 is shortest for all but rare values)
    BigDecimal d = new BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
    String digits = d.unscaledValue().toString();
    int nd = digits.length();
    int dp = nd - d.scale(); // value = 0.digits * 10^dp
    int exp = dp - 1;
    StringBuilder sb = new StringBuilder(24);
    if (v < 0) {
      sb.append('-');
    }
    if (exp < -4 || exp >= 6) {
      sb.append(digits.charAt(0));
      if (nd > 1) {
        sb.append('.').append(digits, 1, nd);
      }
      sb.append('e').append(exp < 0 ? '-' : '+');
      int ae = Math.abs(exp);
      if (ae < 10) {
        sb.append('0');
      }
      sb.append(ae);
      return sb.toString();
    }
    if (dp <= 0) {
      sb.append("0.");
      for (int i = 0; i < -dp; i++) {
        sb.append('0');
      }
      sb.append(digits);
    } else if (dp >= nd) {
      sb.append(digits);
      for (int i = nd; i < dp; i++) {
        sb.append('0');
      }
    } else {
      sb.append(digits, 0, dp).append('.').append(digits, dp, nd);
    }
    return sb.toString();
  }
}
