package io.strata.tsdb.chunkenc;

/**
 * Decodes an XOR chunk sample by sample; reusable through {@link #reset}, allocation-free once its buffer
 * has reached the largest chunk seen.
 *
 * <p>This is the read hot path (every query of head and level-0 data decodes here). {@link #reset} copies
 * the chunk into an owned buffer followed by 16 zero bytes, so that every read is one unconditional 8-byte
 * big-endian load at the current bit position ({@code bitPos}), shifted to drop the bits already used: a
 * load yields at least 57 valid bits, which covers a whole common case (dod '0' or '10' + 14 bits; value
 * '0', or '10'/'11' + header + up to 51 meaningful bits) without any per-bit loop or end-of-buffer branch.
 * Reading past the data gives zero bits from the padding; the position is checked once per sample against
 * the data length, and a chunk that ends before its declared count stops there and reports
 * {@link #damaged()}. The format is in docs/format/chunks.md.
 */
public final class XorIterator {
  private static final java.lang.invoke.VarHandle LONG_BE =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);
  /** Zero bytes after the data: room for an 8-byte load plus the one extra byte of a 64-bit read. */
  private static final int PADDING = 16;

  private byte[] buf = new byte[256];
  /** Next unread bit, counted from the start of the bit stream (after the count header). */
  private long bitPos;
  /** Number of data bits: a position beyond it means the stream ran out. */
  private long limit;
  private boolean overrun;
  private boolean truncated;

  private int remaining;
  private boolean first;
  private long t;
  private long delta;
  private long vbits;
  private int leading;
  private int trailing;

  public XorIterator reset(byte[] chunk, int offset, int length) {
    truncated = length < ChunkEncoding.HEADER_BYTES;
    remaining = truncated ? 0 : ChunkEncoding.count(chunk, offset);
    int dataLen = truncated ? 0 : length - ChunkEncoding.HEADER_BYTES;
    if (buf.length < dataLen + PADDING) {
      buf = new byte[dataLen + PADDING + (dataLen >>> 2)];
    }
    System.arraycopy(chunk, offset + (truncated ? 0 : ChunkEncoding.HEADER_BYTES), buf, 0, dataLen);
    java.util.Arrays.fill(buf, dataLen, dataLen + PADDING, (byte) 0);
    bitPos = 0;
    limit = (long) dataLen << 3;
    overrun = false;
    first = true;
    t = 0;
    delta = 0;
    vbits = 0;
    leading = -1;
    trailing = 0;
    return this;
  }

  public XorIterator reset(byte[] chunk) {
    return reset(chunk, 0, chunk.length);
  }

  /** At least 57 valid bits starting at bit {@code p}, left-aligned. */
  private long window(long p) {
    return (long) LONG_BE.get(buf, (int) (p >>> 3)) << (p & 7);
  }

  /** {@code n} bits (1..64) at bit {@code p} as an unsigned value. */
  private long read(long p, int n) {
    int s = (int) (p & 7);
    int q = (int) (p >>> 3);
    long v = ((long) LONG_BE.get(buf, q) << s) >>> (64 - n);
    int extra = n - (64 - s); // bits beyond the 8 loaded bytes: only for n > 56
    if (extra > 0) {
      v |= (buf[q + 8] & 0xFF) >>> (8 - extra);
    }
    return v;
  }

  public boolean next() {
    if (remaining == 0) {
      return false;
    }
    remaining--;
    long p = bitPos;
    if (first) {
      first = false;
      t = read(p, 64);
      vbits = read(p + 64, 64);
      p += 128;
      return check(p);
    }

    // timestamp: delta of delta. One load serves the common cases of both fields: after a 1- or 16-bit
    // timestamp at least 41 valid bits remain in w for the value's control bits and, often, its payload.
    long w = window(p);
    int used;
    if (w >= 0) { // '0': same delta
      used = 1;
    } else if ((w << 1) >= 0) { // '10' + 14 bits, sign-extended
      delta += (w << 2) >> 50;
      used = 16;
    } else if ((w << 2) >= 0) { // '110' + 17 bits
      delta += (w << 3) >> 47;
      used = 20;
    } else if ((w << 3) >= 0) { // '1110' + 20 bits
      delta += (w << 4) >> 44;
      used = 24;
    } else { // '1111' + 64 bits: reload after it
      delta += read(p + 4, 64);
      p += 68;
      used = 0;
      w = window(p);
    }
    t += delta;
    w <<= used;
    p += used;
    int valid = 57 - used; // bits of w known to be loaded

    // value: XOR against the previous bits
    if (w >= 0) { // '0': same value
      return check(p + 1);
    }
    int head;
    if ((w << 1) < 0) { // '11': new window, 5 bits leading zeros, 6 bits meaningful length (64 as 0)
      leading = (int) ((w << 2) >>> 59);
      int sig = (int) ((w << 7) >>> 58);
      trailing = sig == 0 ? 0 : 64 - leading - sig;
      if (trailing < 0) { // leading + length > 64: only a damaged stream says that
        overrun = true;
        remaining = 0;
        return false;
      }
      head = 13;
    } else { // '10': the previous window
      if (leading < 0) {
        leading = 0; // '10' before any window: a corrupt stream; decode garbage, the box checksum reports it
        trailing = 0;
      }
      head = 2;
    }
    int sig = 64 - leading - trailing;
    long x = head + sig <= valid ? (w << head) >>> (64 - sig) : read(p + head, sig);
    vbits ^= x << trailing;
    return check(p + head + sig);
  }

  private boolean check(long p) {
    bitPos = p;
    if (p > limit) {
      overrun = true;
      remaining = 0;
      return false;
    }
    return true;
  }

  public long t() {
    return t;
  }

  public double v() {
    return Double.longBitsToDouble(vbits);
  }

  /** Raw bits of the current value. */
  public long bits() {
    return vbits;
  }

  /** True when the stream ended before its declared sample count: the chunk is damaged. */
  public boolean damaged() {
    return truncated || overrun;
  }
}
