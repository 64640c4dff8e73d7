package io.strata.tsdb.chunkenc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.strata.tsdb.RollupPoint;
import io.strata.tsdb.StoredSeries;
import io.strata.tsdb.WindowColumns;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Columnar rollup chunks with exact windows (encoding 5): round trips through every reader, ranges, damage, size. */
class RollupExactChunkTest {
  static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  static final long RES = 300_000;

  /** A double that is often special: NaN payloads (the stale marker among them), ±Inf, -0.0, any bits. */
  private static double value(SplittableRandom r, double steady) {
    return switch (r.nextInt(10)) {
      case 0 -> Double.longBitsToDouble(0x7ff0000000000000L | r.nextLong(1, 1L << 52)); // NaN, any payload
      case 1 -> Double.longBitsToDouble(0x7ff0000000000002L);
      case 2 -> r.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
      case 3 -> -0.0;
      case 4 -> Double.longBitsToDouble(r.nextLong());
      default -> steady;
    };
  }

  /** Any 64-bit integer sometimes, else small steps: every bucket of the integer delta code. */
  private static long integer(SplittableRandom r, long prev) {
    return switch (r.nextInt(8)) {
      case 0 -> r.nextLong();
      case 1 -> prev + r.nextInt(-100, 100);
      case 2 -> prev + r.nextInt(-30_000, 30_000);
      case 3 -> prev + r.nextLong(-(1L << 31), 1L << 31);
      default -> prev;
    };
  }

  /**
   * Random windows: irregular starts (missed windows, jitter, huge jumps), counts up to 2^62, offsets that
   * repeat, jitter or are anywhere, resets and changes in every bucket, legacy windows with probability
   * {@code legacy} (0 keeps the exact column empty).
   */
  static RollupPoint[] random(SplittableRandom r, int k, double legacy) {
    RollupPoint[] out = new RollupPoint[k];
    long t = T0 + r.nextLong(-1L << 40, 1L << 40);
    long count = r.nextLong(1, 1L << 40);
    long firstOff = 7_000;
    long lastOff = 292_000;
    long resets = 0;
    long changes = 19;
    double steady = 0;
    for (int i = 0; i < k; i++) {
      switch (r.nextInt(8)) {
        case 0 -> t += RES * (1 + r.nextInt(20));
        case 1 -> t += r.nextLong(1, 1L << 36);
        default -> t += RES;
      }
      switch (r.nextInt(6)) {
        case 0 -> count = r.nextLong(1L << 62);
        case 1 -> count += r.nextInt(-20, 20);
        default -> { }
      }
      switch (r.nextInt(6)) {
        case 0 -> firstOff = r.nextLong(0, RES); // irregular
        case 1 -> firstOff += r.nextInt(-3, 4); // jitter
        case 2 -> firstOff = r.nextLong(); // anything the record says
        default -> { } // the same phase
      }
      lastOff = r.nextInt(6) == 0 ? r.nextLong() : lastOff + (r.nextInt(3) == 0 ? r.nextInt(-3, 4) : 0);
      resets = integer(r, resets);
      changes = integer(r, changes);
      steady += r.nextInt(1500) / 100.0;
      if (r.nextDouble() < legacy) {
        out[i] = new RollupPoint(t, count, value(r, steady), value(r, steady), value(r, steady), value(r, steady), value(r, steady));
        if (r.nextBoolean()) { // a legacy record whose extra fields are not 0: stored as it came
          out[i] = new RollupPoint(t, count, out[i].sum(), out[i].min(), out[i].max(), out[i].last(), out[i].counter(), r.nextLong(), value(r, steady),
              r.nextLong(), value(r, 0), r.nextLong(), r.nextLong(), false);
        }
      } else {
        out[i] = new RollupPoint(t, count, value(r, steady), value(r, steady), value(r, steady), value(r, steady), value(r, 0), t + firstOff,
            value(r, steady), t + lastOff, value(r, 0), resets, changes, true);
      }
    }
    return out;
  }

  static byte[] encode(RollupPoint[] w, int from, int to) {
    RollupColumnsAppender a = new RollupColumnsAppender(ChunkEncoding.ROLLUP_EXACT, 64);
    for (int i = from; i < to; i++) {
      a.append(w[i]);
    }
    return a.toBytes();
  }

  /** The point as {@link WindowColumns} keeps it: everything but the legacy counter. */
  static RollupPoint withoutCounter(RollupPoint p) {
    return new RollupPoint(p.windowStartMs(), p.count(), p.sum(), p.min(), p.max(), p.last(), 0.0, p.firstMs(), p.first(), p.lastMs(), p.correction(),
        p.resets(), p.changes(), p.exact());
  }

