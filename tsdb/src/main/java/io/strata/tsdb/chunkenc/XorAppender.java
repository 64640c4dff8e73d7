package io.strata.tsdb.chunkenc;

/**
 * Builds one XOR chunk: {@code [u16 sample count][bit stream]}, the stream being per sample a
 * {@link TimestampCodec} timestamp then an {@link XorCodec} value. Appends must be in increasing time
 * order; the caller (the head) enforces it. Reusable through {@link #reset}.
 */
public final class XorAppender {
  private final BitWriter w;
  private final TimestampCodec ts = new TimestampCodec();
  private final XorCodec vs = new XorCodec();
  private int count;
  private long minT;
  private long maxT;

  public XorAppender(int initialBytes) {
    w = new BitWriter(initialBytes);
    w.skipToByte(ChunkEncoding.HEADER_BYTES);
  }

  public void append(long t, double v) {
    ts.write(w, t);
    vs.write(w, Double.doubleToRawLongBits(v));
    if (count == 0) {
      minT = t;
    }
    maxT = t;
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

  /** Encoded size so far in bytes. */
  public int byteLength() {
    return w.byteLength();
  }

  /** Bytes of heap held by the buffer. */
  public int capacity() {
    return w.capacity();
  }

  /** A copy of the chunk as it stands, exactly sized. */
  public byte[] toBytes() {
    ChunkEncoding.putCount(w, count);
    return w.toByteArray();
  }

  /** Positions {@code it} on the live chunk (no copy); valid until the next append. */
  public XorIterator iterator(XorIterator it) {
    ChunkEncoding.putCount(w, count);
    return it.reset(w.array(), 0, w.byteLength());
  }

  public void reset() {
    w.reset();
    w.skipToByte(ChunkEncoding.HEADER_BYTES);
    ts.reset();
    vs.reset();
    count = 0;
  }
}
