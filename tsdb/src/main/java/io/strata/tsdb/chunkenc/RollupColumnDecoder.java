package io.strata.tsdb.chunkenc;

import io.strata.tsdb.WindowColumns;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Bulk decoder of one aggregate of a rollup chunk into primitive arrays: what a query over rollups reads
 * (the counter for rate(), max for max_over_time, sum and count for avg_over_time, last for a selector).
 * Reusable, not thread-safe, allocation-free once warmed up.
 *
 * <p>For {@link ChunkEncoding#ROLLUP_COLUMNS} and {@link ChunkEncoding#ROLLUP_EXACT} (whose first seven
 * columns are encoding 4's) it reads the directory, then only the window-start column,
 * the field's column and, if asked, the count column; the other columns are never touched. Each column is
 * read in place (no copy) with one 8-byte big-endian load per value at the current bit position, shifted
 * to drop the bits already used, as {@link XorIterator} does: a load holds at least 57 valid bits, enough
 * for a whole common case. The last 7 bytes of the chunk are loaded byte by byte, zero-filled past its end,
 * so no read goes out of bounds whatever the chunk says. The position is checked against the column's end
 * once per value. Chunks hold increasing window starts, so decoding stops at the first start after maxt.
 *
 * <p>{@link ChunkEncoding#ROLLUP} (the interleaved encoding of older stores) is decoded whole through a
 * {@link RollupIterator} and only the asked field kept: correct, not fast.
 *
 * <p>{@link #decodeWindows} decodes whole windows (every column but the legacy counter) into
 * {@link WindowColumns}: what exact rollup queries read. Windows of encodings 2 and 4 come back legacy
 * (exact false, the fields they lack 0).
 */
public final class RollupColumnDecoder {
  private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final int MAX_COLUMNS = RollupColumnsAppender.EXACT_COLUMNS;

  private byte[] b;
  private int count;
  private long t0;
  /** Bit positions of each column's first bit and end (exclusive), clamped to the chunk. */
  private final long[] colStart = new long[MAX_COLUMNS];
  private final long[] colEnd = new long[MAX_COLUMNS];
  private final int[] codec = new int[MAX_COLUMNS];
  /** The exact column's length as the directory says (0: every window exact), before clamping to the chunk. */
  private long exactLength;
  /** First output window: windows before it start before mint. */
  private int lo;
  private boolean damaged;
  private RollupIterator interleaved;

  /**
   * Decodes windows of one rollup chunk (encoding ROLLUP, ROLLUP_COLUMNS or ROLLUP_EXACT) whose window start is in
   * [mint, maxt]: window starts into t[off..], the field's values into v[off..], and, when counts != null,
   * the window counts (as double) into counts[off..]. The arrays have room for off +
   * ChunkEncoding.count(chunk, 0) entries. Returns the number written. A damaged chunk (ends early, bad
   * header) decodes the windows before the damage and then damaged() is true.
   */
  public int decode(int encoding, byte[] chunk, RollupField field, long mint, long maxt, long[] t, double[] v, double[] counts, int off) {
    damaged = false;
    if (encoding == ChunkEncoding.ROLLUP_COLUMNS || encoding == ChunkEncoding.ROLLUP_EXACT) {
      return decodeColumns(encoding, chunk, field, mint, maxt, t, v, counts, off);
    }
    if (encoding == ChunkEncoding.ROLLUP) {
      return decodeInterleaved(chunk, field, mint, maxt, t, v, counts, off);
    }
    damaged = true; // no rollup windows in any other encoding
    return 0;
  }

  /**
   * Appends the whole windows of one rollup chunk (any rollup encoding) whose start is in [mint, maxt] to
   * {@code out} and returns how many. Allocation-free once {@code out} has room for the chunk's windows. A
   * damaged chunk appends the windows before the damage and then damaged() is true.
   */
  public int decodeWindows(int encoding, byte[] chunk, long mint, long maxt, WindowColumns out) {
    return decodeWindows(encoding, chunk, mint, maxt, out, null);
  }

  /**
   * {@link #decodeWindows(int, byte[], long, long, WindowColumns)}, plus the legacy counter of each window
   * into {@code counters} at the same index as in {@code out} (for {@link RollupIterator}) when not null.
   */
  int decodeWindows(int encoding, byte[] chunk, long mint, long maxt, WindowColumns out, double[] counters) {
    damaged = false;
    int off = out.size();
    out.ensure(chunk.length >= ChunkEncoding.HEADER_BYTES ? ChunkEncoding.count(chunk, 0) : 0);
    int n;
    if (encoding == ChunkEncoding.ROLLUP_COLUMNS || encoding == ChunkEncoding.ROLLUP_EXACT) {
      n = windowColumns(encoding, chunk, mint, maxt, out, counters, off);
    } else if (encoding == ChunkEncoding.ROLLUP) {
      n = windowsInterleaved(chunk, mint, maxt, out, counters, off);
    } else {
      damaged = true; // no rollup windows in any other encoding
      n = 0;
    }
    out.setSize(off + n);
    return n;
  }

  private int windowColumns(int encoding, byte[] chunk, long mint, long maxt, WindowColumns out, double[] counters, int off) {
    if (!header(encoding, chunk)) {
      return 0;
    }
    int hi = decodeStarts(mint, maxt, out.starts(), off);
    if (hi <= lo) {
      b = null;
      return 0;
    }
    hi = decodeCounts(hi, out.counts(), null, off);
    hi = decodeXor(RollupColumnsAppender.VALUES, hi, null, out.sums(), off);
    hi = decodeXor(RollupColumnsAppender.VALUES + 1, hi, null, out.mins(), off);
    hi = decodeXor(RollupColumnsAppender.VALUES + 2, hi, null, out.maxs(), off);
    hi = decodeXor(RollupColumnsAppender.VALUES + 3, hi, null, out.lasts(), off);
    if (counters != null) {
      hi = decodeXor(RollupColumnsAppender.VALUES + 4, hi, null, counters, off);
    }
    if (encoding == ChunkEncoding.ROLLUP_EXACT) {
      hi = decodeXor(RollupColumnsAppender.FIRST, hi, null, out.firsts(), off);
      hi = decodeInts(RollupColumnsAppender.FIRST_OFFSET, hi, out.firstMs(), off);
      hi = decodeInts(RollupColumnsAppender.LAST_OFFSET, hi, out.lastMs(), off);
      hi = decodeXor(RollupColumnsAppender.CORRECTION, hi, null, out.corrections(), off);
      hi = decodeInts(RollupColumnsAppender.RESETS, hi, out.resets(), off);
      hi = decodeInts(RollupColumnsAppender.CHANGES, hi, out.changes(), off);
      hi = decodeExact(hi, out.exact(), off);
      int end = off + Math.max(0, hi - lo);
      long[] starts = out.starts();
      long[] firstMs = out.firstMs();
      long[] lastMs = out.lastMs();
      boolean[] exact = out.exact();
      for (int j = off; j < end; j++) {
        if (exact[j]) { // offsets from the window start; a legacy window's timestamps are stored as they are
          firstMs[j] += starts[j];
          lastMs[j] += starts[j];
        }
      }
    } else {
      legacy(out, off, off + Math.max(0, hi - lo));
    }
    b = null;
    return Math.max(0, hi - lo);
  }

  /** Entries [from, to) as legacy windows: exact false, the fields encodings 2 and 4 lack 0. */
  private static void legacy(WindowColumns out, int from, int to) {
    if (from >= to) {
      return;
    }
    java.util.Arrays.fill(out.firsts(), from, to, 0.0);
    java.util.Arrays.fill(out.firstMs(), from, to, 0L);
    java.util.Arrays.fill(out.lastMs(), from, to, 0L);
    java.util.Arrays.fill(out.corrections(), from, to, 0.0);
    java.util.Arrays.fill(out.resets(), from, to, 0L);
    java.util.Arrays.fill(out.changes(), from, to, 0L);
    java.util.Arrays.fill(out.exact(), from, to, false);
  }

  private int windowsInterleaved(byte[] chunk, long mint, long maxt, WindowColumns out, double[] counters, int off) {
    if (interleaved == null) {
      interleaved = new RollupIterator();
    }
    RollupIterator it = interleaved.reset(ChunkEncoding.ROLLUP, chunk);
    int j = off;
    while (it.next()) {
      long tt = it.t();
      if (tt < mint) {
        continue;
      }
      if (tt > maxt) {
        break;
      }
      out.starts()[j] = tt;
      out.counts()[j] = it.count();
      out.sums()[j] = it.value(RollupField.SUM);
      out.mins()[j] = it.value(RollupField.MIN);
      out.maxs()[j] = it.value(RollupField.MAX);
      out.lasts()[j] = it.value(RollupField.LAST);
      if (counters != null) {
        counters[j] = it.value(RollupField.COUNTER);
      }
      j++;
    }
    legacy(out, off, j);
    damaged = it.damaged();
    return j - off;
  }

  /** True when the last decoded chunk ended early or had an impossible header or column. */
  public boolean damaged() {
    return damaged;
  }

  private int decodeColumns(int encoding, byte[] chunk, RollupField field, long mint, long maxt, long[] t, double[] v, double[] counts, int off) {
    if (!header(encoding, chunk)) {
      return 0;
    }
    int hi = decodeStarts(mint, maxt, t, off);
    if (hi <= lo) {
      b = null;
      return 0;
    }
    if (field == RollupField.COUNT) {
      hi = decodeCounts(hi, null, v, off);
      if (counts != null) {
        System.arraycopy(v, off, counts, off, Math.max(0, hi - lo));
      }
    } else {
      if (counts != null) {
        hi = decodeCounts(hi, null, counts, off);
      }
      hi = decodeXor(RollupColumnsAppender.VALUES + field.ordinal() - RollupField.SUM.ordinal(), hi, null, v, off);
    }
    b = null;
    return Math.max(0, hi - lo);
  }

  /** Reads count, first start and directory; false (and damaged) if they are not all there. */
  private boolean header(int encoding, byte[] chunk) {
    lo = 0;
    int columns = encoding == ChunkEncoding.ROLLUP_EXACT ? RollupColumnsAppender.EXACT_COLUMNS : RollupColumnsAppender.COLUMNS;
    if (chunk.length < RollupColumnsAppender.FIXED_HEADER_BYTES) {
      damaged = true;
      return false;
    }
    count = ChunkEncoding.count(chunk, 0);
    t0 = (long) LONG_BE.get(chunk, ChunkEncoding.HEADER_BYTES);
    int pos = RollupColumnsAppender.FIXED_HEADER_BYTES;
    long[] len = colEnd; // lengths first, turned into positions below
    for (int c = 0; c < columns; c++) {
      if (pos >= chunk.length) {
        damaged = true;
        return false;
      }
      codec[c] = chunk[pos++] & 0xFF;
      long l = 0;
      int shift = 0;
      while (true) {
        if (pos >= chunk.length || shift > 28) { // a length needs at most 5 bytes
          damaged = true;
          return false;
        }
        int x = chunk[pos++];
        l |= (long) (x & 0x7F) << shift;
        if (x >= 0) {
          break;
        }
        shift += 7;
      }
      len[c] = l;
      if (codec[c] != RollupColumnsAppender.CODEC_DEFAULT) {
        damaged = true; // a codec this version does not know: that column decodes no window
      }
    }
    exactLength = columns > RollupColumnsAppender.EXACT ? len[RollupColumnsAppender.EXACT] : 0;
    long at = pos;
    for (int c = 0; c < columns; c++) {
      long end = at + len[c];
      colStart[c] = Math.min(at, chunk.length) << 3;
      colEnd[c] = Math.min(end, chunk.length) << 3;
      at = end;
    }
    if (at != chunk.length) {
      damaged = true; // truncated (or followed by bytes no column claims)
    }
    b = chunk; // held only while decoding: cleared before decode returns
    return true;
  }

  /** 8 bytes at byte index q, big-endian, zeros past the end of the chunk. */
  private static long load(byte[] b, int q) {
    if (q + 8 <= b.length) {
      return (long) LONG_BE.get(b, q);
    }
    long w = 0;
    for (int k = 0; k < 8; k++) {
      int i = q + k;
      w = (w << 8) | (i < b.length ? b[i] & 0xFF : 0);
    }
    return w;
  }

  /** At least 57 valid bits starting at bit {@code p}, left-aligned. */
  private static long window(byte[] b, long p) {
    return load(b, (int) (p >>> 3)) << (p & 7);
  }

  /** {@code n} bits (1..64) at bit {@code p} as an unsigned value. */
  private static long read(byte[] b, long p, int n) {
    int s = (int) (p & 7);
    int q = (int) (p >>> 3);
    long v = (load(b, q) << s) >>> (64 - n);
    int extra = n - (64 - s); // bits beyond the 8 loaded bytes: only for n > 56
    if (extra > 0 && q + 8 < b.length) {
      v |= (b[q + 8] & 0xFF) >>> (8 - extra);
    }
    return v;
  }

  /**
   * Window starts in [mint, maxt] into t[off..]; sets {@link #lo} to the first such window and returns the
   * index after the last one (or the first window that could not be decoded).
   */
  private int decodeStarts(long mint, long maxt, long[] t, int off) {
    int n = count;
    if (n == 0) {
      return 0;
    }
    long tt = t0;
    int lo = 0;
    if (tt > maxt) {
      return 0;
    }
    if (tt < mint) {
      lo = 1;
    } else {
      t[off] = tt;
    }
    int hi = n;
    if (n > 1 && codec[RollupColumnsAppender.STARTS] != RollupColumnsAppender.CODEC_DEFAULT) {
      this.lo = lo;
      return 1;
    }
    byte[] b = this.b;
    long p = colStart[RollupColumnsAppender.STARTS];
    long limit = colEnd[RollupColumnsAppender.STARTS];
    long delta = 0;
    decode:
    for (int i = 1; i < n; ) {
      long w = window(b, p);
      if (w >= 0) {
        // a run of '0's, windows with the same delta (every regular start): all of them from this one load.
        // OR-ing the 7 low bits caps the run at the 57 bits known to be loaded.
        int z = Math.min(Long.numberOfLeadingZeros(w | 0x7F), n - i);
        long room = limit - p;
        if (room < z) {
          if (room <= 0) {
            damaged = true;
            hi = i;
            break;
          }
          z = (int) room;
        }
        p += z;
        for (int e = i + z; i < e; i++) {
          tt += delta;
          if (tt < mint) {
            lo = i + 1;
          } else if (tt > maxt) {
            hi = i;
            break decode;
          } else {
            t[off + i - lo] = tt;
          }
        }
        continue;
      }
      if ((w << 1) >= 0) { // '10' + 14 bits, sign-extended
        delta += (w << 2) >> 50;
        p += 16;
      } else if ((w << 2) >= 0) { // '110' + 17 bits
        delta += (w << 3) >> 47;
        p += 20;
      } else if ((w << 3) >= 0) { // '1110' + 20 bits
        delta += (w << 4) >> 44;
        p += 24;
      } else { // '1111' + 64 bits
        delta += read(b, p + 4, 64);
        p += 68;
      }
      if (p > limit) {
        damaged = true;
        hi = i;
        break;
      }
      tt += delta;
      if (tt < mint) {
        lo = i + 1;
      } else if (tt > maxt) {
        hi = i;
        break;
      } else {
        t[off + i - lo] = tt;
      }
      i++;
    }
    this.lo = lo;
    return hi;
  }

  /**
   * Counts of windows [0, hi): windows from {@link #lo} on go to out[off..] (as long when {@code outN}
   * is given, else as double into {@code outD}). Returns hi, or the first window that could not be decoded.
   */
  private int decodeCounts(int hi, long[] outN, double[] outD, int off) {
    if (hi <= 0) {
      return 0;
    }
    if (codec[RollupColumnsAppender.COUNTS] != RollupColumnsAppender.CODEC_DEFAULT) {
      return 0;
    }
    byte[] b = this.b;
    int lo = this.lo;
    long p = colStart[RollupColumnsAppender.COUNTS];
    long limit = colEnd[RollupColumnsAppender.COUNTS];
    long n = read(b, p, 64);
    p += 64;
    if (p > limit) {
      damaged = true;
      return 0;
    }
    int i = 0;
    int run = 1; // windows that take the count n, from window i on
    while (true) {
      // windows before lo land on out[off] and are overwritten by window lo
      if (outN != null) {
        for (int e = i + run; i < e; i++) {
          outN[off + Math.max(0, i - lo)] = n;
        }
      } else {
        double dn = n;
        for (int e = i + run; i < e; i++) {
          outD[off + Math.max(0, i - lo)] = dn;
        }
      }
      if (i >= hi) {
        return hi;
      }
      long w = window(b, p);
      if (w >= 0) { // a run of '0's: the same count (see decodeStarts)
        run = Math.min(Long.numberOfLeadingZeros(w | 0x7F), hi - i);
        long room = limit - p;
        if (room < run) {
          if (room <= 0) {
            damaged = true;
            return i;
          }
          run = (int) room;
        }
        p += run;
        continue;
      }
      run = 1;
      if ((w << 1) >= 0) { // '10' + 16-bit signed delta
        n += (w << 2) >> 48;
        p += 18;
      } else { // '11' + 64 bits
        n = read(b, p + 2, 64);
        p += 66;
      }
      if (p > limit) {
        damaged = true;
        return i;
      }
    }
  }

  /**
   * One XOR value column, windows [0, hi), as raw bits into {@code outBits} or as doubles into
   * {@code outD}, windows from {@link #lo} on at out[off..]. Returns hi, or the first window that could
   * not be decoded.
   */
  private int decodeXor(int col, int hi, long[] outBits, double[] outD, int off) {
    if (hi <= 0) {
      return 0;
    }
    if (codec[col] != RollupColumnsAppender.CODEC_DEFAULT) {
      return 0;
    }
    byte[] b = this.b;
    int lo = this.lo;
    long p = colStart[col];
    long limit = colEnd[col];
    long bits = read(b, p, 64);
    p += 64;
    if (p > limit) {
      damaged = true;
      return 0;
    }
    int leading = -1;
    int trailing = 0;
    for (int i = 0; ; ) {
      int j = off + Math.max(0, i - lo); // windows before lo land on out[off], overwritten by window lo
      if (outBits != null) {
        outBits[j] = bits;
      } else {
        outD[j] = Double.longBitsToDouble(bits);
      }
      if (++i >= hi) {
        return hi;
      }
      long w = window(b, p);
      if (w >= 0) { // '0': same value
        p += 1;
      } else {
        int head;
        if ((w << 1) < 0) { // '11': new window, 5 bits leading zeros, 6 bits meaningful length (64 as 0)
          leading = (int) ((w << 2) >>> 59);
          int sig = (int) ((w << 7) >>> 58);
          trailing = sig == 0 ? 0 : 64 - leading - sig;
          if (trailing < 0) { // leading + length > 64: only a damaged stream says that
            damaged = true;
            return i;
          }
          head = 13;
        } else { // '10': the previous window
          if (leading < 0) { // no window yet: only a damaged stream says that
            damaged = true;
            return i;
          }
          head = 2;
        }
        int sig = 64 - leading - trailing;
        long x = head + sig <= 57 ? (w << head) >>> (64 - sig) : read(b, p + head, sig);
        bits ^= x << trailing;
        p += head + sig;
      }
      if (p > limit) {
        damaged = true;
        return i;
      }
    }
  }

  /**
   * One column in the integer delta code ({@link RollupColumnsAppender#writeInt}), windows [0, hi), into
   * out[off..] from {@link #lo} on. Returns hi, or the first window that could not be decoded.
   */
  private int decodeInts(int col, int hi, long[] out, int off) {
    if (hi <= 0) {
      return 0;
    }
    if (codec[col] != RollupColumnsAppender.CODEC_DEFAULT) {
      return 0;
    }
    byte[] b = this.b;
    int lo = this.lo;
    long p = colStart[col];
    long limit = colEnd[col];
    long v = 0;
    for (int i = 0; i < hi; ) {
      long w = window(b, p);
      if (w >= 0) { // a run of '0's: the same integer (see decodeStarts)
        int z = Math.min(Long.numberOfLeadingZeros(w | 0x7F), hi - i);
        long room = limit - p;
        if (room < z) {
          if (room <= 0) {
            damaged = true;
            return i;
          }
          z = (int) room;
        }
        p += z;
        for (int e = i + z; i < e; i++) {
          out[off + Math.max(0, i - lo)] = v; // windows before lo land on out[off], overwritten by window lo
        }
        continue;
      }
      if ((w << 1) >= 0) { // '10' + 8-bit signed delta
        v += (w << 2) >> 56;
        p += 10;
      } else if ((w << 2) >= 0) { // '110' + 16 bits
        v += (w << 3) >> 48;
        p += 19;
      } else if ((w << 3) >= 0) { // '1110' + 32 bits
        v += (w << 4) >> 32;
        p += 36;
      } else { // '1111' + the 64-bit value
        v = read(b, p + 4, 64);
        p += 68;
      }
      if (p > limit) {
        damaged = true;
        return i;
      }
      out[off + Math.max(0, i - lo)] = v;
      i++;
    }
    return hi;
  }

  /**
   * The exact flags of windows [lo, hi) into out[off..]: an empty column means all exact, else one bit per
   * window. Returns hi, or the first window whose bit is missing.
   */
  private int decodeExact(int hi, boolean[] out, int off) {
    int col = RollupColumnsAppender.EXACT;
    if (hi <= 0 || codec[col] != RollupColumnsAppender.CODEC_DEFAULT) {
      return 0;
    }
    int lo = this.lo;
    long p = colStart[col];
    long limit = colEnd[col];
    if (exactLength == 0) {
      if (hi > lo) {
        java.util.Arrays.fill(out, off, off + hi - lo, true);
      }
      return hi;
    }
    byte[] b = this.b;
    for (int i = lo; i < hi; i++) {
      long q = p + i;
      if (q >= limit) {
        damaged = true;
        return i;
      }
      out[off + i - lo] = (b[(int) (q >>> 3)] & (0x80 >>> (q & 7))) != 0;
    }
    return hi;
  }

  private int decodeInterleaved(byte[] chunk, RollupField field, long mint, long maxt, long[] t, double[] v, double[] counts, int off) {
    if (interleaved == null) {
      interleaved = new RollupIterator();
    }
    RollupIterator it = interleaved.reset(ChunkEncoding.ROLLUP, chunk);
    int j = off;
    while (it.next()) {
      long tt = it.t();
      if (tt < mint) {
        continue;
      }
      if (tt > maxt) {
        break;
      }
      t[j] = tt;
      v[j] = it.value(field);
      if (counts != null) {
        counts[j] = it.count();
      }
      j++;
    }
    damaged = it.damaged();
    return j - off;
  }
}
