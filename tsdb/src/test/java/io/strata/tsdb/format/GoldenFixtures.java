package io.strata.tsdb.format;

import io.strata.schemas.model.Labels;
import io.strata.schemas.model.StaleMarker;
import io.strata.tsdb.RollupPoint;
import io.strata.tsdb.chunkenc.ChunkEncoding;
import io.strata.tsdb.chunkenc.DecimalChunkEncoder;
import io.strata.tsdb.chunkenc.RollupAppender;
import io.strata.tsdb.chunkenc.RollupColumnsAppender;
import io.strata.tsdb.chunkenc.XorAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The content of the v1 golden fixtures in src/test/resources/format. {@link #main} wrote them once;
 * they are never regenerated: a format change adds v2 files and keeps reading v1.
 */
public final class GoldenFixtures {
  static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  static final long[] XOR_T = {T0, T0 + 15_000, T0 + 30_000, T0 + 45_000, T0 + 60_001, T0 + 75_000, T0 + 3_600_000};
  static final double[] XOR_V = {1.0, StaleMarker.VALUE, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 42.5, -0.0};

  /** Decimal chunk: aligned scrapes (packed timestamps), a two-decimal counter (mantissas), special values as exceptions. */
  static final long[] DEC_T = new long[24];
  static final double[] DEC_V = new double[24];

  static {
    for (int i = 0; i < DEC_T.length; i++) {
      DEC_T[i] = T0 + i * 15_000L;
      DEC_V[i] = Math.round((1000.25 + i * 3.37 + (i % 3) * 0.05) * 100) / 100.0;
    }
    DEC_V[3] = Double.NaN;
    DEC_V[5] = Double.POSITIVE_INFINITY;
    DEC_V[23] = StaleMarker.VALUE;
  }
  /** Decimal chunk: a missed scrape (Gorilla timestamps) and 17-digit values with no decimal form (raw IEEE bits). */
  static final long[] DEC_RAW_T = {T0, T0 + 15_000, T0 + 30_000, T0 + 75_000, T0 + 90_001, T0 + 105_000};
  static final double[] DEC_RAW_V = {Math.nextUp(1.0), Math.nextUp(2.0), -0.0, 0.1 + 0.2, StaleMarker.VALUE, Double.NEGATIVE_INFINITY};

  private GoldenFixtures() {}

  static long[] rawBits(double[] vs) {
    long[] b = new long[vs.length];
    for (int i = 0; i < vs.length; i++) {
      b[i] = Double.doubleToRawLongBits(vs[i]);
    }
    return b;
  }

  static ChunkRecord decimalChunk(long[] ts, double[] vs) {
    byte[] data = new DecimalChunkEncoder().encode(ts, rawBits(vs), ts.length);
    return new ChunkRecord(ChunkEncoding.DECIMAL, ts[0], ts[ts.length - 1], ts.length, data);
  }

  static ChunkRecord xorChunk() {
    XorAppender a = new XorAppender(16);
    for (int i = 0; i < XOR_T.length; i++) {
      a.append(XOR_T[i], XOR_V[i]);
    }
    return new ChunkRecord(ChunkEncoding.XOR, a.minT(), a.maxT(), a.count(), a.toBytes());
  }

  static ChunkRecord rollupChunk() {
    RollupAppender a = new RollupAppender(16);
    a.append(T0, 20, 100.5, 1, 9, 9, 1000);
    a.append(T0 + 300_000, 20, 110.25, 2, 8, StaleMarker.VALUE, 1100);
    a.append(T0 + 600_000, 100_000, 0, Double.NEGATIVE_INFINITY, Double.NaN, 0, 1200);
    return new ChunkRecord(ChunkEncoding.ROLLUP, a.minT(), a.maxT(), a.count(), a.toBytes());
  }

  /**
   * Columnar rollup chunk (encoding 4): 5m windows with a missed window and a jittered start, counts that
   * change by a little, by a lot and beyond 2^40, a stale marker, NaN, both infinities and -0.0 in the value
   * columns, a counter that grows by cents and one whose XOR needs all 64 bits.
   */
  static final double[][] COLUMNS_W = {
      // start offset (ms), count, sum, min, max, last, counter
      {0, 20, 100.5, 1, 9, 9, 1000.25},
      {300_000, 20, 110.25, 2, 8, StaleMarker.VALUE, 1003.5},
      {600_000, 19, Double.NaN, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 0, 1007.75},
      {1_200_000, 100_000, -0.0, -5, 12.5, 12.5, 1011.0},
      {1_500_003, 1L << 41, 3.0e300, -0.0, Double.NaN, -1e-300, -1011.0},
      {1_800_000, 1L << 41, 3.0e300, -0.0, Double.NaN, -1e-300, 0.5},
  };

  static ChunkRecord rollupColumnsChunk() {
    RollupColumnsAppender a = new RollupColumnsAppender(16);
    for (double[] w : COLUMNS_W) {
      a.append(T0 + (long) w[0], (long) w[1], w[2], w[3], w[4], w[5], w[6]);
    }
    return new ChunkRecord(ChunkEncoding.ROLLUP_COLUMNS, a.minT(), a.maxT(), a.count(), a.toBytes());
  }

  private static final long RES = 300_000;

  /**
   * Columnar rollup chunk with exact windows (encoding 5), every window exact (the exact column empty): 5m
   * windows of a counter scraped every 15 s at a 7 s phase (offsets that repeat), one that resets twice
   * (correction and resets), a missed window, a window with a missed scrape and a jittered last sample
   * (irregular offsets), NaN, ±Inf and -0.0 in the value columns, counts and changes beyond 2^40 and resets
   * that jump by more than 16 and 32 bits.
   */
  static final RollupPoint[] EXACT_W = {
      exact(0, 20, 2090, 100, 119, 119, 7_000, 100, 292_000, 0, 0, 19),
      exact(RES, 20, 1270.5, 0.5, 125.5, 9.5, 7_000, 120, 292_000, 125.5 + 3, 2, 19),
      // a missed window at 2 * RES
      exact(3 * RES, 19, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, 31, 22_000, -0.0, 292_003, 0, 0, 18),
      exact(4 * RES, 1L << 41, Double.NaN, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0, Double.NaN, 299_999, 1e300, 100_000,
          (1L << 41) - 1),
      exact(5 * RES, (1L << 41) + 5, 1e-300, 1, 2, 2, 7_000, 1, 292_000, 0, 5_000_000_000L, 7),
  };

  /** Encoding 5 holding a legacy window (replayed from the old stage) between two exact ones: the exact column is a bitmap. */
  static final RollupPoint[] MIXED_W = {
      exact(0, 20, 2090, 100, 119, 119, 7_000, 100, 292_000, 0, 0, 19),
      new RollupPoint(T0 + RES, 20, 2490, 120, 139, 139, 139),
      exact(2 * RES, 20, 2890, 140, 159, 159, 7_000, 140, 292_000, 0, 0, 19),
  };

  private static RollupPoint exact(long start, long count, double sum, double min, double max, double last, long firstOff, double first, long lastOff,
      double correction, long resets, long changes) {
    long s = T0 + start;
    return new RollupPoint(s, count, sum, min, max, last, 0.0, s + firstOff, first, s + lastOff, correction, resets, changes, true);
  }

  static ChunkRecord rollupExactChunk(RollupPoint[] windows) {
    RollupColumnsAppender a = new RollupColumnsAppender(ChunkEncoding.ROLLUP_EXACT, 16);
    for (RollupPoint p : windows) {
      a.append(p);
    }
    return new ChunkRecord(ChunkEncoding.ROLLUP_EXACT, a.minT(), a.maxT(), a.count(), a.toBytes());
  }

  static SeriesRecord series() {
    return new SeriesRecord(7, "tenant-a", Labels.of("__name__", "http_requests_total", "job", "api", "path", "/ü"));
  }

  static BlockMeta block() {
    return new BlockMeta(0, T0, 86_400_000L, 1, true, 12, 5760, 8200, T0, T0 + 86_385_000L, 1);
  }

  static StoreRecord store() {
    return new StoreRecord(StoreRecord.LAYOUT_V1, 7_200_000L, 86_400_000L);
  }

  static Map<String, byte[]> v1() {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("chunk-xor-v1.bin", xorChunk().encode());
    m.put("chunk-rollup-v1.bin", rollupChunk().encode());
    m.put("series-v1.bin", series().encode());
    m.put("block-v1.bin", block().encode());
    m.put("store-v1.bin", store().encode());
    m.put("offset-v1.bin", StoreRecord.encodeOffset(123_456_789L));
    m.put("key-chunk-v1.bin", Keys.chunk(300_000L, T0, 7, T0 + 15_000));
    m.put("key-block-v1.bin", Keys.block(0, -7_200_000L));
    m.put("key-head-v1.bin", Keys.head(0, 7));
    m.put("key-series-v1.bin", Keys.series(7));
    m.put("key-offset-v1.bin", Keys.offset("metrics.samples/3"));
    // added with encoding 3 (decimal); the v1 files above are unchanged
    m.put("chunk-decimal-v1.bin", decimalChunk(DEC_T, DEC_V).encode());
    m.put("chunk-decimal-raw-v1.bin", decimalChunk(DEC_RAW_T, DEC_RAW_V).encode());
    // added with encoding 4 (columnar rollups); the files above are unchanged
    m.put("chunk-rollup-columns-v1.bin", rollupColumnsChunk().encode());
    // added with encoding 5 (exact rollup windows); the files above are unchanged
    m.put("chunk-rollup-exact-v1.bin", rollupExactChunk(EXACT_W).encode());
    m.put("chunk-rollup-exact-mixed-v1.bin", rollupExactChunk(MIXED_W).encode());
    return m;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Files.createDirectories(dir);
    for (var e : v1().entrySet()) {
      Path p = dir.resolve(e.getKey());
      if (Files.exists(p)) {
        continue; // golden fixtures are never regenerated: only missing (newly added) ones are written
      }
      Files.write(p, e.getValue());
      System.out.println("wrote " + p);
    }
  }
}
