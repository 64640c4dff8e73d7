package io.strata.tsdb.chunkenc;

import io.strata.tsdb.RollupPoint;

/**
 * Builds one columnar rollup chunk, {@link ChunkEncoding#ROLLUP_EXACT} (what the store writes) or
 * {@link ChunkEncoding#ROLLUP_COLUMNS} (older stores; kept to write its golden fixture and test data):
 *
 * <pre>
 * [u16 window count][i64 first window start][directory: N x (u8 codec, uvarint byte length)][N columns]
 * </pre>
 * The columns, each a byte-aligned bit stream in this order: window starts after the first (delta-of-delta,
 * {@link TimestampCodec}), counts (first 64 bits, then '0' same, '10' + 16-bit signed delta, '11' + 64
 * bits), then sum, min, max, last, counter, each an {@link XorCodec} stream (N = 7, encoding 4). Encoding 5
 * (N = 14) adds first (XOR), first offset and last offset (integer delta code, see {@link #writeInt}),
 * correction (XOR), resets and changes (integer delta code) and the exact flags (empty when every window is
 * exact, else one bit per window). Every column has its own writer, so windows are appended one at a time
 * (the head) and {@link #toBytes} only concatenates. The format is in docs/format/chunks.md.
 */
public final class RollupColumnsAppender {
  /** Number of columns of encoding 4, in directory order; encoding 5 has {@link #EXACT_COLUMNS}. */
  static final int COLUMNS = 7;
  static final int STARTS = 0;
  static final int COUNTS = 1;
  /** First value column: SUM; then MIN, MAX, LAST, COUNTER in {@link RollupField} order. */
  static final int VALUES = 2;
  /** Encoding 5's columns after encoding 4's seven. */
  static final int FIRST = 7;
  static final int FIRST_OFFSET = 8;
  static final int LAST_OFFSET = 9;
  static final int CORRECTION = 10;
  static final int RESETS = 11;
  static final int CHANGES = 12;
  static final int EXACT = 13;
  static final int EXACT_COLUMNS = 14;
  /** Codec byte of every column this version writes; other codecs are reserved for denser columns. */
  static final int CODEC_DEFAULT = 0;
  /** Count header, the first window start (minT, where every chunk encoding keeps it). */
  static final int FIXED_HEADER_BYTES = ChunkEncoding.HEADER_BYTES + 8;

  private final int encoding;
  private final BitWriter[] cols;
  private final TimestampCodec ts = new TimestampCodec();
  /** sum, min, max, last, counter, and for encoding 5 first and correction. */
  private final XorCodec[] values;
  /** Previous integer of first offset, last offset, resets, changes (encoding 5). */
  private final long[] prevInt = new long[4];
  /** Windows appended before the first legacy one: while it equals count, the exact column stays empty. */
  private int exactRun;
  private long prevCount;
  private int count;
  private long minT;
  private long maxT;

  /**
   * An encoding-4 ({@link ChunkEncoding#ROLLUP_COLUMNS}) chunk, as older stores hold: for golden fixtures,
   * tests and benchmarks of that encoding. The store writes {@link ChunkEncoding#ROLLUP_EXACT}.
   */
  public RollupColumnsAppender(int initialBytes) {
    this(ChunkEncoding.ROLLUP_COLUMNS, initialBytes);
  }

  /**
   * {@code encoding} is {@link ChunkEncoding#ROLLUP_EXACT} or {@link ChunkEncoding#ROLLUP_COLUMNS};
   * {@code initialBytes} is split over the columns (a value column takes most of a chunk).
   */
  public RollupColumnsAppender(int encoding, int initialBytes) {
    if (encoding != ChunkEncoding.ROLLUP_EXACT && encoding != ChunkEncoding.ROLLUP_COLUMNS) {
      throw new IllegalArgumentException("not a columnar rollup encoding: " + encoding);
    }
    this.encoding = encoding;
    boolean exact = encoding == ChunkEncoding.ROLLUP_EXACT;
    cols = new BitWriter[exact ? EXACT_COLUMNS : COLUMNS];
    int perValue = Math.max(8, initialBytes / (exact ? 7 : 6));
    for (int c = 0; c < cols.length; c++) {
      boolean valueColumn = (c >= VALUES && c < COLUMNS) || c == FIRST;
      cols[c] = new BitWriter(valueColumn ? perValue : 8);
    }
    values = new XorCodec[exact ? 7 : 5];
    for (int i = 0; i < values.length; i++) {
      values[i] = new XorCodec();
    }
  }

  public int encoding() {
    return encoding;
  }

  /** Appends a window; an encoding-4 chunk takes only legacy windows (it has no column for the rest). */
  public void append(RollupPoint p) {
    if (encoding == ChunkEncoding.ROLLUP_COLUMNS && p.exact()) {
      throw new IllegalStateException("BUG: an encoding-4 rollup chunk cannot hold an exact window");
    }
    appendLegacyColumns(p.windowStartMs(), p.count(), p.sum(), p.min(), p.max(), p.last(), p.counter());
    if (encoding == ChunkEncoding.ROLLUP_EXACT) {
      appendExact(p.windowStartMs(), p.firstMs(), p.first(), p.lastMs(), p.correction(), p.resets(), p.changes(), p.exact());
    }
    maxT = p.windowStartMs();
    count++;
  }

  /** Appends a legacy window (the seven aggregates of encoding 4; in encoding 5 every other field 0, not exact). */
  public void append(long windowStart, long n, double s, double mn, double mx, double l, double c) {
    appendLegacyColumns(windowStart, n, s, mn, mx, l, c);
    if (encoding == ChunkEncoding.ROLLUP_EXACT) {
      appendExact(windowStart, 0, 0.0, 0, 0.0, 0, 0, false);
    }
    maxT = windowStart;
    count++;
  }

