package io.strata.tsdb.chunkenc;

import io.strata.tsdb.RollupPoint;

/** Decodes a rollup chunk window by window; see {@link RollupAppender} for the layout. */
public final class RollupIterator {
  private final BitReader r = new BitReader();
  private final TimestampCodec ts = new TimestampCodec();
  private final XorCodec sum = new XorCodec();
  private final XorCodec min = new XorCodec();
  private final XorCodec max = new XorCodec();
  private final XorCodec last = new XorCodec();
  private final XorCodec counter = new XorCodec();
  private int remaining;
  private boolean first;
  private boolean truncated;
  private long t;
  private long n;
  private long s;
  private long mn;
  private long mx;
  private long l;
  private long c;

  public RollupIterator reset(byte[] chunk, int offset, int length) {
    ts.reset();
    sum.reset();
    min.reset();
    max.reset();
    last.reset();
    counter.reset();
    first = true;
    n = 0;
    truncated = length < ChunkEncoding.HEADER_BYTES;
    remaining = truncated ? 0 : ChunkEncoding.count(chunk, offset);
    r.reset(chunk, offset + ChunkEncoding.HEADER_BYTES, Math.max(0, length - ChunkEncoding.HEADER_BYTES));
    return this;
  }

  public RollupIterator reset(byte[] chunk) {
    return reset(chunk, 0, chunk.length);
  }

  public boolean next() {
    if (remaining == 0) {
      return false;
    }
    remaining--;
    t = ts.read(r);
    if (first) {
      n = r.readBits(64);
      first = false;
    } else if (r.readBit()) {
      n = r.readBit() ? r.readBits(64) : n + TimestampCodec.signExtend(r.readBits(16), 16);
    }
    s = sum.read(r);
    mn = min.read(r);
    mx = max.read(r);
    l = last.read(r);
    c = counter.read(r);
    return true;
  }

  public long t() {
    return t;
  }

  public RollupPoint point() {
    return new RollupPoint(t, n, Double.longBitsToDouble(s), Double.longBitsToDouble(mn), Double.longBitsToDouble(mx),
        Double.longBitsToDouble(l), Double.longBitsToDouble(c));
  }

  public boolean damaged() {
    return truncated || r.overrun();
  }
}
