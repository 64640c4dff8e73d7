package io.strata.promql.ast;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
      assertEquals(new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString(), GoFormat.plain(v), "value " + v);
    }
  }
}
