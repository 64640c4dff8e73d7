package io.strata.schemas.prom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PromFormatsTest {
  @Test
  void durationsParseAsPrometheus() {
    assertEquals(5_400_000, PromDuration.parseMillis("1h30m"));
    assertEquals(100, PromDuration.parseMillis("100ms"));
    assertEquals(0, PromDuration.parseMillis("0"));
    assertEquals(365L * 86_400_000 + 7L * 86_400_000, PromDuration.parseMillis("1y1w"));
    assertFalse(PromDuration.isValid("1m1h"), "units in order");
    assertFalse(PromDuration.isValid("5"), "a unit is required");
    assertFalse(PromDuration.isValid("1.5h"));
    assertEquals("not a valid duration string: \"30 seconds\"",
        assertThrows(IllegalArgumentException.class, () -> PromDuration.parse("30 seconds")).getMessage());
    assertEquals("rollups.grace: not a valid duration string: \"x\"",
        assertThrows(IllegalArgumentException.class, () -> PromDuration.parse("rollups.grace", "x")).getMessage());
  }

  @Test
  void durationsFormatAsPrometheus() {
    assertEquals("0s", PromDuration.format(0));
    assertEquals("1h30m", PromDuration.format(5_400_000));
    assertEquals("90d", PromDuration.format(90L * 86_400_000), "weeks only when exact");
    assertEquals("2w", PromDuration.format(14L * 86_400_000));
    assertEquals("1s500ms", PromDuration.format(1500));
  }

  @Test
  void floatsFormatAsGo() {
    assertEquals("1", GoFloat.format(1));
    assertEquals("1e+06", GoFloat.format(1_000_000));
    assertEquals("100000", GoFloat.format(100_000));
    assertEquals("0.0001", GoFloat.format(0.0001));
    assertEquals("1e-05", GoFloat.format(0.00001));
    assertEquals("-2.5", GoFloat.format(-2.5));
    assertEquals("+Inf", GoFloat.format(Double.POSITIVE_INFINITY));
    assertEquals("NaN", GoFloat.format(Double.NaN));
    assertEquals("1000000", GoFloat.plain(1_000_000));
    assertEquals("0.00001", GoFloat.plain(0.00001));
    assertEquals("-0", GoFloat.plain(-0.0));
    assertEquals("8554119168", GoFloat.plain(8554119168.0));
    assertEquals("-0.0123", GoFloat.plain(-0.0123));
    assertEquals("1.5e-07", GoFloat.format(1.5e-7));
    assertEquals("123456.7", GoFloat.format(123456.7));
  }

  @Test
  void floatsAreShortestWhereJdk17DoubleToStringIsNot() {
    // JDK-4511638: JDK 17 prints 2.82879384806159008E17; Go's shortest digits are 282879384806159
    assertEquals("282879384806159000", GoFloat.plain(2.82879384806159E17));
    assertEquals("2.82879384806159e+17", GoFloat.format(2.82879384806159E17));
    assertEquals("2.82879384806159e+17", GoFloat.exponent(2.82879384806159E17));
  }

  @Test
  void plainAndExponentFormsPlaceTheSameDigitsAsBigDecimal() {
    java.util.Random r = new java.util.Random(42);
    for (int i = 0; i < 200_000; i++) {
      double v = switch (i % 4) {
        case 3 -> (double) (r.nextLong() >> r.nextInt(64)); // integers, around 2^53 too
        case 0 -> Double.longBitsToDouble(r.nextLong()); // every magnitude
        case 1 -> (r.nextInt(2_000_001) - 1_000_000) / Math.pow(10, r.nextInt(12)); // few decimal digits
        default -> r.nextDouble() * Math.pow(10, r.nextInt(40) - 20);
      };
      if (!Double.isFinite(v) || v == 0) {
        continue;
      }
      String plain = GoFloat.plain(v);
      assertEquals(v, Double.parseDouble(plain), plain);
      java.math.BigDecimal exact = new java.math.BigDecimal(plain);
      assertEquals(exact.stripTrailingZeros().toPlainString(), plain, "no redundant zeros: " + v);
      java.math.BigDecimal digits = exact.stripTrailingZeros();
      int exp = digits.precision() - 1 - digits.scale();
      String e = GoFloat.exponent(v);
      assertEquals(v, Double.parseDouble(e), e);
      assertEquals(String.format("e%s%02d", exp < 0 ? "-" : "+", Math.abs(exp)), e.substring(e.indexOf('e')), e + " of " + plain);
      String g = GoFloat.format(v);
      assertEquals(exp < -4 || exp >= 6 ? e : plain, g);
    }
  }

  @Test
  void floatsFormatAsGoExponentForm() {
    // strconv.FormatFloat(v, 'e', -1, 64), checked against Prometheus 2.42's /api/v1/alerts ("1e+00")
    assertEquals("1e+00", GoFloat.exponent(1));
    assertEquals("0e+00", GoFloat.exponent(0));
    assertEquals("-0e+00", GoFloat.exponent(-0.0));
    assertEquals("1.5e+02", GoFloat.exponent(150));
    assertEquals("-2.5e-07", GoFloat.exponent(-2.5e-7));
    assertEquals("1.2345678901234567e+19", GoFloat.exponent(12345678901234567890.0));
    assertEquals("1e-300", GoFloat.exponent(1e-300));
    assertEquals("+Inf", GoFloat.exponent(Double.POSITIVE_INFINITY));
    assertEquals("NaN", GoFloat.exponent(Double.NaN));
  }
}