  @Test
  void randomWindowsRoundTripThroughEveryReader() {
    SplittableRandom r = new SplittableRandom(5);
    RollupColumnDecoder dec = new RollupColumnDecoder();
    RollupIterator it = new RollupIterator();
    for (int round = 0; round < 300; round++) {
      int k = 1 + r.nextInt(round % 10 == 0 ? 2000 : 130);
      double legacy = switch (round % 3) {
        case 0 -> 0.0;
        case 1 -> 0.1;
        default -> 1.0;
      };
      RollupPoint[] w = random(r, k, legacy);
      byte[] c = encode(w, 0, k);
      String what = "round " + round + " (" + k + " windows, legacy " + legacy + ")";

      it.reset(ChunkEncoding.ROLLUP_EXACT, c);
      for (int i = 0; i < k; i++) {
        assertTrue(it.next(), what);
        if (!w[i].sameBits(it.point())) {
          fail(what + " window " + i + ": expected " + w[i] + ", got " + it.point());
        }
      }
      assertFalse(it.next());
      assertFalse(it.damaged(), what);

      // a sub-range, appended after windows already in the columns
      long mint = r.nextBoolean() ? Long.MIN_VALUE : w[r.nextInt(k)].windowStartMs() - r.nextInt(2);
      long maxt = r.nextBoolean() ? Long.MAX_VALUE : w[r.nextInt(k)].windowStartMs() + r.nextInt(2);
      WindowColumns cols = new WindowColumns(1);
      cols.add(new RollupPoint(1, 1, 1, 1, 1, 1, 1));
      int n = dec.decodeWindows(ChunkEncoding.ROLLUP_EXACT, c, mint, maxt, cols);
      assertFalse(dec.damaged(), what);
      assertEquals(n + 1, cols.size());
      int j = 1;
      for (RollupPoint p : w) {
        if (p.windowStartMs() >= mint && p.windowStartMs() <= maxt) {
          if (!withoutCounter(p).sameBits(cols.point(j))) {
            fail(what + " [" + mint + ", " + maxt + "] window " + j + ": expected " + p + ", got " + cols.point(j));
          }
          j++;
        }
      }
      assertEquals(j, cols.size(), what);

      // the one-column fast path
      long[] t = new long[k];
      double[] v = new double[k];
      double[] counts = new double[k];
      for (RollupField f : RollupField.values()) {
        int m = dec.decode(ChunkEncoding.ROLLUP_EXACT, c, f, mint, maxt, t, v, f == RollupField.SUM ? counts : null, 0);
        assertEquals(n, m, what + " " + f);
        int q = 0;
        for (RollupPoint p : w) {
          if (p.windowStartMs() >= mint && p.windowStartMs() <= maxt) {
            if (t[q] != p.windowStartMs() || Double.doubleToRawLongBits(v[q]) != Double.doubleToRawLongBits(StoredSeries.valueOf(f, p))) {
              fail(what + " " + f + " window " + q);
            }
            if (f == RollupField.SUM && counts[q] != (double) p.count()) {
              fail(what + " count " + q);
            }
            q++;
          }
        }
      }
    }
  }

  @Test
  void anEncoding4AppenderRefusesExactWindowsAndItsChunksReadAsLegacy() {
    RollupPoint[] w = random(new SplittableRandom(8), 50, 1.0);
    RollupColumnsAppender a4 = new RollupColumnsAppender(ChunkEncoding.ROLLUP_COLUMNS, 64);
    for (RollupPoint p : w) {
      a4.append(p.windowStartMs(), p.count(), p.sum(), p.min(), p.max(), p.last(), p.counter());
    }
    WindowColumns cols = new WindowColumns(1);
    RollupColumnDecoder dec = new RollupColumnDecoder();
    assertEquals(50, dec.decodeWindows(ChunkEncoding.ROLLUP_COLUMNS, a4.toBytes(), Long.MIN_VALUE, Long.MAX_VALUE, cols));
    for (int i = 0; i < 50; i++) {
      RollupPoint p = w[i];
      assertTrue(new RollupPoint(p.windowStartMs(), p.count(), p.sum(), p.min(), p.max(), p.last(), 0.0).sameBits(cols.point(i)), "window " + i);
    }
    RollupPoint exact = random(new SplittableRandom(9), 1, 0.0)[0];
    try {
      a4.append(exact);
      fail("an encoding-4 chunk took an exact window");
    } catch (IllegalStateException expected) {
      assertTrue(expected.getMessage().startsWith("BUG"));
    }
  }

