package io.strata.tsdb.chunkenc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.schemas.model.StaleMarker;
import java.util.Random;
import org.junit.jupiter.api.Test;

class XorChunkTest {
  private static final long T0 = java.time.Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

  private static void roundTrip(long[] ts, double[] vs) {
    XorAppender a = new XorAppender(16);
    for (int i = 0; i < ts.length; i++) {
      a.append(ts[i], vs[i]);
    }
    byte[] chunk = a.toBytes();
    XorIterator it = new XorIterator().reset(chunk);
    for (int i = 0; i < ts.length; i++) {
      assertTrue(it.next(), "sample " + i);
      assertEquals(ts[i], it.t(), "timestamp " + i);
      assertEquals(Double.doubleToRawLongBits(vs[i]), it.bits(), "value bits " + i);
    }
    assertFalse(it.next());
    assertFalse(it.damaged());
  }

  @Test
  void specialValuesSurviveBitForBit() {
    double[] vs = {1.0, StaleMarker.VALUE, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0, Double.MIN_VALUE,
        Double.MAX_VALUE, Double.longBitsToDouble(0x7ff8000000000001L), 42};
    long[] ts = new long[vs.length];
    for (int i = 0; i < ts.length; i++) {
      ts[i] = T0 + i * 15_000L;
    }
    roundTrip(ts, vs);
    XorIterator it = new XorIterator().reset(encode(ts, vs));
    it.next();
    it.next();
    assertTrue(StaleMarker.isStale(it.v()), "stale marker kept its payload");
    it.next();
    assertFalse(StaleMarker.isStale(it.v()), "an ordinary NaN is not a stale marker");
  }

  @Test
  void everyTimestampBucketAndJitter() {
    long[] deltas = {15_000, 15_000, 15_001, 14_990, 15_000 + 8191, 15_000 - 8192, 15_000 + 60_000, 15_000 + 500_000, 86_400_000L * 365, 1, 1, 1_000_000_000_000L};
    long[] ts = new long[deltas.length + 1];
    double[] vs = new double[ts.length];
    ts[0] = -5_000; // before 1970: timestamps are signed
    for (int i = 0; i < deltas.length; i++) {
      ts[i + 1] = ts[i] + deltas[i];
      vs[i + 1] = i;
    }
    roundTrip(ts, vs);
  }

  @Test
  void randomSeriesOfManyShapes() {
    Random r = new Random(7);
    for (int round = 0; round < 200; round++) {
      int n = 1 + r.nextInt(300);
      long[] ts = new long[n];
      double[] vs = new double[n];
      long t = T0 + r.nextInt(1_000_000);
      double counter = 0;
      for (int i = 0; i < n; i++) {
        t += switch (round % 3) {
          case 0 -> 15_000;
          case 1 -> 15_000 + r.nextInt(200) - 100;
          default -> 1 + (long) (r.nextDouble() * 1e7);
        };
        ts[i] = t;
        vs[i] = switch (round % 4) {
          case 0 -> counter += r.nextInt(10);
          case 1 -> r.nextGaussian() * 1e6;
          case 2 -> Double.longBitsToDouble(r.nextLong());
          default -> r.nextInt(3);
        };
      }
      roundTrip(ts, vs);
    }
  }

  @Test
  void constantSeriesCostsAboutTwoBitsPerSample() {
    XorAppender a = new XorAppender(16);
    for (int i = 0; i < 120; i++) {
      a.append(T0 + i * 15_000L, 1.0);
    }
    // 2 header bytes + 16 bytes for the first sample + 14-bit first delta, then 2 bits per sample
    assertTrue(a.toBytes().length <= 2 + 16 + 3 + 30, "constant 120-sample chunk is " + a.toBytes().length + " bytes");
  }

  @Test
  void truncatedChunkIsReportedDamaged() {
    long[] ts = {T0, T0 + 15_000, T0 + 30_000};
    double[] vs = {1.5, 2.25, 1e300};
    byte[] chunk = encode(ts, vs);
    XorIterator it = new XorIterator().reset(chunk, 0, chunk.length - 4);
    while (it.next()) {
      // drain
    }
    assertTrue(it.damaged());
  }

  @Test
  void appenderIsReusableAfterReset() {
    XorAppender a = new XorAppender(8);
    for (int i = 0; i < 100; i++) {
      a.append(T0 + i, Math.random());
    }
    a.reset();
    a.append(T0, 3.0);
    a.append(T0 + 1000, 4.0);
    XorIterator it = new XorIterator().reset(a.toBytes());
    assertTrue(it.next());
    assertEquals(3.0, it.v());
    assertTrue(it.next());
    assertEquals(4.0, it.v());
    assertFalse(it.next());
  }

  static byte[] encode(long[] ts, double[] vs) {
    XorAppender a = new XorAppender(16);
    for (int i = 0; i < ts.length; i++) {
      a.append(ts[i], vs[i]);
    }
    return a.toBytes();
  }

  @Test
  void everyTruncationAndBitFlipIsSurvivedWithoutThrowing() {
    Random r = new Random(9);
    XorAppender a = new XorAppender(16);
    for (int i = 0; i < 120; i++) {
      a.append(T0 + i * 15_000L + r.nextInt(3), i % 10 == 0 ? StaleMarker.VALUE : r.nextDouble() * 100);
    }
    byte[] good = a.toBytes();
    XorIterator it = new XorIterator();
    for (int cut = 0; cut < good.length; cut++) {
      it.reset(good, 0, cut);
      int n = 0;
      while (it.next()) {
        n++;
      }
      assertTrue(it.damaged(), "cut at " + cut + " of " + good.length + " after " + n + " samples");
      assertTrue(n < 120, "cut at " + cut);
    }
    for (int k = 0; k < 2000; k++) {
      byte[] bad = good.clone();
      bad[r.nextInt(bad.length)] ^= (byte) (1 << r.nextInt(8));
      it.reset(bad);
      while (it.next()) {
        it.t();
      }
    }
  }
}
