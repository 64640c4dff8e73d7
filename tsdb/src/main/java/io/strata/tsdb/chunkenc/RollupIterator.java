package io.strata.tsdb.chunkenc;

import io.strata.tsdb.RollupPoint;
import io.strata.tsdb.WindowColumns;

/**
 * Decodes a rollup chunk window by window, every field of each window: the merge cursor (overlapping
 * chunks), compaction and the head's duplicate checks read here. Queries that need one field read with
 * {@link RollupColumnDecoder} instead. Every rollup encoding: {@link ChunkEncoding#ROLLUP} (interleaved,
 * see {@link RollupAppender}) is decoded as it goes; {@link ChunkEncoding#ROLLUP_COLUMNS} and
 * {@link ChunkEncoding#ROLLUP_EXACT} are decoded whole into owned columns at {@link #reset(int, byte[])}.
 * Windows of encodings 2 and 4 are legacy ({@code exact} false, the fields they lack 0). Reusable.
 */
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
  private boolean stopped;
  private long t;
  private long n;
  private long s;
  private long mn;
  private long mx;
  private long l;
  private long c;

  // ROLLUP_COLUMNS, ROLLUP_EXACT: the whole chunk decoded at reset
  private boolean columns;
  private RollupColumnDecoder decoder;
  private WindowColumns cw;
  private double[] counters = new double[0];
  private int ci;

  /** Positions on a chunk of either rollup encoding; any other encoding is reported as damaged with no window. */
  public RollupIterator reset(int encoding, byte[] chunk) {
    if (encoding == ChunkEncoding.ROLLUP) {
      return reset(chunk, 0, chunk.length);
    }
    resetInterleaved(chunk, 0, 0);
    if (encoding != ChunkEncoding.ROLLUP_COLUMNS && encoding != ChunkEncoding.ROLLUP_EXACT) {
      truncated = true; // no rollup windows in any other encoding
      return this;
    }
    columns = true;
    if (decoder == null) {
      decoder = new RollupColumnDecoder();
    }
    int cap = chunk.length >= ChunkEncoding.HEADER_BYTES ? ChunkEncoding.count(chunk, 0) : 0;
    if (cw == null) {
      cw = new WindowColumns(cap);
    }
    cw.truncate(0);
    cw.ensure(cap);
    if (counters.length < cw.capacity()) {
      counters = new double[cw.capacity()];
    }
    decoder.decodeWindows(encoding, chunk, Long.MIN_VALUE, Long.MAX_VALUE, cw, counters);
    truncated = decoder.damaged();
    ci = 0;
    return this;
  }

  /** Positions on an interleaved ({@link ChunkEncoding#ROLLUP}) chunk. */
  public RollupIterator reset(byte[] chunk, int offset, int length) {
    resetInterleaved(chunk, offset, length);
    truncated = length < ChunkEncoding.HEADER_BYTES;
    remaining = truncated ? 0 : ChunkEncoding.count(chunk, offset);
    return this;
  }

  /** An interleaved ({@link ChunkEncoding#ROLLUP}) chunk; prefer {@link #reset(int, byte[])}, which names the encoding. */
  public RollupIterator reset(byte[] chunk) {
    return reset(chunk, 0, chunk.length);
  }

  private void resetInterleaved(byte[] chunk, int offset, int length) {
    columns = false;
    ts.reset();
    sum.reset();
    min.reset();
    max.reset();
    last.reset();
    counter.reset();
    first = true;
    stopped = false;
    n = 0;
    remaining = 0;
    truncated = false;
    r.reset(chunk, offset + ChunkEncoding.HEADER_BYTES, Math.max(0, length - ChunkEncoding.HEADER_BYTES));
  }

  public boolean next() {
    if (columns) {
      if (ci >= cw.size()) {
        return false;
      }
      t = cw.starts()[ci];
      n = cw.counts()[ci];
      ci++;
      return true;
    }
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
    if (r.overrun()) { // the stream ended inside this window: it is not a window
      remaining = 0;
      stopped = true;
      return false;
    }
    return true;
  }

  public long t() {
    return t;
  }

  public long count() {
    return n;
  }

  /** The current window's value of {@code f} (COUNT as a double). */
  public double value(RollupField f) {
    if (columns) {
      int i = ci - 1;
      return switch (f) {
        case COUNT -> n;
        case SUM -> cw.sums()[i];
        case MIN -> cw.mins()[i];
        case MAX -> cw.maxs()[i];
        case LAST -> cw.lasts()[i];
        case COUNTER -> counters[i];
      };
    }
    return switch (f) {
      case COUNT -> n;
      case SUM -> Double.longBitsToDouble(s);
      case MIN -> Double.longBitsToDouble(mn);
      case MAX -> Double.longBitsToDouble(mx);
      case LAST -> Double.longBitsToDouble(l);
      case COUNTER -> Double.longBitsToDouble(c);
    };
  }

  public RollupPoint point() {
    if (columns) {
      int i = ci - 1;
      return new RollupPoint(t, n, cw.sums()[i], cw.mins()[i], cw.maxs()[i], cw.lasts()[i], counters[i], cw.firstMs()[i], cw.firsts()[i],
          cw.lastMs()[i], cw.corrections()[i], cw.resets()[i], cw.changes()[i], cw.exact()[i]);
    }
    return new RollupPoint(t, n, Double.longBitsToDouble(s), Double.longBitsToDouble(mn), Double.longBitsToDouble(mx),
        Double.longBitsToDouble(l), Double.longBitsToDouble(c));
  }

  /** True when the chunk ended before its declared window count or could not be read. */
  public boolean damaged() {
    return truncated || stopped || r.overrun();
  }
}