  private void appendLegacyColumns(long windowStart, long n, double s, double mn, double mx, double l, double c) {
    if (count == ChunkEncoding.MAX_SAMPLES) {
      throw new IllegalStateException("BUG: rollup chunk already holds " + ChunkEncoding.MAX_SAMPLES + " windows");
    }
    BitWriter cw = cols[COUNTS];
    if (count == 0) {
      minT = windowStart;
      ts.seed(windowStart); // the first start sits in the fixed header
      cw.writeBits(n, 64);
    } else {
      ts.write(cols[STARTS], windowStart);
      long d = n - prevCount;
      if (d == 0) {
        cw.writeBit(false);
      } else if (TimestampCodec.fits(d, 16)) {
        cw.writeBits(0b10, 2);
        cw.writeBits(d, 16);
      } else {
        cw.writeBits(0b11, 2);
        cw.writeBits(n, 64);
      }
    }
    prevCount = n;
    values[0].write(cols[VALUES], Double.doubleToRawLongBits(s));
    values[1].write(cols[VALUES + 1], Double.doubleToRawLongBits(mn));
    values[2].write(cols[VALUES + 2], Double.doubleToRawLongBits(mx));
    values[3].write(cols[VALUES + 3], Double.doubleToRawLongBits(l));
    values[4].write(cols[VALUES + 4], Double.doubleToRawLongBits(c));
  }

  /** Encoding 5's columns of the window being appended ({@link #count} not yet incremented). */
  private void appendExact(long windowStart, long firstMs, double first, long lastMs, double correction, long resets, long changes, boolean exact) {
    values[5].write(cols[FIRST], Double.doubleToRawLongBits(first));
    // offsets from the window start for exact windows; a legacy window's timestamps as they are (0 from the old stage)
    long base = exact ? windowStart : 0;
    prevInt[0] = writeInt(cols[FIRST_OFFSET], prevInt[0], firstMs - base);
    prevInt[1] = writeInt(cols[LAST_OFFSET], prevInt[1], lastMs - base);
    values[6].write(cols[CORRECTION], Double.doubleToRawLongBits(correction));
    prevInt[2] = writeInt(cols[RESETS], prevInt[2], resets);
    prevInt[3] = writeInt(cols[CHANGES], prevInt[3], changes);
    BitWriter ew = cols[EXACT];
    if (exactRun == count) {
      if (exact) {
        exactRun++; // still all exact: the column stays empty
        return;
      }
      for (int i = 0; i < exactRun; i++) {
        ew.writeBit(true); // the first legacy window: the windows before it were exact
      }
    }
    ew.writeBit(exact);
  }

  /**
   * The integer delta code of encoding 5 ({@code v} against {@code prev}): '0' same, '10' + 8-bit signed delta,
   * '110' + 16-bit, '1110' + 32-bit, '1111' + the 64-bit value. Deltas wrap in 64-bit arithmetic, as the
   * decoder adds them. Returns v.
   */
  static long writeInt(BitWriter w, long prev, long v) {
    long d = v - prev;
    if (d == 0) {
      w.writeBit(false);
    } else if (TimestampCodec.fits(d, 8)) {
      w.writeBits(0b10, 2);
      w.writeBits(d, 8);
    } else if (TimestampCodec.fits(d, 16)) {
      w.writeBits(0b110, 3);
      w.writeBits(d, 16);
    } else if (TimestampCodec.fits(d, 32)) {
      w.writeBits(0b1110, 4);
      w.writeBits(d, 32);
    } else {
      w.writeBits(0b1111, 4);
      w.writeBits(v, 64);
    }
    return v;
  }

  public int count() {
    return count;
  }

  public long minT() {
    return minT;
  }

  public long maxT() {
    return maxT;
  }

  /** Bytes held by the column buffers (what the head keeps in memory). */
  public int capacity() {
    int b = 0;
    for (BitWriter w : cols) {
      b += w.capacity();
    }
    return b;
  }

  /** The chunk as stored: header, directory and the columns concatenated. */
  public byte[] toBytes() {
    int size = FIXED_HEADER_BYTES;
    for (BitWriter w : cols) {
      size += 1 + uvarintSize(w.byteLength()) + w.byteLength();
    }
    byte[] out = new byte[size];
    out[0] = (byte) (count >>> 8);
    out[1] = (byte) count;
    long t0 = count == 0 ? 0 : minT;
    for (int i = 0; i < 8; i++) {
      out[ChunkEncoding.HEADER_BYTES + i] = (byte) (t0 >>> (56 - 8 * i));
    }
    int pos = FIXED_HEADER_BYTES;
    for (BitWriter w : cols) {
      out[pos++] = CODEC_DEFAULT;
      pos = putUvarint(out, pos, w.byteLength());
    }
    for (BitWriter w : cols) {
      System.arraycopy(w.array(), 0, out, pos, w.byteLength());
      pos += w.byteLength();
    }
    return out;
  }

  /** Positions {@code it} on a copy of the chunk as it is now (an out-of-order or duplicate check, not a hot path). */
  public RollupIterator iterator(RollupIterator it) {
    return it.reset(encoding, toBytes());
  }

  public void reset() {
    for (BitWriter w : cols) {
      w.reset();
    }
    ts.reset();
    for (XorCodec v : values) {
      v.reset();
    }
    java.util.Arrays.fill(prevInt, 0);
    exactRun = 0;
    prevCount = 0;
    count = 0;
  }

  static int uvarintSize(int v) {
    int n = 1;
    while ((v & ~0x7F) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  private static int putUvarint(byte[] b, int pos, int v) {
    while ((v & ~0x7F) != 0) {
      b[pos++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b[pos++] = (byte) v;
    return pos;
  }
}
