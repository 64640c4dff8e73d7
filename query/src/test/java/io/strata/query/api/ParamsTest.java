package io.strata.query.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ParamsTest {
  @Test
  void timestampsAreSecondsWithUpToThreeDecimals() {
    assertEquals("1767225600", Params.formatTimestamp(1_767_225_600_000L));
    assertEquals("1767225600.5", Params.formatTimestamp(1_767_225_600_500L));
    assertEquals("1767225600.05", Params.formatTimestamp(1_767_225_600_050L));
    assertEquals("1767225600.007", Params.formatTimestamp(1_767_225_600_007L));
    assertEquals("1767225600.123", Params.formatTimestamp(1_767_225_600_123L));
    assertEquals("1767225600.12", Params.formatTimestamp(1_767_225_600_120L));
    assertEquals("0", Params.formatTimestamp(0));
    assertEquals("-1.5", Params.formatTimestamp(-1_500));
    assertEquals("-1.001", Params.formatTimestamp(-1_001));
  }
}
