package io.strata.schemas.prom;

import com.fasterxml.jackson.core.io.NumberOutput;

/**
 * Floats written as Prometheus (Go) writes them, so values read the same here as there: {@link #format}
 * is {@code strconv.FormatFloat(v, 'g', -1, 64)} ({@code %v}: templates' {@code $value}, {@code le} and
 * {@code quantile} labels, PromQL literals), {@link #plain} is {@code FormatFloat(v, 'f', -1, 64)} (HTTP API
 * sample values). Shortest round-tripping digits, as Go finds them, come from Jackson's Schubfach
 * ({@link NumberOutput#toString(double, boolean)}, the algorithm of JDK 19's {@code Double.toString}): JDK 17's
 * {@code Double.toString} is not shortest for some values (JDK-4511638) and was most of the time an HTTP
 * API response of a large matrix spent formatting.
 */
public final class GoFloat {
  private GoFloat() {}

  /** {@code 1}, {@code 0.5}, {@code 1e+06}, {@code 1.5e-07}, {@code +Inf}, {@code -Inf}, {@code NaN}. */
  public static String format(double v) {
    String special = special(v);
    if (special != null) {
      return special;
    }
    Decimal d = Decimal.of(v);
    StringBuilder sb = new StringBuilder(24);
    if (v < 0) {
      sb.append('-');
    }
    // 'g' with the shortest precision switches to the exponent form below 1e-4 and from 1e+6
    if (d.exp < -4 || d.exp >= 6) {
      return appendExponent(sb, d.digits, d.exp).toString();
    }
    return d.appendPlain(sb).toString();
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
    Decimal d = Decimal.of(v);
    StringBuilder sb = new StringBuilder(24);
    if (Double.doubleToRawLongBits(v) < 0) { // -0 keeps its sign, as in Go
      sb.append('-');
    }
    return appendExponent(sb, d.digits, d.exp).toString();
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
    return special != null ? special : appendPlain(new StringBuilder(24), v).toString();
  }

  /** {@link #plain} appended to {@code sb}, without a String of its own for integers and specials. */
  public static StringBuilder appendPlain(StringBuilder sb, double v) {
    String special = special(v);
    if (special != null) {
      return sb.append(special);
    }
    if (Math.abs(v) < 0x1p53 && v == Math.rint(v)) {
      // an integer (bytes, counts): below 2^53 its own digits are the shortest that read back as it
      return sb.append((long) v);
    }
    String s = NumberOutput.toString(v, true);
    if (s.indexOf('E') < 0) {
      // plain already ("12.0", "0.0020"): only the trailing zeros and a bare point go
      int end = s.length();
      while (s.charAt(end - 1) == '0') {
        end--;
      }
      if (s.charAt(end - 1) == '.') {
        end--;
      }
      return sb.append(s, 0, end);
    }
    if (v < 0) {
      sb.append('-');
    }
    return Decimal.parse(s).appendPlain(sb);
  }

  /** The shortest round-tripping decimal of |v| (v finite, not 0): significant digits, no leading or trailing zeros. */
  private static final class Decimal {
    final String digits;
    /** The decimal exponent of the first digit: 1.5 has 0, 0.015 has -2, 150 has 2. */
    final int exp;

    private Decimal(String digits, int exp) {
      this.digits = digits;
      this.exp = exp;
    }

    static Decimal of(double v) {
      return parse(NumberOutput.toString(v, true));
    }

    /** From Java's notation of v ({@code 12.0}, {@code 0.0020}, {@code -1.5E-7}); the sign is ignored. */
    static Decimal parse(String javaNotation) {
      String s = javaNotation.charAt(0) == '-' ? javaNotation.substring(1) : javaNotation;
      int e = s.indexOf('E');
      int exp10 = e < 0 ? 0 : Integer.parseInt(s, e + 1, s.length(), 10);
      int dot = s.indexOf('.');
      int mantEnd = e < 0 ? s.length() : e;
      StringBuilder all = new StringBuilder(mantEnd).append(s, 0, dot).append(s, dot + 1, mantEnd);
      int first = 0;
      while (first < all.length() - 1 && all.charAt(first) == '0') {
        first++;
      }
      int last = all.length();
      while (last > first + 1 && all.charAt(last - 1) == '0') {
        last--;
      }
      return new Decimal(all.substring(first, last), exp10 + dot - 1 - first);
    }

    /** {@code 1000000}, {@code 12.5}, {@code 0.00001}: the digits placed by the exponent, as 'f' writes them. */
    StringBuilder appendPlain(StringBuilder sb) {
      if (exp < 0) {
        sb.append("0.");
        for (int i = -1; i > exp; i--) {
          sb.append('0');
        }
        return sb.append(digits);
      }
      if (digits.length() <= exp + 1) {
        sb.append(digits);
        for (int i = digits.length(); i <= exp; i++) {
          sb.append('0');
        }
        return sb;
      }
      return sb.append(digits, 0, exp + 1).append('.').append(digits, exp + 1, digits.length());
    }
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
