package io.strata.tsdb.chunkenc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.schemas.model.StaleMarker;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DecimalChunkTest {
  private static final long T0 = java.time.Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

  private final DecimalChunkEncoder enc = new DecimalChunkEncoder();

  private static long[] bits(double... vs) {
    long[] b = new long[vs.length];
    for (int i = 0; i < vs.length; i++) {
      b[i] = Double.doubleToRawLongBits(vs[i]);
    }
    return b;
  }

  private static long[] aligned(int n) {
    long[] ts = new long[n];
    for (int i = 0; i < n; i++) {
      ts[i] = T0 + i * 15_000L;
    }
    return ts;
  }

  /** Encodes as a decimal chunk, decodes, and checks every timestamp and value bit; returns the chunk size. */
  private int roundTrip(long[] ts, long[] bits) {
    byte[] chunk = enc.encode(ts, bits, ts.length);
    assertEquals(ts.length, ChunkEncoding.count(chunk, 0));
    assertEquals(ts[0], io.strata.tsdb.format.Box.getLong(chunk, ChunkEncoding.HEADER_BYTES), "minT sits right after the count");
    DecimalIterator it = new DecimalIterator().reset(chunk);
    for (int i = 0; i < ts.length; i++) {
      assertTrue(it.next(), "sample " + i);
      assertEquals(ts[i], it.t(), "timestamp " + i);
      assertEquals(bits[i], it.bits(), "value bits " + i + " (" + Double.longBitsToDouble(bits[i]) + ")");
    }
    assertFalse(it.next());
    assertFalse(it.damaged());
    return chunk.length;
  }

  private static int xorSize(long[] ts, long[] bits) {
    XorAppender a = new XorAppender(16);
    for (int i = 0; i < ts.length; i++) {
      a.append(ts[i], Double.longBitsToDouble(bits[i]));
    }
    return a.toBytes().length;
  }

  @Test
  void specialValuesSurviveBitForBitAsExceptions() {
    double[] vs = {1.5, StaleMarker.VALUE, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0, Double.MIN_VALUE,
        Double.MAX_VALUE, Double.longBitsToDouble(0x7ff8000000000001L), 42, 0.1 + 0.2, -17.25, 1e300, 1e-300};
    roundTrip(aligned(vs.length), bits(vs));
    DecimalIterator it = new DecimalIterator().reset(enc.encode(aligned(vs.length), bits(vs), vs.length));
    it.next();
    it.next();
    assertTrue(StaleMarker.isStale(it.v()), "stale marker kept its payload");
    it.next();
    assertFalse(StaleMarker.isStale(it.v()), "an ordinary NaN is not a stale marker");
  }

  @Test
  void everyShapeOfDataRoundTrips() {
    Random r = new Random(7);
    for (int n : new int[] {1, 2, 3, 4, 120, 480}) {
      long[] ts = aligned(n);
      long[] jittered = new long[n];
      long[] gaps = new long[n];
      for (int i = 0; i < n; i++) {
        jittered[i] = ts[i] + r.nextInt(4) - (i == 0 ? 0 : 0);
        gaps[i] = ts[i] + (i > n / 2 ? 600_000 : 0) - 86_400_000L * 365 * 60; // crosses 1970
      }
      for (int i = 1; i < n; i++) {
        jittered[i] = Math.max(jittered[i], jittered[i - 1] + 1);
      }
      double[][] series = new double[8][n];
      double c = 1000;
      long bytes = 1_000_000_000L;
      for (int i = 0; i < n; i++) {
        c = Math.round((c + r.nextInt(1500) / 100.0) * 100) / 100.0;
        series[0][i] = c; // two-decimal counter
        bytes += r.nextInt(5) == 0 ? 0 : r.nextInt(200_000);
        series[1][i] = bytes; // integer counter
        series[2][i] = 40 + r.nextDouble() * 2; // full-precision noise
        series[3][i] = 8e9 + 4096L * r.nextInt(100_000); // page multiples
        series[4][i] = -r.nextInt(1000) / 1000.0; // negative, three decimals
        series[5][i] = 1e20 * (1 + r.nextInt(1000)); // beyond 2^53: positive exponent
        series[6][i] = i % 7 == 3 ? StaleMarker.VALUE : 0.5 * i; // exceptions amid decimals
        series[7][i] = Math.pow(2, 60) + 4096.0 * i; // beyond 2^53, not a short decimal
      }
      for (double[] vs : series) {
        roundTrip(ts, bits(vs));
        roundTrip(jittered, bits(vs));
        roundTrip(gaps, bits(vs));
      }
    }
  }

  @Test
  void extremeTimestampsAndValuesRoundTrip() {
    long[] ts = {Long.MIN_VALUE / 2, -1, 0, 1, Long.MAX_VALUE / 2};
    long[] vs = {Long.MIN_VALUE, -1L, 0, 1L, Long.MAX_VALUE}; // raw bits spanning the whole 64-bit range
    roundTrip(ts, vs);
  }

  @Test
  void twoDecimalCountersAreFarSmallerThanXor() {
    Random r = new Random(1);
    long[] ts = aligned(480);
    double[] vs = new double[480];
    double c = 12345.67;
    for (int i = 0; i < vs.length; i++) {
      c = Math.round((c + r.nextInt(1500) / 100.0) * 100) / 100.0;
      vs[i] = c;
    }
    int dec = roundTrip(ts, bits(vs));
    int xor = xorSize(ts, bits(vs));
    // deltas below 1500 hundredths: 11 bits a sample, aligned timestamps 0 bits, vs. ~53 bits under XOR
    assertTrue(dec * 4 < xor, "decimal " + dec + " B vs XOR " + xor + " B");
    assertTrue(dec < 480 * 12 / 8 + 40, "decimal " + dec + " B for 480 samples");
  }

  @Test
  void aStaleMarkerDoesNotForceXorOnTheChunk() {
    long[] ts = aligned(480);
    double[] vs = new double[480];
    for (int i = 0; i < vs.length; i++) {
      vs[i] = 100 + i * 0.25;
    }
    vs[479] = StaleMarker.VALUE;
    DecimalChunkEncoder.Encoded e = enc.encodeBest(ts, bits(vs), 480);
    assertEquals(ChunkEncoding.DECIMAL, e.encoding());
    assertTrue(e.bytes().length < 40, "a steady rate with one exception: " + e.bytes().length + " B");
    DecimalIterator it = new DecimalIterator().reset(e.bytes());
    for (int i = 0; i < 480; i++) {
      it.next();
    }
    assertTrue(StaleMarker.isStale(it.v()));
  }

  @Test
  void encodeBestKeepsXorWhenItIsSmaller() {
    // a step function: XOR spends one bit per unchanged value; packing would give every sample the jump's width
    long[] ts = aligned(480);
    double[] vs = new double[480];
    for (int i = 0; i < vs.length; i++) {
      vs[i] = i < 200 ? 1 : 1e15;
    }
    DecimalChunkEncoder.Encoded e = enc.encodeBest(ts, bits(vs), 480);
    assertTrue(e.bytes().length <= xorSize(ts, bits(vs)));
    RawChunkIterator it = new RawChunkIterator().reset(e.encoding(), e.bytes());
    for (int i = 0; i < 480; i++) {
      assertTrue(it.next());
      assertEquals(vs[i], it.v());
    }
  }

  @Test
  void truncatedChunkIsReportedDamagedWithoutThrowing() {
    long[] ts = aligned(120);
    double[] vs = new double[120];
    for (int i = 0; i < vs.length; i++) {
      vs[i] = Math.sin(i);
    }
    byte[] chunk = enc.encode(ts, bits(vs), 120);
    for (int cut = 0; cut < chunk.length; cut++) {
      DecimalIterator it = new DecimalIterator().reset(chunk, 0, cut);
      assertFalse(it.next(), "cut at " + cut);
      assertTrue(it.damaged(), "cut at " + cut);
    }
  }

  @Test
  void corruptedBytesNeverThrow() {
    Random r = new Random(3);
    long[] ts = aligned(200);
    double[] vs = new double[200];
    for (int i = 0; i < vs.length; i++) {
      vs[i] = r.nextInt(100) / 10.0;
    }
    byte[] good = enc.encode(ts, bits(vs), 200);
    DecimalIterator it = new DecimalIterator();
    for (int k = 0; k < 2000; k++) {
      byte[] bad = good.clone();
      bad[2 + r.nextInt(bad.length - 2)] ^= (byte) (1 << r.nextInt(8));
      it.reset(bad);
      int n = 0;
      while (it.next()) {
        n++;
      }
      assertTrue(n == 0 || n == 200, "all or nothing, got " + n);
    }
  }

  @Test
  void shortestDecimalExponents() {
    assertEquals(-2, DecimalConversion.exponent(Double.doubleToRawLongBits(12345.67)));
    assertEquals(0, DecimalConversion.exponent(Double.doubleToRawLongBits(8e9)));
    assertEquals(-10, DecimalConversion.exponent(Double.doubleToRawLongBits(1e-10)));
    assertEquals(DecimalConversion.NONE, DecimalConversion.exponent(Double.doubleToRawLongBits(0.1 + 0.2)), "0.30000000000000004: 17 digits");
    assertEquals(20, DecimalConversion.exponent(Double.doubleToRawLongBits(3e20)));
    assertEquals(DecimalConversion.ANY, DecimalConversion.exponent(0));
    assertEquals(DecimalConversion.NONE, DecimalConversion.exponent(Double.doubleToRawLongBits(-0.0)));
    assertEquals(DecimalConversion.NONE, DecimalConversion.exponent(StaleMarker.BITS));
    assertEquals(-15, DecimalConversion.exponent(Double.doubleToRawLongBits(Math.PI)), "3.141592653589793: 16 digits fit below 2^53");
  }
}
