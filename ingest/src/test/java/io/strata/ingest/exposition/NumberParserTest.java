package io.strata.ingest.exposition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link NumberParser} against {@link Double#parseDouble} (correctly rounded) on the decimal grammar both
 * share: every result must have the same bits, whether it came from the fast path or the slow one.
 */
class NumberParserTest {

  private static double parse(String s) {
    byte[] b = ("##" + s + "##").getBytes(StandardCharsets.ISO_8859_1); // an offset range, not the whole array
    return NumberParser.parseDouble(b, 2, 2 + s.length());
  }

  /** Java's value, except that a literal Java rounds to ±Inf is invalid (Go's ErrRange). */
  private static void assertSameAsJava(String s) {
    double java = Double.parseDouble(s);
    double expected = Double.isInfinite(java) ? Double.longBitsToDouble(NumberParser.INVALID_BITS) : java;
    double actual = parse(s);
    assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(actual),
        () -> s + ": expected " + expected + ", got " + actual);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "0", "-0", "+0", "1", "-1", "0.1", "0.2", "0.3", "0.30000000000000004", "1.7976931348623157e308", "1.7976931348623158e308",
    "4.9e-324", "2.4703282292062327e-324", "2.4703282292062328e-324", "2.2250738585072014E-308", "2.2250738585072011e-308",
    "1e-310", "1e22", "1e23", "1e-22", "1e-23", "9007199254740991", "9007199254740992", "9007199254740993", "9007199254740995",
    "123456789012345678", "12345678901234567890", "1234567890123456789012345", "0.000000000000000000000000000001",
    "1.", ".5", "+.5", "-.5", "00012", "1e+05", "1E-5", "12e30", "9e37", "8.98846567431158e307", "3.141592653589793",
    "2.718281828459045", "1.8253e+05", "0.0001", "1234567", "1.25", "5e-324", "1e-400", "-1e-400", "123.456e-2",
    "100000000000000000000000", "0.1e1", "7.038531e-26", "1.00000000000000011102230246251565404236316680908203125",
    "1.00000000000000011102230246251565404236316680908203124", "1.00000000000000011102230246251565404236316680908203126",
  })
  void decimalValuesEqualJavas(String s) {
    assertSameAsJava(s);
  }

  @Test
  void randomDecimalValuesEqualJavas() {
    SplittableRandom r = new SplittableRandom(20261122);
    for (int n = 0; n < 60_000; n++) {
      String s;
      switch (n % 4) {
        case 0 -> s = Double.toString(Double.longBitsToDouble(r.nextLong())); // shortest repr of any bit pattern
        case 1 -> s = String.format(Locale.ROOT, "%.17g", r.nextDouble() * Math.pow(10, r.nextInt(-30, 30))); // 17 digits
        case 2 -> { // 1-20 random digits, a point somewhere, an exponent
          StringBuilder sb = new StringBuilder();
          int digits = r.nextInt(1, 21);
          int point = r.nextInt(0, digits + 1);
          for (int i = 0; i < digits; i++) {
            if (i == point) {
              sb.append('.');
            }
            sb.append((char) ('0' + r.nextInt(10)));
          }
          if (r.nextBoolean()) {
            sb.append('e').append(r.nextInt(-340, 320));
          }
          s = (r.nextBoolean() ? "-" : "") + sb;
        }
        default -> s = Long.toString(r.nextLong() >> r.nextInt(64)) + (r.nextBoolean() ? "" : "." + r.nextInt(1000)); // integers, short fractions
      }
      if (s.contains("NaN") || s.contains("Infinity")) {
        continue;
      }
      assertSameAsJava(s);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"NaN", "nan", "NAN"})
  void nan(String s) {
    assertTrue(Double.isNaN(parse(s)));
    assertTrue(!NumberParser.isInvalid(parse(s)), s);
  }

  @ParameterizedTest
  @ValueSource(strings = {"+Inf", "Inf", "inf", "+inf", "Infinity", "+infinity", "INF"})
  void positiveInfinity(String s) {
    assertEquals(Double.POSITIVE_INFINITY, parse(s));
  }

  @ParameterizedTest
  @ValueSource(strings = {"-Inf", "-inf", "-Infinity"})
  void negativeInfinity(String s) {
    assertEquals(Double.NEGATIVE_INFINITY, parse(s));
  }

  /**
   * What Debian's Prometheus 2.42 fails a scrape on (checked by scraping each as the only sample): hex floats
   * and {@code _} ("unsupported character in float"), literals that overflow ("value out of range").
   */
  @ParameterizedTest
  @ValueSource(strings = {"0x1p-2", "0X1.8P3", "-0x1p0", "0x.8p0", "+0x10", "0x10", "1_000", "1e400", "-1e400", "1.8e308",
    "0b101", "0o17"})
  void rejectedAsPrometheusRejectsThem(String s) {
    assertTrue(NumberParser.isInvalid(parse(s)), () -> s + " parsed as " + parse(s));
  }

  /** Accepted by the same Prometheus: {@code 010} is decimal ten, {@code 1e-400} underflows to 0 without error. */
  @Test
  void acceptedAsPrometheusAcceptsThem() {
    assertEquals(10.0, parse("010"));
    assertEquals(0.0, parse("1e-400"));
    assertEquals(1.0, parse("1."));
    assertEquals(Double.MAX_VALUE, parse("1.7976931348623158e308")); // rounds to the largest double, not to Inf
  }

  /** Java's parser accepts some of these (suffixes, blanks, hex without exponent); Go's ParseFloat accepts none. */
  @ParameterizedTest
  @ValueSource(strings = {
    "", "+", "-", ".", "e5", "1e", "1e+", "1e-", "--1", "+-1", "1..2", "1.2.3", "1e5e5", "1x", "1d", "1f", "1D", "1.5F",
    " 1", "1 ", "\t1", "1_000", "Infinit", "Infinityy", "+NaN", "-nan", "nanx", "in", "0x", "0x1", "0x1.8", "0xp1", "0x.p1",
    "0x1p", "0x1p+", "0x1p-", "0x1g", "0x1p1d", "0x1p1f", "0x1p1D", "0x1P1F", "0x1p1.5", "0x1pp1", "0x1.8.8p1", "0x_1p0",
    "0x1p 1", "0x1p+-1", "0x1pa", "00x1p1", "0x1p1 ", "1e5d", "1.0f",
  })
  void junkIsRejected(String s) {
    assertTrue(NumberParser.isInvalid(parse(s)), () -> s + " parsed as " + parse(s));
  }

  @Test
  void integerTimestamps() {
    long[] out = new long[1];
    byte[] b = "9223372036854775807 -9223372036854775808 9223372036854775808 12a -".getBytes(StandardCharsets.US_ASCII);
    assertTrue(NumberParser.parseLong(b, 0, 19, out));
    assertEquals(Long.MAX_VALUE, out[0]);
    assertTrue(NumberParser.parseLong(b, 20, 40, out));
    assertEquals(Long.MIN_VALUE, out[0]);
    assertTrue(!NumberParser.parseLong(b, 41, 60, out)); // overflows
    assertTrue(!NumberParser.parseLong(b, 61, 64, out));
    assertTrue(!NumberParser.parseLong(b, 65, 66, out));
  }
}
