package io.strata.tsdb.chunkenc;

/**
 * Delta-of-delta timestamp coding (Gorilla, as in Prometheus's XOR chunk). The first timestamp is
 * written as 64 raw bits; every later one as the difference between its delta and the previous delta
 * (the first delta against 0), in one of five buckets:
 *
 * <pre>
 * '0'                   dod == 0
 * '10'   + 14 bits      -8192 .. 8191
 * '110'  + 17 bits      -65536 .. 65535
 * '1110' + 20 bits      -524288 .. 524287
 * '1111' + 64 bits      anything
 * </pre>
 * Bucket widths are Prometheus's: 14 bits hold the jitter of a 15 s scrape in milliseconds.
 */
public final class TimestampCodec {
  private long prevT;
  private long prevDelta;
  private int n;

  public void reset() {
    prevT = 0;
    prevDelta = 0;
    n = 0;
  }

  /** Continues after a first timestamp {@code t} that was written or read elsewhere (decimal chunks). */
  public void seed(long t) {
    prevT = t;
    prevDelta = 0;
    n = 1;
  }

  public long last() {
    return prevT;
  }

  public void write(BitWriter w, long t) {
    if (n == 0) {
      w.writeBits(t, 64);
    } else {
      long delta = t - prevT;
      long dod = delta - prevDelta;
      if (dod == 0) {
        w.writeBit(false);
      } else if (fits(dod, 14)) {
        w.writeBits(0b10, 2);
        w.writeBits(dod, 14);
      } else if (fits(dod, 17)) {
        w.writeBits(0b110, 3);
        w.writeBits(dod, 17);
      } else if (fits(dod, 20)) {
        w.writeBits(0b1110, 4);
        w.writeBits(dod, 20);
      } else {
        w.writeBits(0b1111, 4);
        w.writeBits(dod, 64);
      }
      prevDelta = delta;
    }
    prevT = t;
    n++;
  }

  public long read(BitReader r) {
    if (n == 0) {
      prevT = r.readBits(64);
    } else {
      long dod;
      switch (r.readPrefix(4)) {
        case 0 -> dod = 0;
        case 1 -> dod = signExtend(r.readBits(14), 14);
        case 2 -> dod = signExtend(r.readBits(17), 17);
        case 3 -> dod = signExtend(r.readBits(20), 20);
        default -> dod = r.readBits(64);
      }
      prevDelta += dod;
      prevT += prevDelta;
    }
    n++;
    return prevT;
  }

  static boolean fits(long v, int bits) {
    long lim = 1L << (bits - 1);
    return v >= -lim && v < lim;
  }

  static long signExtend(long v, int bits) {
    int shift = 64 - bits;
    return (v << shift) >> shift;
  }
}
