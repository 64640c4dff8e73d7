package io.strata.app.up.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final long S = 1_000_000_000L;
  private final Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(1));

  @Test
  void firstRestartAtOnceThenDoublingUpToTheMax() {
    long t = 1_000 * S;
    assertTrue(b.due(t));
    assertEquals(Duration.ofSeconds(1), b.attempted(t));
    assertFalse(b.due(t + S / 2));
    assertTrue(b.due(t + S));
    t += S;
    assertEquals(Duration.ofSeconds(2), b.attempted(t));
    assertFalse(b.due(t + S));
    t += 2 * S;
    assertEquals(Duration.ofSeconds(4), b.attempted(t));
    for (int i = 0; i < 40; i++) {
      t += 30 * S;
      b.attempted(t);
    }
    assertEquals(Duration.ofSeconds(30), b.attempted(t + 30 * S), "never more than the max, even after many restarts");
  }

  @Test
  void delaysStartOverOnlyAfterTheStageStayedHealthyForTheStablePeriod() {
    long t = 0;
    b.attempted(t);
    t += S;
    b.attempted(t); // next wait 4 s
    b.healthy(t + S);
    b.healthy(t + 30 * S); // healthy 29 s: a crash loop, not stable yet
    b.unhealthy();
    assertFalse(b.due(t + 3 * S) && b.attempts() == 0);
    assertEquals(Duration.ofSeconds(4), b.attempted(t + 31 * S));
    t += 31 * S;
    b.healthy(t + S);
    b.healthy(t + 62 * S); // healthy a minute
    assertTrue(b.due(t + 62 * S));
    assertEquals(Duration.ofSeconds(1), b.attempted(t + 62 * S), "a new failure after a stable minute starts at 1 s again");
  }
}
