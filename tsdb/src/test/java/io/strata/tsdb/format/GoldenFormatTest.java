package io.strata.tsdb.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.schemas.model.StaleMarker;
import io.strata.tsdb.RollupPoint;
import io.strata.tsdb.WindowColumns;
import io.strata.tsdb.chunkenc.ChunkEncoding;
import io.strata.tsdb.chunkenc.RawChunkIterator;
import io.strata.tsdb.chunkenc.RollupColumnDecoder;
import io.strata.tsdb.chunkenc.RollupField;
import io.strata.tsdb.chunkenc.RollupIterator;
import io.strata.tsdb.chunkenc.XorIterator;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** Reads the v1 golden files (written once, never regenerated) and checks today's encoder still writes them byte for byte. */
class GoldenFormatTest {
  private static byte[] fixture(String name) throws Exception {
    try (InputStream in = GoldenFormatTest.class.getResourceAsStream("/format/" + name)) {
      if (in == null) {
        throw new AssertionError("missing golden fixture /format/" + name);
      }
      return in.readAllBytes();
    }
  }

  @Test
  void encodersStillWriteEveryV1FixtureByteForByte() throws Exception {
    for (var e : GoldenFixtures.v1().entrySet()) {
      assertArrayEquals(fixture(e.getKey()), e.getValue(), e.getKey());
    }
  }

  @Test
  void xorChunkV1DecodesToItsSamples() throws Exception {
    ChunkRecord c = ChunkRecord.decode(fixture("chunk-xor-v1.bin"), "chunk-xor-v1.bin");
    assertEquals(GoldenFixtures.T0, c.minT());
    assertEquals(GoldenFixtures.T0 + 3_600_000, c.maxT());
    XorIterator it = new XorIterator().reset(c.data());
    for (int i = 0; i < GoldenFixtures.XOR_T.length; i++) {
      assertTrue(it.next());
      assertEquals(GoldenFixtures.XOR_T[i], it.t());
      assertEquals(Double.doubleToRawLongBits(GoldenFixtures.XOR_V[i]), it.bits());
    }
    assertFalse(it.next());
  }

  @Test
  void decimalChunkV1FixturesDecodeToTheirSamples() throws Exception {
    checkDecimal("chunk-decimal-v1.bin", GoldenFixtures.DEC_T, GoldenFixtures.DEC_V);
    checkDecimal("chunk-decimal-raw-v1.bin", GoldenFixtures.DEC_RAW_T, GoldenFixtures.DEC_RAW_V);
  }

  private static void checkDecimal(String name, long[] ts, double[] vs) throws Exception {
    ChunkRecord c = ChunkRecord.decode(fixture(name), name);
    assertEquals(ChunkEncoding.DECIMAL, c.encoding(), name);
    assertEquals(ts[0], c.minT(), name);
    assertEquals(ts[ts.length - 1], c.maxT(), name);
    RawChunkIterator it = new RawChunkIterator().reset(c.encoding(), c.data());
    for (int i = 0; i < ts.length; i++) {
      assertTrue(it.next(), name + " sample " + i);
      assertEquals(ts[i], it.t(), name + " timestamp " + i);
      assertEquals(Double.doubleToRawLongBits(vs[i]), it.bits(), name + " value " + i);
    }
    assertFalse(it.next());
    assertFalse(it.damaged());
  }

  @Test
  void rollupChunkV1DecodesToItsWindows() throws Exception {
    ChunkRecord c = ChunkRecord.decode(fixture("chunk-rollup-v1.bin"), "chunk-rollup-v1.bin");
    assertEquals(ChunkEncoding.ROLLUP, c.encoding());
    RollupIterator it = new RollupIterator().reset(c.encoding(), c.data());
    assertTrue(it.next());
    assertEquals(new RollupPoint(GoldenFixtures.T0, 20, 100.5, 1, 9, 9, 1000), it.point());
    assertTrue(it.next());
    assertTrue(StaleMarker.isStale(it.point().last()));
    assertTrue(it.next());
    assertEquals(100_000, it.point().count());
    assertFalse(it.next());
    assertFalse(it.damaged());

    // the bulk decoder reads the old encoding too (stores written before encoding 4)
    long[] t = new long[3];
    double[] v = new double[3];
    double[] counts = new double[3];
    RollupColumnDecoder dec = new RollupColumnDecoder();
    assertEquals(3, dec.decode(c.encoding(), c.data(), RollupField.COUNTER, Long.MIN_VALUE, Long.MAX_VALUE, t, v, counts, 0));
    assertArrayEquals(new long[] {GoldenFixtures.T0, GoldenFixtures.T0 + 300_000, GoldenFixtures.T0 + 600_000}, t);
    assertArrayEquals(new double[] {1000, 1100, 1200}, v);
    assertArrayEquals(new double[] {20, 20, 100_000}, counts);
    assertFalse(dec.damaged());
  }