  /** Every truncation of a chunk: no exception, damaged, and what comes out is a prefix of the windows, whole. */
  @Test
  void truncatedChunksReportDamageAndDecodeOnlyWholeWindowsBeforeIt() {
    SplittableRandom r = new SplittableRandom(21);
    for (double legacy : new double[] {0.0, 0.3}) {
      RollupPoint[] w = random(r, 40, legacy);
      byte[] full = encode(w, 0, w.length);
      RollupColumnDecoder dec = new RollupColumnDecoder();
      RollupIterator it = new RollupIterator();
      WindowColumns cols = new WindowColumns(1);
      for (int len = 0; len < full.length; len++) {
        byte[] cut = Arrays.copyOf(full, len);
        String what = "legacy " + legacy + ", cut to " + len + " of " + full.length + " bytes";
        cols.truncate(0);
        int got = dec.decodeWindows(ChunkEncoding.ROLLUP_EXACT, cut, Long.MIN_VALUE, Long.MAX_VALUE, cols);
        assertTrue(dec.damaged(), what);
        assertTrue(got < w.length, what);
        for (int i = 0; i < got; i++) {
          if (!withoutCounter(w[i]).sameBits(cols.point(i))) {
            fail(what + " window " + i);
          }
        }
        it.reset(ChunkEncoding.ROLLUP_EXACT, cut);
        int k = 0;
        while (it.next()) {
          if (!w[k].sameBits(it.point())) {
            fail(what + " iterated window " + k);
          }
          k++;
        }
        assertTrue(it.damaged(), what);
      }
    }
  }

  /** Random bytes flipped anywhere: never an exception or a read out of bounds (the box CRC catches it first in a store). */
  @Test
  void flippedBytesNeverThrow() {
    SplittableRandom r = new SplittableRandom(33);
    RollupPoint[] w = random(r, 60, 0.2);
    byte[] good = encode(w, 0, w.length);
    RollupColumnDecoder dec = new RollupColumnDecoder();
    RollupIterator it = new RollupIterator();
    WindowColumns cols = new WindowColumns(1);
    long[] t = new long[ChunkEncoding.MAX_SAMPLES];
    double[] v = new double[ChunkEncoding.MAX_SAMPLES];
    for (int round = 0; round < 3000; round++) {
      byte[] bad = good.clone();
      for (int f = 1 + r.nextInt(3); f > 0; f--) {
        bad[r.nextInt(bad.length)] ^= (byte) (1 + r.nextInt(255));
      }
      cols.truncate(0);
      dec.decodeWindows(ChunkEncoding.ROLLUP_EXACT, bad, Long.MIN_VALUE, Long.MAX_VALUE, cols);
      dec.decode(ChunkEncoding.ROLLUP_EXACT, bad, RollupField.values()[round % 6], Long.MIN_VALUE, Long.MAX_VALUE, t, v, null, 0);
      it.reset(ChunkEncoding.ROLLUP_EXACT, bad);
      while (it.next()) {
        it.point();
      }
    }
  }

  /**
   * The common case costs a few bits per window beyond encoding 4: regular 15 s scrapes of a counter whose
   * first sample of each window is the last one's successor, no reset, the same number of changes.
   */
  @Test
  void regularExactWindowsCostAFewBitsMoreThanEncoding4() {
    int k = 480;
    RollupColumnsAppender a4 = new RollupColumnsAppender(ChunkEncoding.ROLLUP_COLUMNS, 64);
    RollupColumnsAppender a5 = new RollupColumnsAppender(ChunkEncoding.ROLLUP_EXACT, 64);
    RollupColumnsAppender firstOnly = new RollupColumnsAppender(ChunkEncoding.ROLLUP_COLUMNS, 64);
    double v = 1000;
    for (int i = 0; i < k; i++) {
      long s = T0 + i * RES;
      double first = v + 1.25;
      double last = v + 20 * 1.25;
      RollupPoint p = new RollupPoint(s, 20, 20 * v + 262.5, first, last, last, 0.0, s + 7_000, first, s + 292_000, 0.0, 0, 19, true);
      a4.append(s, 20, p.sum(), p.min(), p.max(), p.last(), 0.0);
      a5.append(p);
      firstOnly.append(s, 20, 0, 0, 0, first, 0); // what the first column costs: a stream like last's
      v = last;
    }
    int firstBytes = firstOnly.toBytes().length - new RollupColumnsAppender(ChunkEncoding.ROLLUP_COLUMNS, 8).toBytes().length;
    int extra = a5.toBytes().length - a4.toBytes().length - firstBytes;
    // first and last offset, correction, resets, changes: 1 bit per window each after the first; exact: none
    assertTrue(extra <= k * 5 / 8 + 48, "encoding 5 costs " + extra + " bytes beyond encoding 4 and its first column for " + k + " windows");
  }
}
