package io.strata.promql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void parsesEveryUnitAndCombinations() {
    assertEquals(5_400_000, Durations.parse("1h30m"));
    assertEquals(300_000, Durations.parse("5m"));
    assertEquals(10_000, Durations.parse("10s"));
    assertEquals(86_400_000, Durations.parse("1d"));
    assertEquals(604_800_000, Durations.parse("1w"));
    assertEquals(31_536_000_000L, Durations.parse("1y"));
    assertEquals(100, Durations.parse("100ms"));
    assertEquals(1_500, Durations.parse("1s500ms"));
    assertEquals(0, Durations.parse("0"));
  }

  @Test
  void rejectsUnitsOutOfOrderRepeatedOrUnknown() {
    assertEquals("not a valid duration string: \"30m1h\"",
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("30m1h")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("1m1m"));
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("5x"));
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("1.5m"));
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("-5m"));
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("5"));
    assertEquals("empty duration string", assertThrows(IllegalArgumentException.class, () -> Durations.parse("")).getMessage());
  }

  @Test
  void formatsLikePrometheus() {
    assertEquals("0s", Durations.format(0));
    assertEquals("1h30m", Durations.format(5_400_000));
    assertEquals("90d", Durations.format(90L * 86_400_000));
    assertEquals("2w", Durations.format(14L * 86_400_000));
    assertEquals("1y", Durations.format(365L * 86_400_000));
    assertEquals("1s500ms", Durations.format(1_500));
    assertEquals("-5m", Durations.format(-300_000));
  }
}
