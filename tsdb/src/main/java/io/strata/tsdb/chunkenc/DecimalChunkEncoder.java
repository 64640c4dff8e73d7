package io.strata.tsdb.chunkenc;

/**
 * Writes decimal chunks (encoding 3, docs/format/chunks.md) from whole arrays of samples, as compaction has
 * them: timestamps and values are each packed with the cheapest of a few exact transforms, picked per
 * chunk by computing every candidate's size in bits.
 *
 * <ul>
 *   <li>Timestamps: Gorilla delta-of-delta buckets (robust to a missed scrape), or the first delta plus a
 *       frame-of-reference run of delta-of-deltas (0 bits per sample when scrapes are aligned, 4 with
 *       0-3 ms of jitter).</li>
 *   <li>Values: as integers, either the raw IEEE-754 bits or decimal mantissas m with value = m × 10^e for
 *       one exponent e per chunk ({@link DecimalConversion}); values that do not fit that exponent (NaN,
 *       the stale marker, ±Inf, -0.0, more decimals) are exceptions stored as raw bits. The integers are
 *       then stored as a frame-of-reference run of the values, their deltas (counters) or their
 *       delta-of-deltas (steady rates), whichever is smallest.</li>
 * </ul>
 * {@link #encodeBest} also builds the XOR chunk and keeps the smaller one. Not thread-safe; reusable.
 */
public final class DecimalChunkEncoder {
  /** A chunk's encoding id and bytes (count header included). */
  public record Encoded(int encoding, byte[] bytes) {}

  /**
   * At most this fraction (1/32) of a chunk's values may be exceptions when the exponent is chosen to
   * fit most values rather than all: one odd value (0.1 + 0.2) must not add digits to every other one.
   */
  private static final int EXCEPTION_SHARE_SHIFT = 5;

  private final BitWriter w = new BitWriter(1024);
  private final XorAppender xor = new XorAppender(1024);
  private final ForBlock fb = new ForBlock();
  private long[] x = new long[0];
  private long[] y = new long[0];
  private int[] exps = new int[0];
  private boolean[] exc = new boolean[0];
  private final int[] expCount = new int[2 * DecimalConversion.MAX_EXPONENT + 1];

  /** The smaller of the XOR and the decimal chunk for {@code n >= 1} samples in increasing time order. */
  public Encoded encodeBest(long[] ts, long[] bits, int n) {
    xor.reset();
    for (int i = 0; i < n; i++) {
      xor.append(ts[i], Double.longBitsToDouble(bits[i]));
    }
    int xorLen = xor.byteLength();
    writeDecimal(ts, bits, n);
    if (w.byteLength() < xorLen) {
      return new Encoded(ChunkEncoding.DECIMAL, w.toByteArray());
    }
    return new Encoded(ChunkEncoding.XOR, xor.toBytes());
  }

  /** A decimal chunk of {@code n >= 1} samples in increasing time order, whatever its size. */
  public byte[] encode(long[] ts, long[] bits, int n) {
    writeDecimal(ts, bits, n);
    return w.toByteArray();
  }

  private void writeDecimal(long[] ts, long[] bits, int n) {
    if (n < 1 || n > ChunkEncoding.MAX_SAMPLES) {
      throw new IllegalArgumentException("decimal chunk sample count " + n + " is outside 1.." + ChunkEncoding.MAX_SAMPLES);
    }
    ensure(n);
    w.reset();
    w.skipToByte(ChunkEncoding.HEADER_BYTES);
    ChunkEncoding.putCount(w, n);
    writeTimestamps(ts, n);
    writeValues(bits, n);
  }

  private void ensure(int n) {
    if (x.length < n) {
      x = new long[n];
      y = new long[n];
      exps = new int[n];
      exc = new boolean[n];
    }
  }

  // ---- timestamps ----

  private void writeTimestamps(long[] ts, int n) {
    w.writeBits(ts[0], 64);
    if (n == 1) {
      return;
    }
    long gorilla = 0;
    long prevDelta = 0;
    for (int i = 1; i < n; i++) {
      long delta = ts[i] - ts[i - 1];
      gorilla += gorillaBits(delta - prevDelta);
      prevDelta = delta;
      if (i >= 2) {
        y[i] = delta - (ts[i - 1] - ts[i - 2]);
      }
    }
    long d1 = ts[1] - ts[0];
    long packed = ForBlock.varBits(ForBlock.zigzag(d1));
    if (n > 2) {
      fb.analyze(y, 2, n);
      packed += fb.bits(n - 2);
    }
    if (gorilla <= packed) {
      w.writeBit(false);
      TimestampCodec c = new TimestampCodec();
      c.seed(ts[0]); // the first timestamp is already written
      for (int i = 1; i < n; i++) {
        c.write(w, ts[i]);
      }
      return;
    }
    w.writeBit(true);
    ForBlock.writeVar(w, ForBlock.zigzag(d1));
    if (n > 2) {
      fb.write(w, y, 2, n);
    }
  }

  private static int gorillaBits(long dod) {
    if (dod == 0) {
      return 1;
    }
    if (TimestampCodec.fits(dod, 14)) {
      return 16;
    }
    if (TimestampCodec.fits(dod, 17)) {
      return 20;
    }
    return TimestampCodec.fits(dod, 20) ? 24 : 68;
  }

  // ---- values ----

