package io.strata.tsdb.chunkenc;

/** Chunk encodings, by the byte that names them in a chunk box (docs/format/chunks.md). */
public final class ChunkEncoding {
  private ChunkEncoding() {}

  /** Raw samples: delta-of-delta timestamps, XOR values. */
  public static final int XOR = 1;
  /** Rollup windows: delta-of-delta window starts, delta counts, five XOR value streams. */
  public static final int ROLLUP = 2;
  /**
   * Raw samples written by compaction: packed timestamps, values as decimal mantissas or raw bits in
   * frame-of-reference runs ({@link DecimalChunkEncoder}).
   */
  public static final int DECIMAL = 3;
  /**
   * Rollup windows by column: window starts, counts and the five aggregates each in its own byte-aligned
   * stream behind a directory, so a query reads only the columns it needs ({@link RollupColumnsAppender},
   * {@link RollupColumnDecoder}).
   */
  public static final int ROLLUP_COLUMNS = 4;
  /**
   * Rollup windows by column with what exact answers need: encoding 4's seven columns, then first value,
   * first and last sample offsets, counter correction, resets, changes and the per-window exact flag. What
   * the head and compaction write since it exists ({@link RollupColumnsAppender}, {@link RollupColumnDecoder}).
   */
  public static final int ROLLUP_EXACT = 5;

  /** True for the encodings that hold rollup windows rather than raw samples. */
  public static boolean isRollup(int encoding) {
    return encoding == ROLLUP || encoding == ROLLUP_COLUMNS || encoding == ROLLUP_EXACT;
  }

  /** Bytes of the sample-count header that starts every chunk. */
  public static final int HEADER_BYTES = 2;
  /** The count header is an unsigned 16-bit number. */
  public static final int MAX_SAMPLES = 65535;

  public static int count(byte[] chunk, int offset) {
    return ((chunk[offset] & 0xFF) << 8) | (chunk[offset + 1] & 0xFF);
  }

  static void putCount(BitWriter w, int count) {
    w.putByteAt(0, count >>> 8);
    w.putByteAt(1, count);
  }
}
