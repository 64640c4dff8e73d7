package io.strata.tsdb.chunkenc;

/**
 * Builds one rollup chunk: {@code [u16 window count][bit stream]}, per window: the window start as a
 * {@link TimestampCodec} timestamp, the count as a delta against the previous count ('0' same,
 * '10' + 16-bit signed delta, '11' + 64 bits; the first count is 64 bits), then sum, min, max, last and
 * counter, each in its own {@link XorCodec} stream state, interleaved in the one bit stream.
 *
 * <p>This is {@link ChunkEncoding#ROLLUP}, which the store no longer writes (the head and compaction write
 * {@link RollupColumnsAppender}'s columnar chunks); it stays to write the encoding-2 golden fixture and test
 * and benchmark data, and {@link RollupIterator} reads its chunks forever.
 */
public final class RollupAppender {
  private final BitWriter w;
  private final TimestampCodec ts = new TimestampCodec();
  private final XorCodec sum = new XorCodec();
  private final XorCodec min = new XorCodec();
  private final XorCodec max = new XorCodec();
  private final XorCodec last = new XorCodec();
  private final XorCodec counter = new XorCodec();
  private long prevCount;
  private int count;
  private long minT;
  private long maxT;

  public RollupAppender(int initialBytes) {
    w = new BitWriter(initialBytes);
    w.skipToByte(ChunkEncoding.HEADER_BYTES);
  }

  public void append(long windowStart, long n, double s, double mn, double mx, double l, double c) {
    ts.write(w, windowStart);
    if (count == 0) {
      w.writeBits(n, 64);
    } else {
      long d = n - prevCount;
      if (d == 0) {
        w.writeBit(false);
      } else if (TimestampCodec.fits(d, 16)) {
        w.writeBits(0b10, 2);
        w.writeBits(d, 16);
      } else {
        w.writeBits(0b11, 2);
        w.writeBits(n, 64);
      }
    }
    prevCount = n;
    sum.write(w, Double.doubleToRawLongBits(s));
    min.write(w, Double.doubleToRawLongBits(mn));
    max.write(w, Double.doubleToRawLongBits(mx));
    last.write(w, Double.doubleToRawLongBits(l));
    counter.write(w, Double.doubleToRawLongBits(c));
    if (count == 0) {
      minT = windowStart;
    }
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

  public int capacity() {
    return w.capacity();
  }

  public byte[] toBytes() {
    ChunkEncoding.putCount(w, count);
    return w.toByteArray();
  }

  /** Positions {@code it} on the live chunk (no copy); valid until the next append. */
  public RollupIterator iterator(RollupIterator it) {
    ChunkEncoding.putCount(w, count);
    return it.reset(w.array(), 0, w.byteLength());
  }

  public void reset() {
    w.reset();
    w.skipToByte(ChunkEncoding.HEADER_BYTES);
    ts.reset();
    sum.reset();
    min.reset();
    max.reset();
    last.reset();
    counter.reset();
    prevCount = 0;
    count = 0;
  }
}
