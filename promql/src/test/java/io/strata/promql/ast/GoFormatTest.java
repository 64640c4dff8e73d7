package io.strata.promql.ast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GoFormatTest {
  @Test
  void plainPrintsValuesAsPrometheusDoes() {
    assertEquals("1", GoFormat.plain(1.0));
    assertEquals("100", GoFormat.plain(100.0));
    assertEquals("0.002", GoFormat.plain(0.002));
    assertEquals("-0.5", GoFormat.plain(-0.5));
    assertEquals("10000000", GoFormat.plain(1e7));
    assertEquals("0.000015", GoFormat.plain(1.5e-5));
    assertEquals("123456789012345680000", GoFormat.plain(1.2345678901234568e20));
    assertEquals("-0", GoFormat.plain(-0.0));
    assertEquals("NaN", GoFormat.plain(Double.NaN));
    assertEquals("+Inf", GoFormat.plain(Double.POSITIVE_INFINITY));
  }

  @Test
  void plainFastPathAgreesWithDecimalExpansionAcrossMagnitudes() {
    SplittableRandom r = new SplittableRandom(42);
    for (int i = 0; i < 200_000; i++) {
      double v = (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(-12, 22));
      if (i % 3 == 0) {
        v = Math.round(v * 100) / 100.0;
      }
      if (v == 0) {
        continue;
      }
      String got = GoFormat.plain(v);
      String jdk = new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
      // Go prints the shortest digits that read back as the same double, never an exponent
      assertEquals(Double.doubleToRawLongBits(v), Double.doubleToRawLongBits(Double.parseDouble(got)), "round trip of " + v);
      assertFalse(got.contains("E") || got.contains("e"), got);
      if (!jdk.equals(got)) {
        // JDK 17's Double.toString is not always the shortest (JDK-4511638, fixed in 19): then ours is shorter
        int ours = new BigDecimal(got).stripTrailingZeros().precision();
        assertTrue(ours < new BigDecimal(jdk).stripTrailingZeros().precision(), "value " + v + ": " + got + " vs " + jdk);
      }
    }
  }
}
