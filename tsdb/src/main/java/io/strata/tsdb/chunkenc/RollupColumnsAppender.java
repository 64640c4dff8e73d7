package io.strata.tsdb.chunkenc;

/**
 * Builds one columnar rollup chunk ({@link ChunkEncoding#ROLLUP_COLUMNS}):
 *
 * <pre>
 * [u16 window count][i64 first window start][directory: 7 x (u8 codec, uvarint byte length)][7 columns]
 * </pre>
 * The columns, each a byte-aligned bit stream in this order: window starts after the first (delta-of-delta,
 * {@link TimestampCodec}), counts (first 64 bits, then '0' same, '10' + 16-bit signed delta, '11' + 64
 * bits), then sum, min, max, last, counter, each an {@link XorCodec} stream. Every column has its own
 * writer, so windows are appended one at a time (the head) and {@link #toBytes} only concatenates. The
 * format is in docs/format/chunks.md.
 */
public final class RollupColumnsAppender {
  /** Number of columns, in directory order. */
  static final int COLUMNS = 7;
  static final int STARTS = 0;
  static final int COUNTS = 1;
  /** First value column: SUM; then MIN, MAX, LAST, COUNTER in {@link RollupField} order. */
  static final int VALUES = 2;
  /** Codec byte of every column this version writes; other codecs are reserved for denser columns. */
  static final int CODEC_DEFAULT = 0;
  /** Count header, the first window start (minT, where every chunk encoding keeps it). */
  static final int FIXED_HEADER_BYTES = ChunkEncoding.HEADER_BYTES + 8;

  private final BitWriter[] cols = new BitWriter[COLUMNS];
  private final TimestampCodec ts = new TimestampCodec();
  private final XorCodec[] values = new XorCodec[COLUMNS - VALUES];
  private long prevCount;
  private int count;
  private long minT;
  private long maxT;

  /** {@code initialBytes} is split over the columns (a value column takes most of a chunk). */
  public RollupColumnsAppender(int initialBytes) {
    int perValue = Math.max(8, initialBytes / 6);
    for (int c = 0; c < COLUMNS; c++) {
      cols[c] = new BitWriter(c < VALUES ? 8 : perValue);
    }
    for (int i = 0; i < values.length; i++) {
      values[i] = new XorCodec();
    }
  }

  public void append(long windowStart, long n, double s, double mn, double mx, double l, double c) {
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
    maxT = windowStart;
    count++;
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
    return it.reset(ChunkEncoding.ROLLUP_COLUMNS, toBytes());
  }

  public void reset() {
    for (BitWriter w : cols) {
      w.reset();
    }
    ts.reset();
    for (XorCodec v : values) {
      v.reset();
    }
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
