package io.strata.tsdb.chunkenc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.strata.schemas.model.StaleMarker;
import io.strata.tsdb.RollupPoint;
import io.strata.tsdb.head.RollupHead;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Columnar rollup chunks (encoding 4): round trips, the bulk decoder, damage and filtering. */
class RollupColumnsTest {
  static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  static final long STALE_BITS = 0x7ff0000000000002L;
  private static final RollupField[] VALUE_FIELDS = {RollupField.SUM, RollupField.MIN, RollupField.MAX, RollupField.LAST, RollupField.COUNTER};

  /** Windows of one series: starts, counts and the raw bits of sum, min, max, last, counter. */
  record Windows(long[] t, long[] n, long[][] bits) {
    int size() {
      return t.length;
    }

    RollupPoint point(int i) {
      return new RollupPoint(t[i], n[i], d(bits[0][i]), d(bits[1][i]), d(bits[2][i]), d(bits[3][i]), d(bits[4][i]));
    }

    long fieldBits(RollupField f, int i) {
      return f == RollupField.COUNT ? Double.doubleToRawLongBits(n[i]) : bits[f.ordinal() - 1][i];
    }
  }

  private static double d(long bits) {
    return Double.longBitsToDouble(bits);
  }

  /** Random windows: irregular starts, counts up to 2^40, each value column a mix of specials, steps and noise. */
  static Windows random(SplittableRandom r, int k) {
    long[] t = new long[k];
    long[] n = new long[k];
    long[][] bits = new long[5][k];
    long step = 300_000;
    long tt = T0 + r.nextLong(-1L << 40, 1L << 40);
    long cnt = r.nextLong(1L << 40);
    double[] v = new double[5];
    for (int i = 0; i < k; i++) {
      switch (r.nextInt(8)) {
        case 0 -> tt += step * (1 + r.nextInt(20)); // missed windows
        case 1 -> tt += r.nextLong(1, 1L << 36); // anything, beyond every dod bucket
        case 2 -> tt += 1 + r.nextInt(1000); // jitter
        default -> tt += step;
      }
      t[i] = tt;
      switch (r.nextInt(6)) {
        case 0 -> cnt = r.nextLong(1L << 40);
        case 1 -> cnt += r.nextInt(65536) - 32768;
        case 2 -> cnt = r.nextInt(3) == 0 ? 0 : 1L << 40;
        default -> { } // same count
      }
      n[i] = cnt;
      for (int f = 0; f < 5; f++) {
        long b;
        switch (r.nextInt(12)) {
          case 0 -> b = STALE_BITS;
          case 1 -> b = Double.doubleToRawLongBits(Double.NaN);
          case 2 -> b = Double.doubleToRawLongBits(r.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY);
          case 3 -> b = r.nextLong(); // any 64 bits, other NaN payloads included
          case 4 -> b = Double.doubleToRawLongBits(r.nextGaussian() * 1e6);
          case 5 -> b = Double.doubleToRawLongBits(-0.0);
          case 6, 7 -> b = Double.doubleToRawLongBits(v[f] += r.nextInt(1500) / 100.0); // a counter
          default -> b = i == 0 ? 0 : bits[f][i - 1]; // unchanged
        }
        bits[f][i] = b;
      }
    }
    return new Windows(t, n, bits);
  }

  static byte[] columns(Windows w) {
    RollupColumnsAppender a = new RollupColumnsAppender(64);
    for (int i = 0; i < w.size(); i++) {
      RollupPoint p = w.point(i);
      a.append(p.windowStartMs(), p.count(), p.sum(), p.min(), p.max(), p.last(), p.counter());
    }
    assertEquals(w.size(), a.count());
    return a.toBytes();
  }

  static byte[] interleaved(Windows w) {
    RollupAppender a = new RollupAppender(64);
    for (int i = 0; i < w.size(); i++) {
      RollupPoint p = w.point(i);
      a.append(p.windowStartMs(), p.count(), p.sum(), p.min(), p.max(), p.last(), p.counter());
    }
    return a.toBytes();
  }

