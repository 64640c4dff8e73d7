package io.strata.streams.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PromDurationTest {

  @Test
  void parsesPrometheusNotation() {
    assertEquals(Duration.ofSeconds(30), PromDuration.parse("k", "30s"));
    assertEquals(Duration.ofMinutes(90), PromDuration.parse("k", "1h30m"));
    assertEquals(Duration.ofMillis(1500), PromDuration.parse("k", "1s500ms"));
    assertEquals(Duration.ofDays(8), PromDuration.parse("k", "1w1d"));
    assertEquals(Duration.ofDays(365), PromDuration.parse("k", "1y"));
    assertEquals(Duration.ZERO, PromDuration.parse("k", "0"));
    assertEquals(Duration.ZERO, PromDuration.parse("k", "0s"));
  }

  @Test
  void rejectsUnitsOutOfOrderFractionsAndNegatives() {
    assertThrows(IllegalArgumentException.class, () -> PromDuration.parse("k", "30m1h"));
    assertThrows(IllegalArgumentException.class, () -> PromDuration.parse("k", "1.5m"));
    assertThrows(IllegalArgumentException.class, () -> PromDuration.parse("k", "-1m"));
    assertThrows(IllegalArgumentException.class, () -> PromDuration.parse("k", "5"));
    assertThrows(IllegalArgumentException.class, () -> PromDuration.parse("k", ""));
    assertThrows(IllegalArgumentException.class, () -> PromDuration.parse("k", "99999999999999999999y"));
  }

  @Test
  void formatsLikePrometheus() {
    assertEquals("1m", PromDuration.format(Duration.ofSeconds(60)));
    assertEquals("1h30m", PromDuration.format(Duration.ofMinutes(90)));
    assertEquals("1d", PromDuration.format(Duration.ofHours(24)));
    assertEquals("1w", PromDuration.format(Duration.ofDays(7)));
    assertEquals("0s", PromDuration.format(Duration.ZERO));
    assertEquals("1s500ms", PromDuration.format(Duration.ofMillis(1500)));
  }
}