  @Test
  void rollupColumnsChunkV1DecodesToItsWindows() throws Exception {
    String name = "chunk-rollup-columns-v1.bin";
    ChunkRecord c = ChunkRecord.decode(fixture(name), name);
    double[][] w = GoldenFixtures.COLUMNS_W;
    assertEquals(ChunkEncoding.ROLLUP_COLUMNS, c.encoding());
    assertEquals(GoldenFixtures.T0, c.minT());
    assertEquals(GoldenFixtures.T0 + 1_800_000, c.maxT());
    assertEquals(w.length, c.count());
    RollupIterator it = new RollupIterator().reset(c.encoding(), c.data());
    for (double[] x : w) {
      assertTrue(it.next());
      RollupPoint p = it.point();
      assertEquals(GoldenFixtures.T0 + (long) x[0], p.windowStartMs());
      assertEquals((long) x[1], p.count());
      double[] got = {p.sum(), p.min(), p.max(), p.last(), p.counter()};
      for (int f = 0; f < 5; f++) {
        assertEquals(Double.doubleToRawLongBits(x[2 + f]), Double.doubleToRawLongBits(got[f]), "field " + f + " of window at " + x[0]);
      }
    }
    assertFalse(it.next());
    assertFalse(it.damaged());
    it.reset(c.encoding(), c.data());
    it.next();
    it.next();
    assertTrue(StaleMarker.isStale(it.point().last()), "the stale marker keeps its NaN payload");

    RollupColumnDecoder dec = new RollupColumnDecoder();
    long[] t = new long[w.length];
    double[] v = new double[w.length];
    double[] counts = new double[w.length];
    for (RollupField f : RollupField.values()) {
      assertEquals(w.length, dec.decode(c.encoding(), c.data(), f, Long.MIN_VALUE, Long.MAX_VALUE, t, v, counts, 0), f.name());
      assertFalse(dec.damaged());
      for (int i = 0; i < w.length; i++) {
        assertEquals(GoldenFixtures.T0 + (long) w[i][0], t[i]);
        assertEquals(w[i][1], counts[i]);
        assertEquals(Double.doubleToRawLongBits(w[i][1 + f.ordinal()]), Double.doubleToRawLongBits(v[i]), f + " of window " + i);
      }
    }
  }

  @Test
  void rollupExactChunkV1FixturesDecodeToTheirWindows() throws Exception {
    checkExact("chunk-rollup-exact-v1.bin", GoldenFixtures.EXACT_W);
    checkExact("chunk-rollup-exact-mixed-v1.bin", GoldenFixtures.MIXED_W);
  }

  private static void checkExact(String name, RollupPoint[] w) throws Exception {
    ChunkRecord c = ChunkRecord.decode(fixture(name), name);
    assertEquals(ChunkEncoding.ROLLUP_EXACT, c.encoding(), name);
    assertEquals(w[0].windowStartMs(), c.minT());
    assertEquals(w[w.length - 1].windowStartMs(), c.maxT());
    assertEquals(w.length, c.count());
    RollupIterator it = new RollupIterator().reset(c.encoding(), c.data());
    for (RollupPoint p : w) {
      assertTrue(it.next(), name);
      assertTrue(p.sameBits(it.point()), name + ": expected " + p + ", got " + it.point());
    }
    assertFalse(it.next());
    assertFalse(it.damaged());

    RollupColumnDecoder dec = new RollupColumnDecoder();
    WindowColumns cols = new WindowColumns(1);
    assertEquals(w.length, dec.decodeWindows(c.encoding(), c.data(), Long.MIN_VALUE, Long.MAX_VALUE, cols));
    assertFalse(dec.damaged());
    for (int i = 0; i < w.length; i++) {
      RollupPoint p = w[i];
      RollupPoint noCounter = new RollupPoint(p.windowStartMs(), p.count(), p.sum(), p.min(), p.max(), p.last(), 0.0, p.firstMs(), p.first(), p.lastMs(),
          p.correction(), p.resets(), p.changes(), p.exact());
      assertTrue(noCounter.sameBits(cols.point(i)), name + " window " + i + ": " + cols.point(i));
    }
    // the one-column fast path reads encoding 5's first seven columns as it reads encoding 4's
    long[] t = new long[w.length];
    double[] v = new double[w.length];
    double[] counts = new double[w.length];
    for (RollupField f : RollupField.values()) {
      assertEquals(w.length, dec.decode(c.encoding(), c.data(), f, Long.MIN_VALUE, Long.MAX_VALUE, t, v, counts, 0), f.name());
      assertFalse(dec.damaged());
      for (int i = 0; i < w.length; i++) {
        assertEquals(w[i].windowStartMs(), t[i]);
        assertEquals((double) w[i].count(), counts[i]);
        assertEquals(Double.doubleToRawLongBits(io.strata.tsdb.StoredSeries.valueOf(f, w[i])), Double.doubleToRawLongBits(v[i]), f + " of window " + i);
      }
    }
  }