  /** Checks the iterator yields exactly windows [0, k) of w, bit for bit. */
  private static void assertIterates(Windows w, int k, RollupIterator it, String what) {
    for (int i = 0; i < k; i++) {
      if (!it.next()) {
        fail(what + ": window " + i + " of " + k);
      }
      if (!w.point(i).sameBits(it.point())) {
        fail(what + ": window " + i + " expected " + w.point(i) + " got " + it.point());
      }
    }
    assertFalse(it.next(), what + ": more than " + k + " windows");
  }

  /** Decodes {@code f} over [mint, maxt] at offset 3 and checks it against the windows of w in that range. */
  private static int assertDecodes(Windows w, int encoding, byte[] chunk, RollupField f, boolean withCounts, long mint, long maxt, String what) {
    RollupColumnDecoder dec = new RollupColumnDecoder();
    int off = 3;
    int cap = off + ChunkEncoding.count(chunk, 0);
    long[] t = new long[cap];
    double[] v = new double[cap];
    double[] counts = withCounts ? new double[cap] : null;
    int got = dec.decode(encoding, chunk, f, mint, maxt, t, v, counts, off);
    int j = off;
    for (int i = 0; i < w.size(); i++) {
      if (w.t[i] < mint || w.t[i] > maxt) {
        continue;
      }
      if (j - off >= got) {
        fail(what + ": window " + i + " at " + w.t[i] + " missing, got " + got);
      }
      if (w.t[i] != t[j]) {
        assertEquals(w.t[i], t[j], what + ": start of window " + i);
      }
      if (w.fieldBits(f, i) != Double.doubleToRawLongBits(v[j])) {
        assertEquals(w.fieldBits(f, i), Double.doubleToRawLongBits(v[j]), what + ": " + f + " of window " + i);
      }
      if (withCounts) {
        if ((double) w.n[i] != counts[j]) {
          assertEquals((double) w.n[i], counts[j], what + ": count of window " + i);
        }
      }
      j++;
    }
    assertEquals(j - off, got, what + ": windows decoded");
    assertFalse(dec.damaged(), what);
    return got;
  }

  @Test
  void randomWindowsRoundTripBitForBitThroughIteratorAndDecoderInBothEncodings() {
    SplittableRandom r = new SplittableRandom(11);
    int[] sizes = {1, 2, 3, 120, 480, 65535};
    for (int round = 0; round < 30; round++) {
      int k = round < sizes.length ? sizes[round] : 1 + r.nextInt(400);
      Windows w = random(r, k);
      byte[] c4 = columns(w);
      byte[] c2 = interleaved(w);
      assertEquals(k, ChunkEncoding.count(c4, 0));
      assertEquals(w.t[0], io.strata.tsdb.format.Box.getLong(c4, ChunkEncoding.HEADER_BYTES), "minT sits right after the count");
      RollupIterator it = new RollupIterator();
      assertIterates(w, k, it.reset(ChunkEncoding.ROLLUP_COLUMNS, c4), "encoding 4, " + k + " windows");
      assertFalse(it.damaged());
      assertIterates(w, k, it.reset(ChunkEncoding.ROLLUP, c2), "encoding 2, " + k + " windows");
      assertFalse(it.damaged());
      for (RollupField f : k > 10_000 ? new RollupField[] {RollupField.COUNTER} : RollupField.values()) {
        boolean withCounts = r.nextBoolean();
        assertDecodes(w, ChunkEncoding.ROLLUP_COLUMNS, c4, f, withCounts, Long.MIN_VALUE, Long.MAX_VALUE, "encoding 4, " + k + " windows");
        assertDecodes(w, ChunkEncoding.ROLLUP, c2, f, withCounts, Long.MIN_VALUE, Long.MAX_VALUE, "encoding 2, " + k + " windows");
      }
    }
  }

