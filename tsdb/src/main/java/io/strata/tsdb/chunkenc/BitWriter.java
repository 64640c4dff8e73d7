package io.strata.tsdb.chunkenc;

import java.util.Arrays;

/**
 * Appends bits most-significant first into a growable byte array that the writer owns and reuses across
 * chunks ({@link #reset}), so a steady head allocates only when a chunk outgrows every earlier one.
 * Bytes past the write position are always zero: {@link #writeBits} ORs into them.
 */
public final class BitWriter {
  private static final java.lang.invoke.VarHandle LONG_BE =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);

  private byte[] buf;
  private int bitLen;

  public BitWriter(int initialBytes) {
    buf = new byte[Math.max(8, initialBytes)];
  }

  /** Number of bits written so far. */
  public int bitLength() {
    return bitLen;
  }

  public int byteLength() {
    return (bitLen + 7) >>> 3;
  }

  /** Capacity of the owned buffer in bytes (what the head keeps in memory). */
  public int capacity() {
    return buf.length;
  }

  /** The backing array; valid up to {@link #byteLength()}. */
  public byte[] array() {
    return buf;
  }

  public void writeBit(boolean bit) {
    int idx = bitLen >>> 3;
    if (idx >= buf.length) {
      grow(idx + 1);
    }
    if (bit) {
      buf[idx] |= (byte) (0x80 >>> (bitLen & 7));
    }
    bitLen++;
  }

  /** Writes the low {@code n} bits of {@code v} (0 <= n <= 64), most significant first. */
  public void writeBits(long v, int n) {
    if (n == 0) {
      return;
    }
    int idx = bitLen >>> 3;
    if (idx + 9 <= buf.length) {
      // fast path: OR the left-aligned bits into one 8-byte big-endian word, plus at most 7 bits that
      // spill into the next byte (only when n > 64 - the bit offset); no per-byte loop
      int s = bitLen & 7;
      long bits = v << (64 - n);
      LONG_BE.set(buf, idx, (long) LONG_BE.get(buf, idx) | (bits >>> s));
      if (s + n > 64) {
        buf[idx + 8] |= (byte) ((bits << (64 - s)) >>> 56);
      }
      bitLen += n;
      return;
    }
    // near the end of the buffer: byte by byte, growing only to the bytes actually needed, so a head
    // chunk's buffer is no larger than before this fast path existed
    int lastByte = (bitLen + n + 7) >>> 3;
    if (lastByte > buf.length) {
      grow(lastByte);
    }
    while (n > 0) {
      int i = bitLen >>> 3;
      int free = 8 - (bitLen & 7);
      if (n >= free) {
        // fill the rest of this byte with the next `free` bits
        buf[i] |= (byte) ((v >>> (n - free)) & ((1 << free) - 1));
        n -= free;
        bitLen += free;
      } else {
        buf[i] |= (byte) ((v & ((1L << n) - 1)) << (free - n));
        bitLen += n;
        n = 0;
      }
    }
  }

  /** Writes a whole byte at a byte-aligned position (used for headers). */
  public void putByteAt(int byteIndex, int b) {
    if (byteIndex >= buf.length) {
      grow(byteIndex + 1);
    }
    buf[byteIndex] = (byte) b;
  }

  /** Sets the write position to a byte boundary, e.g. past a header reserved with {@link #putByteAt}. */
  public void skipToByte(int byteIndex) {
    if (byteIndex > buf.length) {
      grow(byteIndex);
    }
    bitLen = byteIndex * 8;
  }

  /** Forgets the content; keeps the buffer. */
  public void reset() {
    Arrays.fill(buf, 0, Math.min(buf.length, byteLength()), (byte) 0);
    bitLen = 0;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buf, byteLength());
  }

  private void grow(int minBytes) {
    // grow by half: the head keeps one writer per series, so doubling would waste up to 50% of head memory
    int n = Math.max(minBytes, buf.length + (buf.length >>> 1) + 8);
    buf = Arrays.copyOf(buf, n);
  }
}
