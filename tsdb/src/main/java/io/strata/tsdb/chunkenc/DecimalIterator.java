package io.strata.tsdb.chunkenc;

/**
 * Decodes a decimal chunk (encoding 3, see {@link DecimalChunkEncoder}). The whole chunk is unpacked at
 * {@link #reset} into two arrays, in tight per-field loops (fixed-width unpacking, prefix sums, one
 * division per decimal value), then {@link #next} only steps an index. The arrays are owned and reused:
 * nothing is allocated once they have reached the largest chunk seen.
 */
public final class DecimalIterator {
  private final BitReader r = new BitReader();
  private final TimestampCodec tc = new TimestampCodec();
  private long[] ts = new long[0];
  private long[] vs = new long[0];
  private int n;
  private int i;
  private boolean damaged;

  public DecimalIterator reset(byte[] chunk) {
    return reset(chunk, 0, chunk.length);
  }

  public DecimalIterator reset(byte[] chunk, int offset, int length) {
    i = -1;
    n = 0;
    damaged = length < ChunkEncoding.HEADER_BYTES;
    if (damaged) {
      return this;
    }
    int count = ChunkEncoding.count(chunk, offset);
    r.reset(chunk, offset + ChunkEncoding.HEADER_BYTES, length - ChunkEncoding.HEADER_BYTES);
    if (ts.length < count) {
      ts = new long[count];
      vs = new long[count];
    }
    if (count == 0 || !timestamps(count) || !values(count) || r.overrun()) {
      damaged = count != 0 || r.overrun();
      return this;
    }
    n = count;
    return this;
  }

  private boolean timestamps(int count) {
    long[] t = ts;
    t[0] = r.readBits(64);
    if (count == 1) {
      return true;
    }
    if (!r.readBit()) {
      tc.seed(t[0]);
      for (int k = 1; k < count; k++) {
        t[k] = tc.read(r);
      }
      return true;
    }
    long d = ForBlock.unzigzag(ForBlock.readVar(r));
    t[1] = t[0] + d;
    if (count > 2) {
      if (!ForBlock.read(r, t, 2, count - 2)) {
        return false;
      }
      long prev = t[1];
      for (int k = 2; k < count; k++) {
        d += t[k];
        prev += d;
        t[k] = prev;
      }
    }
    return true;
  }

  private boolean values(int count) {
    long[] v = vs;
    boolean decimal = r.readBit();
    int e = 0;
    if (decimal) {
      e = (int) (r.readBits(6) << 58 >> 58);
      if (e < -DecimalConversion.MAX_EXPONENT || e > DecimalConversion.MAX_EXPONENT) {
        return false;
      }
    }
    int transform = (int) r.readBits(2);
    if (transform == 0) {
      if (!ForBlock.read(r, v, 0, count)) {
        return false;
      }
    } else if (transform == 1) {
      v[0] = ForBlock.unzigzag(ForBlock.readVar(r));
      if (count > 1) {
        if (!ForBlock.read(r, v, 1, count - 1)) {
          return false;
        }
        long prev = v[0];
        for (int k = 1; k < count; k++) {
          prev += v[k];
          v[k] = prev;
        }
      }
    } else if (transform == 2) {
      v[0] = ForBlock.unzigzag(ForBlock.readVar(r));
      if (count > 1) {
        long d = ForBlock.unzigzag(ForBlock.readVar(r));
        v[1] = v[0] + d;
        if (count > 2) {
          if (!ForBlock.read(r, v, 2, count - 2)) {
            return false;
          }
          long prev = v[1];
          for (int k = 2; k < count; k++) {
            d += v[k];
            prev += d;
            v[k] = prev;
          }
        }
      }
    } else {
      return false;
    }
    if (!decimal) {
      return true;
    }
    if (e < 0) {
      double p = DecimalConversion.POW10[-e];
      for (int k = 0; k < count; k++) {
        v[k] = Double.doubleToRawLongBits((double) v[k] / p);
      }
    } else {
      double p = DecimalConversion.POW10[e];
      for (int k = 0; k < count; k++) {
        v[k] = Double.doubleToRawLongBits((double) v[k] * p);
      }
    }
    long exceptions = ForBlock.readVar(r);
    if (exceptions > count) {
      return false;
    }
    long idx = -1;
    for (long k = 0; k < exceptions; k++) {
      idx += ForBlock.readVar(r) + 1;
      if (idx < 0 || idx >= count) {
        return false;
      }
      v[(int) idx] = r.readBits(64);
    }
    return true;
  }

  public boolean next() {
    if (i + 1 >= n) {
      return false;
    }
    i++;
    return true;
  }

  public long t() {
    return ts[i];
  }

  public double v() {
    return Double.longBitsToDouble(vs[i]);
  }

  /** Raw bits of the current value. */
  public long bits() {
    return vs[i];
  }

  /** True when the chunk could not be decoded (it then yields no sample). */
  public boolean damaged() {
    return damaged;
  }
}