  @Test
  void staleMarkersInfinitiesAndLargeCountsSurviveInEveryColumn() {
    long[] specials = {STALE_BITS, Double.doubleToRawLongBits(Double.NaN), Double.doubleToRawLongBits(Double.POSITIVE_INFINITY),
        Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY), Double.doubleToRawLongBits(-0.0), 0x7ff8_dead_beef_0001L};
    int k = specials.length * 2;
    long[] t = new long[k];
    long[] n = new long[k];
    long[][] bits = new long[5][k];
    for (int i = 0; i < k; i++) {
      t[i] = T0 + i * 300_000L;
      n[i] = i % 2 == 0 ? (1L << 40) + i : 20;
      for (int f = 0; f < 5; f++) {
        bits[f][i] = i % 2 == 0 ? specials[(i / 2 + f) % specials.length] : Double.doubleToRawLongBits(i * 1.5);
      }
    }
    Windows w = new Windows(t, n, bits);
    byte[] c4 = columns(w);
    assertIterates(w, k, new RollupIterator().reset(ChunkEncoding.ROLLUP_COLUMNS, c4), "specials");
    for (RollupField f : RollupField.values()) {
      assertDecodes(w, ChunkEncoding.ROLLUP_COLUMNS, c4, f, true, Long.MIN_VALUE, Long.MAX_VALUE, "specials");
    }
    RollupColumnDecoder dec = new RollupColumnDecoder();
    double[] v = new double[k];
    dec.decode(ChunkEncoding.ROLLUP_COLUMNS, c4, RollupField.LAST, Long.MIN_VALUE, Long.MAX_VALUE, new long[k], v, null, 0);
    assertTrue(StaleMarker.isStale(v[6]), "window 6 holds the stale marker in LAST");
    assertTrue(Double.isNaN(v[8]));
    assertFalse(StaleMarker.isStale(v[8]), "an ordinary NaN is not a stale marker");
  }

  @Test
  void countsBeyondADoubleStillRoundTripThroughTheIterator() {
    long[] counts = {4, 4, 5, 0, 70_000, 70_001, 3, Long.MAX_VALUE, 1, Long.MIN_VALUE};
    int k = counts.length;
    long[] t = new long[k];
    long[][] bits = new long[5][k];
    for (int i = 0; i < k; i++) {
      t[i] = T0 + i * 60_000L;
    }
    Windows w = new Windows(t, counts, bits);
    assertIterates(w, k, new RollupIterator().reset(ChunkEncoding.ROLLUP_COLUMNS, columns(w)), "counts");
  }

  @Test
  void decoderFiltersByWindowStartInclusive() {
    SplittableRandom r = new SplittableRandom(5);
    Windows w = random(r, 300);
    byte[] c4 = columns(w);
    byte[] c2 = interleaved(w);
    long first = w.t[0];
    long last = w.t[w.size() - 1];
    long[][] ranges = {{w.t[10], w.t[20]}, {w.t[10] + 1, w.t[20] - 1}, {Long.MIN_VALUE, first}, {last, Long.MAX_VALUE}, {first - 10, first - 1},
        {last + 1, Long.MAX_VALUE}, {w.t[50], w.t[50]}, {w.t[51], w.t[50]}, {first, last}};
    for (long[] m : ranges) {
      for (RollupField f : RollupField.values()) {
        String what = "[" + m[0] + ", " + m[1] + "] " + f;
        int a = assertDecodes(w, ChunkEncoding.ROLLUP_COLUMNS, c4, f, true, m[0], m[1], "encoding 4 " + what);
        int b = assertDecodes(w, ChunkEncoding.ROLLUP, c2, f, false, m[0], m[1], "encoding 2 " + what);
        assertEquals(a, b);
      }
    }
    for (int i = 0; i < 200; i++) {
      long mint = first + r.nextLong(-1_000_000, last - first + 1_000_000);
      long maxt = mint + r.nextLong(0, last - first);
      assertDecodes(w, ChunkEncoding.ROLLUP_COLUMNS, c4, VALUE_FIELDS[i % 5], i % 2 == 0, mint, maxt, "random range " + i);
    }
    assertEquals(1, assertDecodes(w, ChunkEncoding.ROLLUP_COLUMNS, c4, RollupField.MAX, false, w.t[50], w.t[50], "one window"));
  }

  @Test
  void decoderGivesTheIteratorsResultsOnInterleavedChunks() {
    SplittableRandom r = new SplittableRandom(8);
    RollupColumnDecoder dec = new RollupColumnDecoder();
    for (int round = 0; round < 20; round++) {
      Windows w = random(r, 1 + r.nextInt(500));
      byte[] c2 = interleaved(w);
      int k = w.size();
      for (RollupField f : RollupField.values()) {
        long[] t = new long[k];
        double[] v = new double[k];
        double[] counts = new double[k];
        assertEquals(k, dec.decode(ChunkEncoding.ROLLUP, c2, f, Long.MIN_VALUE, Long.MAX_VALUE, t, v, counts, 0));
        RollupIterator it = new RollupIterator().reset(ChunkEncoding.ROLLUP, c2);
        for (int i = 0; i < k; i++) {
          assertTrue(it.next());
          assertEquals(it.t(), t[i]);
          assertEquals(Double.doubleToRawLongBits(it.value(f)), Double.doubleToRawLongBits(v[i]), f + " window " + i);
          assertEquals((double) it.count(), counts[i]);
        }
        assertFalse(it.next());
      }
    }
  }

  /** Every truncation of a chunk: no exception, damaged, and what comes out is a prefix of the windows. */
  @Test
  void truncatedChunksReportDamageAndDecodeOnlyWholeWindowsBeforeIt() {
    SplittableRandom r = new SplittableRandom(21);
    Windows w = random(r, 40);
    for (int encoding : new int[] {ChunkEncoding.ROLLUP_COLUMNS, ChunkEncoding.ROLLUP}) {
      byte[] full = encoding == ChunkEncoding.ROLLUP ? interleaved(w) : columns(w);
      RollupColumnDecoder dec = new RollupColumnDecoder();
      RollupIterator it = new RollupIterator();
      int cap = w.size();
      long[] t = new long[cap];
      double[] v = new double[cap];
      double[] counts = new double[cap];
      for (int len = 0; len < full.length; len++) {
        byte[] cut = Arrays.copyOf(full, len);
        String what = "encoding " + encoding + " cut to " + len + " of " + full.length + " bytes";
        for (RollupField f : RollupField.values()) {
          int got = dec.decode(encoding, cut, f, Long.MIN_VALUE, Long.MAX_VALUE, t, v, counts, 0);
          assertTrue(dec.damaged(), what + " " + f);
          assertTrue(got >= 0 && got <= cap, what);
          for (int i = 0; i < got; i++) {
            if (w.t[i] != t[i]) {
              fail(what + " start " + i);
            }
            if (w.fieldBits(f, i) != Double.doubleToRawLongBits(v[i])) {
              fail(what + " " + f + " " + i);
            }
            if ((double) w.n[i] != counts[i]) {
              fail(what + " count " + i);
            }
          }
        }
        it.reset(encoding, cut);
        int k = 0;
        while (it.next()) {
          if (!w.point(k).sameBits(it.point())) {
            fail(what + " window " + k);
          }
          k++;
        }
        assertTrue(k < w.size(), what);
        assertTrue(it.damaged(), what);
      }
    }
  }

  @Test
  void aChunkTruncatedInItsLastColumnStillDecodesTheOtherColumnsWhole() {
    Windows w = random(new SplittableRandom(2), 100);
    byte[] full = columns(w);
    byte[] cut = Arrays.copyOf(full, full.length - 5); // the end of the counter column
    RollupColumnDecoder dec = new RollupColumnDecoder();
    long[] t = new long[100];
    double[] v = new double[100];
    assertEquals(100, dec.decode(ChunkEncoding.ROLLUP_COLUMNS, cut, RollupField.MAX, Long.MIN_VALUE, Long.MAX_VALUE, t, v, null, 0));
    assertTrue(dec.damaged(), "the chunk is shorter than its directory says");
    int got = dec.decode(ChunkEncoding.ROLLUP_COLUMNS, cut, RollupField.COUNTER, Long.MIN_VALUE, Long.MAX_VALUE, t, v, null, 0);
    assertTrue(got < 100, "the counter column lost windows: " + got);
    assertTrue(dec.damaged());
  }

  @Test
  void badHeadersAndCodecsAreDamageNotExceptions() {
    Windows w = random(new SplittableRandom(4), 30);
    byte[] good = columns(w);
    RollupColumnDecoder dec = new RollupColumnDecoder();
    long[] t = new long[65535];
    double[] v = new double[65535];
    double[] counts = new double[65535];

    byte[] unknownCodec = good.clone();
    unknownCodec[RollupColumnsAppender.FIXED_HEADER_BYTES] = 9; // the window-start column's codec
    assertEquals(1, dec.decode(ChunkEncoding.ROLLUP_COLUMNS, unknownCodec, RollupField.SUM, Long.MIN_VALUE, Long.MAX_VALUE, t, v, null, 0),
        "only the first window, whose start is in the header");
    assertTrue(dec.damaged());

    int lenAt = RollupColumnsAppender.FIXED_HEADER_BYTES + 1; // the window-start column's length
    int lenEnd = lenAt;
    while (good[lenEnd] < 0) {
      lenEnd++;
    }
    byte[] hugeLength = concat(Arrays.copyOf(good, lenAt), new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F},
        Arrays.copyOfRange(good, lenEnd + 1, good.length));
    dec.decode(ChunkEncoding.ROLLUP_COLUMNS, hugeLength, RollupField.MAX, Long.MIN_VALUE, Long.MAX_VALUE, t, v, counts, 0);
    assertTrue(dec.damaged(), "a column length beyond the chunk");

    byte[] endlessVarint = Arrays.copyOf(good, RollupColumnsAppender.FIXED_HEADER_BYTES + 12);
    Arrays.fill(endlessVarint, RollupColumnsAppender.FIXED_HEADER_BYTES + 1, endlessVarint.length, (byte) 0x80);
    assertEquals(0, dec.decode(ChunkEncoding.ROLLUP_COLUMNS, endlessVarint, RollupField.MAX, Long.MIN_VALUE, Long.MAX_VALUE, t, v, counts, 0));
    assertTrue(dec.damaged());

    byte[] moreWindowsThanData = good.clone();
    moreWindowsThanData[0] = (byte) 0xFF;
    moreWindowsThanData[1] = (byte) 0xFF; // 65535 windows declared, 30 stored
    int got = dec.decode(ChunkEncoding.ROLLUP_COLUMNS, moreWindowsThanData, RollupField.COUNTER, Long.MIN_VALUE, Long.MAX_VALUE, t, v, counts, 0);
    assertTrue(dec.damaged());
    assertTrue(got >= 30 && got < 65535, "decoded " + got);

    assertEquals(0, dec.decode(ChunkEncoding.XOR, good, RollupField.MAX, Long.MIN_VALUE, Long.MAX_VALUE, t, v, counts, 0));
    assertTrue(dec.damaged(), "raw samples are not rollup windows");
    assertFalse(new RollupIterator().reset(ChunkEncoding.DECIMAL, good).next());
    assertTrue(new RollupIterator().reset(ChunkEncoding.DECIMAL, good).damaged());
  }

  @Test
  void randomlyCorruptedChunksNeverThrow() {
    SplittableRandom r = new SplittableRandom(31);
    RollupColumnDecoder dec = new RollupColumnDecoder();
    RollupIterator it = new RollupIterator();
    long[] t = new long[65535];
    double[] v = new double[65535];
    double[] counts = new double[65535];
    for (int round = 0; round < 2000; round++) {
      Windows w = random(r, 1 + r.nextInt(60));
      byte[] c = round % 2 == 0 ? columns(w) : interleaved(w);
      int encoding = round % 2 == 0 ? ChunkEncoding.ROLLUP_COLUMNS : ChunkEncoding.ROLLUP;
      for (int flips = 1 + r.nextInt(4); flips > 0; flips--) {
        c[r.nextInt(c.length)] ^= (byte) (1 + r.nextInt(255));
      }
      if (r.nextInt(4) == 0) {
        c = Arrays.copyOf(c, r.nextInt(c.length + 1));
      }
      int cap = c.length >= 2 ? ChunkEncoding.count(c, 0) : 0;
      int got = dec.decode(encoding, c, VALUE_FIELDS[round % 5], Long.MIN_VALUE, Long.MAX_VALUE, t, v, counts, 0);
      assertTrue(got >= 0 && got <= cap, "round " + round + ": " + got + " windows of " + cap);
      it.reset(encoding, c);
      int k = 0;
      while (it.next()) {
        k++;
      }
      assertTrue(k <= cap);
    }
  }

  @Test
  void decodingOneFieldReadsNoOtherColumn() {
    Windows w = random(new SplittableRandom(9), 200);
    byte[] good = columns(w);
    int[] start = new int[RollupColumnsAppender.COLUMNS];
    int[] end = new int[RollupColumnsAppender.COLUMNS];
    directory(good, start, end);
    for (RollupField f : RollupField.values()) {
      int col = f == RollupField.COUNT ? RollupColumnsAppender.COUNTS : RollupColumnsAppender.VALUES + f.ordinal() - 1;
      byte[] poisoned = good.clone();
      for (int c = 0; c < RollupColumnsAppender.COLUMNS; c++) {
        if (c != col && c != RollupColumnsAppender.STARTS) {
          Arrays.fill(poisoned, start[c], end[c], (byte) 0xFF); // '11' prefixes everywhere: any read would go wrong
        }
      }
      assertDecodes(w, ChunkEncoding.ROLLUP_COLUMNS, poisoned, f, false, Long.MIN_VALUE, Long.MAX_VALUE, "others poisoned, " + f);
    }
  }

  @Test
  void decodingAllocatesNothingOnceWarm() {
    Windows w = random(new SplittableRandom(12), 480);
    byte[] c4 = columns(w);
    RollupColumnDecoder dec = new RollupColumnDecoder();
    long[] t = new long[480];
    double[] v = new double[480];
    double[] counts = new double[480];
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    int sum = 0;
    for (int i = 0; i < 2000; i++) { // warm up
      sum += dec.decode(ChunkEncoding.ROLLUP_COLUMNS, c4, VALUE_FIELDS[i % 5], Long.MIN_VALUE, Long.MAX_VALUE, t, v, counts, 0);
    }
    long before = mx.getThreadAllocatedBytes(id);
    for (int i = 0; i < 2000; i++) {
      sum += dec.decode(ChunkEncoding.ROLLUP_COLUMNS, c4, VALUE_FIELDS[i % 5], Long.MIN_VALUE, Long.MAX_VALUE, t, v, counts, 0);
    }
    long allocated = mx.getThreadAllocatedBytes(id) - before;
    assertEquals(4000 * 480, sum);
    assertTrue(allocated < 2000, "2000 decodes allocated " + allocated + " bytes");
  }

  /** Byte ranges of the columns, read from the directory. */
  static void directory(byte[] chunk, int[] start, int[] end) {
    int pos = RollupColumnsAppender.FIXED_HEADER_BYTES;
    int[] len = new int[RollupColumnsAppender.COLUMNS];
    for (int c = 0; c < len.length; c++) {
      assertEquals(RollupColumnsAppender.CODEC_DEFAULT, chunk[pos++]);
      int l = 0;
      for (int shift = 0; ; shift += 7) {
        int x = chunk[pos++];
        l |= (x & 0x7F) << shift;
        if (x >= 0) {
          break;
        }
      }
      len[c] = l;
    }
    for (int c = 0; c < len.length; c++) {
      start[c] = pos;
      pos += len[c];
      end[c] = pos;
    }
    assertEquals(chunk.length, pos, "the columns fill the chunk");
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  @Test
  void appenderResetStartsAFreshChunkAndToBytesIsRepeatable() {
    Windows w1 = random(new SplittableRandom(1), 50);
    Windows w2 = random(new SplittableRandom(2), 70);
    RollupColumnsAppender a = new RollupColumnsAppender(8);
    for (int i = 0; i < w1.size(); i++) {
      RollupPoint p = w1.point(i);
      a.append(p.windowStartMs(), p.count(), p.sum(), p.min(), p.max(), p.last(), p.counter());
    }
    assertArrayEquals(a.toBytes(), a.toBytes());
    a.reset();
    for (int i = 0; i < w2.size(); i++) {
      RollupPoint p = w2.point(i);
      a.append(p.windowStartMs(), p.count(), p.sum(), p.min(), p.max(), p.last(), p.counter());
    }
    assertArrayEquals(columns(w2), a.toBytes());
    assertEquals(w2.t[0], a.minT());
    assertEquals(w2.t[69], a.maxT());
    assertIterates(w2, 70, a.iterator(new RollupIterator()), "live iterator");
  }
}
