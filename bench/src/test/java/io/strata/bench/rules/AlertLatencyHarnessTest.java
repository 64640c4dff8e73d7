package io.strata.bench.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The probe schedule of {@link AlertLatencyHarness}: a change can only be measured if the probe holds it for
 * longer than the slower side's latency. The first version cut the first up phase of some probes to 15 s,
 * shorter than Strata's ~16 s, and reported those firing changes as never reaching Strata's Alertmanager.
 */
class AlertLatencyHarnessTest {
  /** Lengths of the runs of equal values of probe {@code i} over the whole feed (warm-up 4, 16 measured rounds). */
  private static List<Integer> upRuns(int i, int warmup, int rounds) {
    List<Integer> runs = new ArrayList<>();
    boolean up = false;
    int run = 0;
    for (int k = 0; k < rounds + 6; k++) {
      boolean now = AlertLatencyHarness.probeUp(i, k, warmup, rounds, up);
      if (now) {
        run++;
      } else if (up) {
        runs.add(run);
        run = 0;
      }
      up = now;
    }
    assertFalse(up, "probe " + i + " is still up when the feed ends: its resolve would not be measured");
    return runs;
  }

  @Test
  void everyUpPhaseOfEveryProbeLastsFourRounds() {
    int warmup = 4;
    int rounds = warmup + 4 * 4;
    int changes = 0;
    for (int i = 0; i < 16; i++) {
      List<Integer> runs = upRuns(i, warmup, rounds);
      assertFalse(runs.isEmpty(), "probe " + i + " never goes up");
      for (int r : runs) {
        assertEquals(4, r, "probe " + i + ": up phases " + runs);
      }
      changes += runs.size();
    }
    assertTrue(changes >= 32, "16 probes over 16 measured rounds: at least two full up phases each, got " + changes);
  }

  @Test
  void nothingIsUpDuringTheWarmUpAndPhasesAreStaggered() {
    for (int i = 0; i < 16; i++) {
      for (int k = 0; k < 4; k++) {
        assertFalse(AlertLatencyHarness.probeUp(i, k, 4, 20, false), "probe " + i + " up in warm-up round " + k);
      }
    }
    assertTrue(AlertLatencyHarness.probeUp(0, 4, 4, 20, false));
    assertFalse(AlertLatencyHarness.probeUp(3, 4, 4, 20, false), "probe 3 starts 3 rounds later, with a whole phase");
    assertTrue(AlertLatencyHarness.probeUp(3, 7, 4, 20, false));
  }
}
