package io.strata.schemas.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Summaries of runs composed in order equal the summary of the concatenated samples. */
class SampleSummaryTest {
  private static double randomValue(Random rnd, double prev) {
    return switch (rnd.nextInt(8)) {
      case 0 -> Double.NaN;
      case 1 -> StaleMarker.VALUE;
      case 2 -> prev; // no change
      case 3 -> rnd.nextInt(3); // a reset, mostly
      default -> prev + rnd.nextInt(100);
    };
  }

  @Test
  void composedRunsEqualTheWholeSequence() {
    Random rnd = new Random(7);
    for (int trial = 0; trial < 2000; trial++) {
      int n = rnd.nextInt(30);
      long[] t = new long[n];
      double[] v = new double[n];
      double prev = 0;
      for (int i = 0; i < n; i++) {
        t[i] = i * 15_000L;
        v[i] = prev = randomValue(rnd, Double.isNaN(prev) ? 0 : prev);
      }
      SampleSummary whole = new SampleSummary();
      for (int i = 0; i < n; i++) {
        whole.add(t[i], v[i]);
      }
      // cut into random runs, each summarized on its own, then composed
      SampleSummary composed = new SampleSummary();
      SampleSummary run = new SampleSummary();
      for (int i = 0; i < n; i++) {
        run.add(t[i], v[i]);
        if (rnd.nextInt(4) == 0 || i == n - 1) {
          composed.add(run);
          run.clear();
        }
      }
      assertEquals(whole.toString(), composed.toString(), "trial " + trial);
    }
  }

  @Test
  void prometheusRulesAtTheSeam() {
    SampleSummary s = new SampleSummary();
    s.add(0, 5);
    s.add(1, 3); // reset: 5 is carried
    s.add(2, 3); // no change
    s.add(3, Double.NaN); // a change, not a reset (NaN < 3 is false)
    s.add(4, Double.NaN); // NaN to NaN: no change
    s.add(5, StaleMarker.VALUE); // not a sample
    s.add(6, 1); // NaN to 1: a change, not a reset
    assertEquals(6, s.count);
    assertEquals(5.0, s.correction);
    assertEquals(1, s.resets);
    assertEquals(3, s.changes);
    assertEquals(1.0, s.min);
    assertEquals(5.0, s.max);
    assertEquals(5.0, s.first);
    assertEquals(1.0, s.last);
    assertEquals(6, s.lastMs);
  }
}
