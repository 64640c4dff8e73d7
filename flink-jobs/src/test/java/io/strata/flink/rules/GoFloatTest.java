package io.strata.flink.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Expected strings are what Go's fmt.Sprint(float64) prints. */
class GoFloatTest {
  @Test
  void formatsLikeGoPercentV() {
    assertEquals("0", GoFloat.format(0));
    assertEquals("1", GoFloat.format(1));
    assertEquals("-2.5", GoFloat.format(-2.5));
    assertEquals("0.95", GoFloat.format(0.95));
    assertEquals("100000", GoFloat.format(100000));
    assertEquals("1e+06", GoFloat.format(1_000_000));
    assertEquals("1.23456789e+08", GoFloat.format(123456789));
    assertEquals("0.0001", GoFloat.format(0.0001));
    assertEquals("1e-05", GoFloat.format(0.00001));
    assertEquals("1.5e-07", GoFloat.format(1.5e-7));
    assertEquals("1e+100", GoFloat.format(1e100));
    assertEquals("0.1", GoFloat.format(0.1));
    assertEquals("NaN", GoFloat.format(Double.NaN));
    assertEquals("+Inf", GoFloat.format(Double.POSITIVE_INFINITY));
    assertEquals("-Inf", GoFloat.format(Double.NEGATIVE_INFINITY));
  }
}