  private void writeValues(long[] bits, int n) {
    // candidate 1: the raw IEEE bits as integers (always exact)
    System.arraycopy(bits, 0, x, 0, n);
    int rawT = bestTransform(n);
    long rawCost = 1 + cost;

    // candidate 2: decimal mantissas at the exponent that fits every value, and at the one that fits most
    int none = 0;
    java.util.Arrays.fill(expCount, 0);
    int minE = DecimalConversion.MAX_EXPONENT + 1;
    for (int i = 0; i < n; i++) {
      int e = DecimalConversion.exponent(bits[i]);
      exps[i] = e;
      if (e == DecimalConversion.NONE) {
        none++;
      } else if (e != DecimalConversion.ANY) {
        expCount[e + DecimalConversion.MAX_EXPONENT]++;
        minE = Math.min(minE, e);
      }
    }
    int bestE = Integer.MIN_VALUE;
    int bestDecT = -1;
    long bestDecCost = Long.MAX_VALUE;
    if (none < n) {
      if (minE > DecimalConversion.MAX_EXPONENT) {
        minE = 0; // only zeros (and exceptions)
      }
      int limit = n >>> EXCEPTION_SHARE_SHIFT;
      int mostE = minE;
      int below = none;
      for (int e = minE; e <= DecimalConversion.MAX_EXPONENT; e++) {
        if (below > limit) {
          break;
        }
        mostE = e; // values needing fewer decimals than e are exceptions: `below` of them, within the limit
        below += expCount[e + DecimalConversion.MAX_EXPONENT];
      }
      for (int pass = 0; pass < 2; pass++) {
        int e = pass == 0 ? minE : mostE;
        if (e == bestE) {
          continue;
        }
        long excCost = mantissas(bits, n, e);
        int t = bestTransform(n);
        long c = 1 + 6 + cost + excCost;
        if (c < bestDecCost) {
          bestDecCost = c;
          bestDecT = t;
          bestE = e;
        }
      }
    }

    if (bestDecCost < rawCost) {
      mantissas(bits, n, bestE);
      w.writeBit(true);
      w.writeBits(bestE, 6);
      writeTransform(bestDecT, n);
      int cnt = 0;
      for (int i = 0; i < n; i++) {
        if (exc[i]) {
          cnt++;
        }
      }
      ForBlock.writeVar(w, cnt);
      int prev = -1;
      for (int i = 0; i < n; i++) {
        if (exc[i]) {
          ForBlock.writeVar(w, i - prev - 1);
          w.writeBits(bits[i], 64);
          prev = i;
        }
      }
    } else {
      System.arraycopy(bits, 0, x, 0, n);
      w.writeBit(false);
      writeTransform(rawT, n);
    }
  }

  /**
   * Fills x with the mantissas at exponent e, marks the exceptions and returns their cost in bits. An
   * exception's slot continues the line of the two previous mantissas, so a stale marker at the end of a
   * steady counter leaves its delta-of-deltas at zero.
   */
  private long mantissas(long[] bits, int n, int e) {
    long firstValid = 0;
    boolean found = false;
    for (int i = 0; i < n; i++) {
      int ei = exps[i];
      long m = ei == DecimalConversion.NONE || (ei != DecimalConversion.ANY && ei < e) ? Long.MIN_VALUE : DecimalConversion.mantissa(bits[i], e);
      exc[i] = m == Long.MIN_VALUE;
      x[i] = m;
      if (!exc[i] && !found) {
        firstValid = m;
        found = true;
      }
    }
    long prev = firstValid;
    long step = 0;
    int cnt = 0;
    long c = 0;
    int prevIdx = -1;
    for (int i = 0; i < n; i++) {
      if (exc[i]) {
        prev += step;
        x[i] = prev;
        cnt++;
        c += ForBlock.varBits(i - prevIdx - 1) + 64;
        prevIdx = i;
      } else {
        step = i == 0 ? 0 : x[i] - prev;
        prev = x[i];
      }
    }
    return c + ForBlock.varBits(cnt);
  }

  /** Set by {@link #bestTransform}: the cost in bits of the chosen transform including its 2-bit id. */
  private long cost;

  /** Picks the cheapest of values (0), deltas (1), delta-of-deltas (2) for x[0, n). */
  private int bestTransform(int n) {
    fb.analyze(x, 0, n);
    long c0 = 2 + fb.bits(n);
    int t = 0;
    cost = c0;
    if (n >= 2) {
      for (int i = 1; i < n; i++) {
        y[i] = x[i] - x[i - 1];
      }
      fb.analyze(y, 1, n);
      long c1 = 2 + ForBlock.varBits(ForBlock.zigzag(x[0])) + fb.bits(n - 1);
      if (c1 < cost) {
        cost = c1;
        t = 1;
      }
    }
    if (n >= 3) {
      long d1 = y[1];
      for (int i = n - 1; i >= 2; i--) {
        y[i] = y[i] - y[i - 1];
      }
      fb.analyze(y, 2, n);
      long c2 = 2 + ForBlock.varBits(ForBlock.zigzag(x[0])) + ForBlock.varBits(ForBlock.zigzag(d1)) + fb.bits(n - 2);
      if (c2 < cost) {
        cost = c2;
        t = 2;
      }
    }
    return t;
  }

  private void writeTransform(int t, int n) {
    w.writeBits(t, 2);
    if (t == 0) {
      fb.analyze(x, 0, n);
      fb.write(w, x, 0, n);
      return;
    }
    ForBlock.writeVar(w, ForBlock.zigzag(x[0]));
    if (n < 2) {
      return;
    }
    for (int i = 1; i < n; i++) {
      y[i] = x[i] - x[i - 1];
    }
    if (t == 1) {
      fb.analyze(y, 1, n);
      fb.write(w, y, 1, n);
      return;
    }
    ForBlock.writeVar(w, ForBlock.zigzag(y[1]));
    if (n < 3) {
      return;
    }
    for (int i = n - 1; i >= 2; i--) {
      y[i] = y[i] - y[i - 1];
    }
    fb.analyze(y, 2, n);
    fb.write(w, y, 2, n);
  }
}
