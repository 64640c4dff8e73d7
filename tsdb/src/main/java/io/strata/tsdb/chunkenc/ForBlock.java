package io.strata.tsdb.chunkenc;

/**
 * Frame-of-reference packing of a run of longs: every y is {@code base + gcd × r} with r an unsigned
 * integer of {@code width} bits, all r packed back to back. Layout in the bit stream:
 *
 * <pre>
 * var(zigzag(base))   width 7 bits (0..64)   [width > 0: var(gcd - 1)]   k × width bits of r
 * </pre>
 * {@code var(x)} is a 7-bit bit length L (0..64) then the L low bits of x. Arithmetic wraps, so a run
 * whose range needs all 64 bits (raw IEEE bits of mixed signs) still round-trips. One instance is reused
 * for analysis: {@link #analyze} then {@link #bits} or {@link #write}.
 */
final class ForBlock {
  long base;
  long gcd;
  int width;

  /** Finds base, gcd and width of {@code y[from, to)} (to > from). */
  void analyze(long[] y, int from, int to) {
    long min = y[from];
    long max = min;
    for (int i = from + 1; i < to; i++) {
      long v = y[i];
      if (v < min) {
        min = v;
      }
      if (v > max) {
        max = v;
      }
    }
    base = min;
    long range = max - min;
    gcd = 1;
    if (range == 0) {
      width = 0;
      return;
    }
    if (range > 0) { // below 2^63: a common divisor may shrink every r (e.g. memory sizes in pages)
      long g = 0;
      for (int i = from; i < to && g != 1; i++) {
        g = gcd(g, y[i] - min);
      }
      gcd = g;
      range /= g;
    }
    width = 64 - Long.numberOfLeadingZeros(range);
  }

  /** Size in bits of a block of k items with the analysed parameters. */
  long bits(int k) {
    return varBits(zigzag(base)) + 7 + (width > 0 ? varBits(gcd - 1) : 0) + (long) k * width;
  }

  void write(BitWriter w, long[] y, int from, int to) {
    writeVar(w, zigzag(base));
    w.writeBits(width, 7);
    if (width == 0) {
      return;
    }
    writeVar(w, gcd - 1);
    if (gcd == 1) {
      for (int i = from; i < to; i++) {
        w.writeBits(y[i] - base, width);
      }
    } else {
      for (int i = from; i < to; i++) {
        w.writeBits((y[i] - base) / gcd, width);
      }
    }
  }

  /** Reads a block of k items into {@code out[off, off + k)}; false if its header is impossible (a damaged chunk). */
  static boolean read(BitReader r, long[] out, int off, int k) {
    long b = unzigzag(readVar(r));
    int width = (int) r.readBits(7);
    if (width > 64) {
      return false;
    }
    if (width == 0) {
      java.util.Arrays.fill(out, off, off + k, b);
      return true;
    }
    long g = readVar(r) + 1;
    r.unpack(out, off, k, width);
    if (g == 1) {
      for (int i = off; i < off + k; i++) {
        out[i] += b;
      }
    } else {
      for (int i = off; i < off + k; i++) {
        out[i] = b + g * out[i];
      }
    }
    return true;
  }

  static long zigzag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  static long unzigzag(long z) {
    return (z >>> 1) ^ -(z & 1);
  }

  static int varBits(long x) {
    return 7 + 64 - Long.numberOfLeadingZeros(x);
  }

  static void writeVar(BitWriter w, long x) {
    int len = 64 - Long.numberOfLeadingZeros(x);
    w.writeBits(len, 7);
    w.writeBits(x, len);
  }

  /** Reads a var field; a length above 64 (damage) reads 64 bits and leaves the caller's checks to fail. */
  static long readVar(BitReader r) {
    int len = (int) r.readBits(7);
    return r.readBits(Math.min(len, 64));
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }
}
