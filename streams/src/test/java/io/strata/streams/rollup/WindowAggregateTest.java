package io.strata.streams.rollup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.streams.RollupOracle;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WindowAggregateTest {

  static RollupOracle.Aggregate of(WindowAggregate a) {
    return new RollupOracle.Aggregate(a.count(), a.sum(), a.min(), a.max(), a.firstMs(), a.first(), a.lastMs(), a.last(),
        a.correction(), a.resets(), a.changes());
  }

  static WindowAggregate direct(long[] t, double[] v, int from, int to) {
    WindowAggregate a = new WindowAggregate().clear();
    for (int i = from; i < to; i++) {
      a.add(t[i], v[i]);
    }
    return a;
  }

  @Test
  void aCounterWithAResetGivesPrometheusIncrease() {
    // 1, 3, 2, 5: Prometheus's increase without extrapolation is 2 + 2 + 3 = 7 = last - first + correction
    WindowAggregate a = direct(new long[] {0, 15, 30, 45}, new double[] {1, 3, 2, 5}, 0, 4);
    assertEquals(new RollupOracle.Aggregate(4, 11, 1, 5, 0, 1, 45, 5, 3, 1, 3), of(a));
    assertEquals(7.0, a.last() - a.first() + a.correction());
  }

  @Test
  void nanIsIgnoredByMinAndMaxUnlessEveryValueIsNanAndNanToNanIsNoChange() {
    WindowAggregate a = direct(new long[] {1, 2, 3, 4}, new double[] {Double.NaN, 5, Double.NaN, Double.NaN}, 0, 4);
    assertEquals(5.0, a.min());
    assertEquals(5.0, a.max());
    assertTrue(Double.isNaN(a.sum()), "a NaN sample makes the sum NaN");
    assertEquals(2, a.changes(), "NaN->5 and 5->NaN change, NaN->NaN does not");
    assertEquals(0, a.resets(), "no comparison with NaN is a reset");
    WindowAggregate allNan = direct(new long[] {1, 2}, new double[] {Double.NaN, Double.NaN}, 0, 2);
    assertTrue(Double.isNaN(allNan.min()) && Double.isNaN(allNan.max()));
    assertEquals(0, allNan.changes());
  }

  @Test
  void equalValuesAreNeitherChangesNorResets() {
    WindowAggregate a = direct(new long[] {1, 2, 3}, new double[] {4, 4, 4}, 0, 3);
    assertEquals(0, a.changes());
    assertEquals(0, a.resets());
    assertEquals(0.0, a.correction());
  }

  /** Random series with NaN, resets and runs of equal values, cut into random consecutive pieces. */
  @Test
  void composingConsecutivePiecesEqualsAggregatingTheConcatenation() {
    Random rnd = new Random(42);
    for (int round = 0; round < 2000; round++) {
      int n = 1 + rnd.nextInt(40);
      long[] t = new long[n];
      double[] v = new double[n];
      double cur = rnd.nextInt(5);
      for (int i = 0; i < n; i++) {
        t[i] = i * 1000L + rnd.nextInt(1000);
        int r = rnd.nextInt(20);
        if (r == 0) {
          v[i] = Double.NaN;
          continue;
        }
        if (r == 1) {
          cur = rnd.nextInt(3); // a counter reset (or not, if it happens to be higher)
        } else if (r < 10) {
          cur += rnd.nextInt(4); // often equal to the previous value
        }
        v[i] = cur;
      }
      WindowAggregate whole = direct(t, v, 0, n);
      List<long[]> samples = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        samples.add(new long[] {t[i], Double.doubleToRawLongBits(v[i])});
      }
      assertEquals(RollupOracle.aggregate(samples), of(whole), "direct aggregation, round " + round);

      WindowAggregate composed = new WindowAggregate().clear();
      int from = 0;
      while (from < n) {
        int to = Math.min(n, from + 1 + rnd.nextInt(8));
        WindowAggregate piece = direct(t, v, from, to);
        if (rnd.nextBoolean()) { // also through the store encoding, as a coarser partial is kept
          ByteBuffer b = ByteBuffer.allocate(WindowAggregate.ENCODED_BYTES);
          piece.writeTo(b);
          piece = new WindowAggregate().readFrom(b.flip());
        }
        composed.compose(piece);
        from = to;
      }
      // integer values: the sums are exact whatever the order of additions
      assertEquals(of(whole), of(composed), "round " + round);
    }
  }

  @Test
  void composingFractionalValuesAgreesUpToRounding() {
    Random rnd = new Random(7);
    for (int round = 0; round < 200; round++) {
      int n = 2 + rnd.nextInt(100);
      long[] t = new long[n];
      double[] v = new double[n];
      for (int i = 0; i < n; i++) {
        t[i] = i;
        v[i] = rnd.nextDouble() * 1e6;
      }
      WindowAggregate whole = direct(t, v, 0, n);
      WindowAggregate composed = new WindowAggregate().clear();
      int split = 1 + rnd.nextInt(n - 1);
      composed.compose(direct(t, v, 0, split));
      composed.compose(direct(t, v, split, n));
      assertEquals(whole.sum(), composed.sum(), Math.abs(whole.sum()) * 1e-12);
      assertEquals(whole.correction(), composed.correction(), Math.abs(whole.correction()) * 1e-12);
      assertEquals(whole.resets(), composed.resets());
      assertEquals(whole.changes(), composed.changes());
      assertEquals(whole.min(), composed.min());
      assertEquals(whole.max(), composed.max());
    }
  }

  @Test
  void composingWithAnEmptyAggregateIsTheIdentity() {
    WindowAggregate a = direct(new long[] {1, 2}, new double[] {3, 1}, 0, 2);
    WindowAggregate left = new WindowAggregate().clear();
    left.compose(a);
    assertEquals(of(a), of(left));
    a.compose(new WindowAggregate().clear());
    assertEquals(of(left), of(a));
  }

  @Test
  void theAvroWindowIsExactWithTheLegacyCounterAtZero() {
    var w = direct(new long[] {10, 20}, new double[] {2, 1}, 0, 2).toAvro(0);
    assertTrue(w.getExact());
    assertEquals(0.0, w.getCounter());
    assertEquals(2.0, w.getCorrection());
    assertEquals(10, w.getFirstMs());
    assertEquals(20, w.getLastMs());
  }
}
