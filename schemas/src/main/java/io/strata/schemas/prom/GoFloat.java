package io.strata.schemas.prom;

import java.math.BigDecimal;

/**
 * Floats written as Prometheus (Go) writes them, so values read the same here as there: {@link #format}
 * is {@code strconv.FormatFloat(v, 'g', -1, 64)} ({@code %v}: templates' {@code $value}, {@code le} and
 * {@code quantile} labels, PromQL literals), {@link #plain} is {@code FormatFloat(v, 'f', -1, 64)} (HTTP API
 * sample values). Shortest round-tripping digits come from {@code Double.toString}, which on JDK 17 is
 * shortest for all but rare values (JDK-4511638).
 */
public final class GoFloat {
  private GoFloat() {}

  /** {@code 1}, {@code 0.5}, {@code 1e+06}, {@code 1.5e-07}, {@code +Inf}, {@code -Inf}, {@code NaN}. */
  public static String format(double v) {
    String special = special(v);
    if (special != null) {
      return special;
    }
    BigDecimal bd = new BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
    String digits = bd.unscaledValue().toString();
    int exp = digits.length() - 1 - bd.scale(); // decimal exponent of the first digit
    StringBuilder sb = new StringBuilder(24);
    if (v < 0) {
      sb.append('-');
    }
    // 'g' with the shortest precision switches to the exponent form below 1e-4 and from 1e+6
    if (exp < -4 || exp >= 6) {
      return appendExponent(sb, digits, exp).toString();
    }
    if (exp < 0) {
      sb.append("0.");
      for (int i = -1; i > exp; i--) {
        sb.append('0');
      }
      sb.append(digits);
    } else if (digits.length() <= exp + 1) {
      sb.append(digits);
      for (int i = digits.length(); i <= exp; i++) {
        sb.append('0');
      }
    } else {
      sb.append(digits, 0, exp + 1).append('.').append(digits, exp + 1, digits.length());
    }
    return sb.toString();
  }

  /**
   * {@code strconv.FormatFloat(v, 'e', -1, 64)}: {@code 1e+00}, {@code 1.5e+02}, {@code -2.5e-07}, as the HTTP API
   * writes alert values.
   */
  public static String exponent(double v) {
    String special = special(v);
    if (special != null) {
      return v == 0 ? special + "e+00" : special;
    }
    BigDecimal bd = new BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
    String digits = bd.unscaledValue().toString();
    StringBuilder sb = new StringBuilder(24);
    if (Double.doubleToRawLongBits(v) < 0) { // -0 keeps its sign, as in Go
      sb.append('-');
    }
    return appendExponent(sb, digits, digits.length() - 1 - bd.scale()).toString();
  }

  /** {@code d.ddde±XX} from the significant digits and the decimal exponent of the first one. */
  private static StringBuilder appendExponent(StringBuilder sb, String digits, int exp) {
    sb.append(digits.charAt(0));
    if (digits.length() > 1) {
      sb.append('.').append(digits, 1, digits.length());
    }
    sb.append('e').append(exp < 0 ? '-' : '+');
    int a = Math.abs(exp);
    if (a < 10) {
      sb.append('0');
    }
    return sb.append(a);
  }

  /** Shortest digits, never an exponent: {@code 1000000}, {@code 0.00001}. */
  public static String plain(double v) {
    String special = special(v);
    if (special != null) {
      return special;
    }
    String s = Double.toString(v);
    if (s.indexOf('E') < 0) {
      // plain already ("12.0", "0.0020"): only the trailing zeros and a bare point go, which is what the
      // BigDecimal route gives for these, without its cost on every value of an HTTP API result
      int end = s.length();
      while (s.charAt(end - 1) == '0') {
        end--;
      }
      if (s.charAt(end - 1) == '.') {
        end--;
      }
      return s.substring(0, end);
    }
    return new BigDecimal(s).stripTrailingZeros().toPlainString();
  }

  private static String special(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == 0) {
      return Double.doubleToRawLongBits(v) < 0 ? "-0" : "0";
    }
    return null;
  }
}
