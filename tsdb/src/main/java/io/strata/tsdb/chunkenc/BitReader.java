package io.strata.tsdb.chunkenc;

/**
 * Reads bits most-significant first from a byte range through a 64-bit window refilled a byte at a
 * time. Reading past the end yields zero bits and sets {@link #overrun()}: the decoder keeps going and
 * its caller checks once at the end, as Prometheus's {@code encoding.Decbuf} does.
 */
public final class BitReader {
  private static final java.lang.invoke.VarHandle LONG_BE =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);

  private byte[] b;
  private int pos;
  private int end;
  /** Unread bits, left-aligned: the next bit is the sign bit. */
  private long window;
  /** Number of valid bits in {@link #window}. */
  private int avail;
  private boolean overrun;

  public void reset(byte[] bytes, int offset, int length) {
    this.b = bytes;
    this.pos = offset;
    this.end = offset + length;
    this.window = 0;
    this.avail = 0;
    this.overrun = false;
  }

  public boolean overrun() {
    return overrun;
  }

  private void refill() {
    if (avail <= 56 && pos + 8 <= end) {
      // fast path: one 8-byte load, keep the whole bytes that fit behind the unread bits
      long w = (long) LONG_BE.get(b, pos);
      int take = (64 - avail) >>> 3;
      window |= w >>> avail;
      pos += take;
      avail += take << 3;
      window &= avail == 64 ? -1L : ~(-1L >>> avail);
      return;
    }
    while (avail <= 56 && pos < end) {
      window |= (b[pos++] & 0xFFL) << (56 - avail);
      avail += 8;
    }
  }

  public boolean readBit() {
    if (avail == 0) {
      refill();
      if (avail == 0) {
        overrun = true;
        return false;
      }
    }
    boolean bit = window < 0;
    window <<= 1;
    avail--;
    return bit;
  }

  /** Reads {@code n} bits (0 <= n <= 64) as an unsigned value. */
  public long readBits(int n) {
    if (n == 0) {
      return 0;
    }
    if (avail < n) {
      refill();
    }
    if (avail >= n) {
      long v = window >>> (64 - n);
      window = n == 64 ? 0 : window << n;
      avail -= n;
      return v;
    }
    // more than the refilled window holds (n > 57) or the end is near: take what is there, then the rest
    int first = avail;
    long hi = first == 0 ? 0 : window >>> (64 - first);
    window = 0;
    avail = 0;
    refill();
    int rest = n - first;
    if (avail < rest) {
      overrun = true;
      avail = 0;
      window = 0;
      return 0;
    }
    long lo = window >>> (64 - rest);
    window = rest == 64 ? 0 : window << rest;
    avail -= rest;
    return (hi << rest) | lo;
  }

  /**
   * Reads a prefix of up to {@code max} (<= 8) one bits ended by a zero, as {@link #readOnes} does, but
   * from one look at the window instead of bit by bit.
   */
  public int readPrefix(int max) {
    if (avail < max) {
      refill();
      if (avail < max) {
        return readOnes(max);
      }
    }
    int ones = Long.numberOfLeadingZeros(~window);
    if (ones >= max) {
      window <<= max;
      avail -= max;
      return max;
    }
    window <<= ones + 1;
    avail -= ones + 1;
    return ones;
  }

  /** Counts leading one bits, stopping after {@code max} ones or at the first zero (which is consumed). */
  public int readOnes(int max) {
    int n = 0;
    while (n < max && readBit()) {
      n++;
    }
    return n;
  }

  /**
   * Reads {@code k} unsigned values of {@code width} bits (1..64) into {@code out[off, off + k)}: the
   * packed runs of {@link ForBlock}. Widths up to 56 take one window check per value.
   */
  public void unpack(long[] out, int off, int k, int width) {
    if (width > 56) {
      for (int i = off; i < off + k; i++) {
        out[i] = readBits(width);
      }
      return;
    }
    int shift = 64 - width;
    for (int i = off; i < off + k; i++) {
      if (avail < width) {
        refill();
        if (avail < width) {
          out[i] = readBits(width); // the end of the stream: flags the overrun
          continue;
        }
      }
      out[i] = window >>> shift;
      window <<= width;
      avail -= width;
    }
  }
}