  @Test
  void olderRollupEncodingsReadBackAsLegacyWindows() throws Exception {
    for (String name : new String[] {"chunk-rollup-v1.bin", "chunk-rollup-columns-v1.bin"}) {
      ChunkRecord c = ChunkRecord.decode(fixture(name), name);
      WindowColumns cols = new WindowColumns(1);
      RollupColumnDecoder dec = new RollupColumnDecoder();
      int n = dec.decodeWindows(c.encoding(), c.data(), Long.MIN_VALUE, Long.MAX_VALUE, cols);
      assertEquals(c.count(), n, name);
      assertFalse(dec.damaged());
      RollupIterator it = new RollupIterator().reset(c.encoding(), c.data());
      for (int i = 0; i < n; i++) {
        assertTrue(it.next());
        RollupPoint p = it.point();
        assertFalse(p.exact(), name);
        assertFalse(cols.exact()[i], name);
        assertEquals(new RollupPoint(p.windowStartMs(), p.count(), p.sum(), p.min(), p.max(), p.last(), p.counter()), p, "extra fields 0");
        RollupPoint fromColumns = cols.point(i);
        assertTrue(new RollupPoint(p.windowStartMs(), p.count(), p.sum(), p.min(), p.max(), p.last(), 0.0).sameBits(fromColumns), name + " " + fromColumns);
      }
    }
  }

  @Test
  void recordV1FixturesDecode() throws Exception {
    assertEquals(GoldenFixtures.series(), SeriesRecord.decode(7, fixture("series-v1.bin"), "series-v1.bin"));
    assertEquals(GoldenFixtures.block(), BlockMeta.decode(0, fixture("block-v1.bin"), "block-v1.bin"));
    assertEquals(GoldenFixtures.store(), StoreRecord.decode(fixture("store-v1.bin"), "store-v1.bin"));
    assertEquals(123_456_789L, StoreRecord.decodeOffset(fixture("offset-v1.bin"), "offset-v1.bin"));
    byte[] k = fixture("key-chunk-v1.bin");
    assertEquals(300_000L, Keys.chunkRes(k));
    assertEquals(GoldenFixtures.T0, Keys.chunkBlock(k));
    assertEquals(7, Keys.chunkSeries(k));
    assertEquals(GoldenFixtures.T0 + 15_000, Keys.chunkMinT(k));
    assertEquals(-7_200_000L, Keys.blockStart(fixture("key-block-v1.bin")));
  }

  @Test
  void keysSortInTimeOrderAcrossZero() {
    byte[] before = Keys.chunk(0, -3_600_000L, 1, -1);
    byte[] after = Keys.chunk(0, 0, 1, 0);
    assertTrue(java.util.Arrays.compareUnsigned(before, after) < 0);
  }

  @Test
  void everyFlippedByteOfABoxIsCaught() throws Exception {
    byte[] good = fixture("chunk-xor-v1.bin");
    for (int i = 0; i < good.length; i++) {
      byte[] bad = good.clone();
      bad[i] ^= 0x04;
      int at = i;
      StorageCorruptionException e = assertThrows(StorageCorruptionException.class, () -> ChunkRecord.decode(bad, "fixture"), "flip at " + at);
      assertTrue(e.getMessage().startsWith("corrupt "), e.getMessage());
      assertEquals("fixture", e.location());
    }
  }
}
