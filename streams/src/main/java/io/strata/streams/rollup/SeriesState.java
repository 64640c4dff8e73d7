package io.strata.streams.rollup;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Everything the rollup stage keeps about one series (tenant + labels): the newest timestamp appended
 * ({@code maxT}), the samples of the finest resolution's open windows (timestamp and value bits, sorted by
 * timestamp, stale markers included), and per coarser resolution the partial aggregate of its open
 * window. One value in the {@code rollup-series-v2} store, read and written once per series per batch.
 *
 * <p>{@link #offer} applies the TSDB's acceptance rule (tsdb {@code RawHead.append}), so the stage keeps
 * exactly the samples the TSDB stores. Mutable and reused across series (the processor decodes each
 * series' stored value into one instance).
 *
 * <p>Value layout (big-endian), version 2:
 * <pre>
 * version (1 byte, 2) | maxT (8) | n (4) | n × (timestamp (8), value bits (8)), sorted by timestamp
 * | levels (1) | per coarser resolution: resolution ms (8), open (1), if open: window start (8), aggregate (88)
 * </pre>
 */
public final class SeriesState {
  public static final byte VERSION = 2;
  /** maxT of a series with no sample yet (as the TSDB's head). */
  public static final long NO_SAMPLES = Long.MIN_VALUE;

  /** What the TSDB's rule does with one sample; mirrors tsdb {@code AppendResult}. */
  public enum Outcome {
    /** Stored: newer than maxT, or out of order inside the out-of-order window. */
    APPENDED,
    /** Same timestamp and value bits as a stored sample: a no-op. */
    DUPLICATE,
    /** Same timestamp as a stored sample, other value bits: dropped, the first one stays. */
    CONFLICTING_VALUE,
    /** Older than maxT minus the out-of-order window, and not stored. */
    TOO_OLD
  }

  private final long[] levelMillis;
  private final boolean[] open;
  private final long[] start;
  private final WindowAggregate[] partial;
  private long maxT;
  private long[] ts = new long[16];
  private long[] bits = new long[16];
  private int n;

  /** @param coarserMillis the resolutions after the finest one, in milliseconds, finest first */
  public SeriesState(long[] coarserMillis) {
    levelMillis = coarserMillis.clone();
    open = new boolean[levelMillis.length];
    start = new long[levelMillis.length];
    partial = new WindowAggregate[levelMillis.length];
    for (int i = 0; i < partial.length; i++) {
      partial[i] = new WindowAggregate();
    }
    clear();
  }

  /** A series never seen: no samples, no open window. */
  public SeriesState clear() {
    maxT = NO_SAMPLES;
    n = 0;
    Arrays.fill(open, false);
    return this;
  }

  /**
   * The TSDB's rule for one sample: newer than maxT is appended; otherwise a stored sample with the same
   * timestamp makes it a duplicate (same bits) or a conflict (other bits); otherwise older than
   * {@code maxT - outOfOrderWindowMs} is too old; otherwise it is appended out of order. Stale markers are
   * samples here, as in the TSDB.
   */
  public Outcome offer(long t, long valueBits, long outOfOrderWindowMs) {
    if (t > maxT) {
      insert(n, t, valueBits); // every stored timestamp is <= maxT < t
      maxT = t;
      return Outcome.APPENDED;
    }
    int i = Arrays.binarySearch(ts, 0, n, t);
    if (i >= 0) {
      return bits[i] == valueBits ? Outcome.DUPLICATE : Outcome.CONFLICTING_VALUE;
    }
    // A sample of an already emitted window is not held here any more; it is older than the cutoff
    // (the window ended at or before it), so it is dropped either way (the TSDB may call it a duplicate).
    if (t < cutoff(outOfOrderWindowMs)) {
      return Outcome.TOO_OLD;
    }
    insert(-i - 1, t, valueBits);
    return Outcome.APPENDED;
  }

  /** maxT - window, saturating: every timestamp below it is too old, and a window ending at or before it is final. */
  public long cutoff(long outOfOrderWindowMs) {
    long c = maxT - outOfOrderWindowMs;
    return c > maxT ? Long.MIN_VALUE : c; // overflow for a series without samples
  }

  private void insert(int at, long t, long b) {
    if (n == ts.length) {
      ts = Arrays.copyOf(ts, n * 2);
      bits = Arrays.copyOf(bits, n * 2);
    }
    System.arraycopy(ts, at, ts, at + 1, n - at);
    System.arraycopy(bits, at, bits, at + 1, n - at);
    ts[at] = t;
    bits[at] = b;
    n++;
  }

  /** Drops the {@code k} oldest samples (their windows were closed). */
  void removeOldest(int k) {
    System.arraycopy(ts, k, ts, 0, n - k);
    System.arraycopy(bits, k, bits, 0, n - k);
    n -= k;
  }

  public long maxT() {
    return maxT;
  }

  /** Samples held (those of the finest resolution's open windows, stale markers included). */
  public int size() {
    return n;
  }

  /** The i-th held sample's timestamp (0 = oldest). */
  public long timestamp(int i) {
    return ts[i];
  }

  long valueBits(int i) {
    return bits[i];
  }

  int levels() {
    return levelMillis.length;
  }

  long levelMillis(int level) {
    return levelMillis[level];
  }

  boolean isOpen(int level) {
    return open[level];
  }

  long start(int level) {
    return start[level];
  }

  WindowAggregate partial(int level) {
    return partial[level];
  }

  void open(int level, long windowStart) {
    open[level] = true;
    start[level] = windowStart;
    partial[level].clear();
  }

  void close(int level) {
    open[level] = false;
  }

  /** Approximate heap bytes of this instance (arrays and objects), for the cache's budget. */
  long heapBytes() {
    return 64 + 2 * (16 + 8L * ts.length) + levelMillis.length * (8 + 1 + 8 + 120);
  }

  public byte[] encode() {
    int size = 1 + 8 + 4 + 16 * n + 1;
    for (int l = 0; l < levelMillis.length; l++) {
      size += 8 + 1 + (open[l] ? 8 + WindowAggregate.ENCODED_BYTES : 0);
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    b.put(VERSION).putLong(maxT).putInt(n);
    for (int i = 0; i < n; i++) {
      b.putLong(ts[i]).putLong(bits[i]);
    }
    b.put((byte) levelMillis.length);
    for (int l = 0; l < levelMillis.length; l++) {
      b.putLong(levelMillis[l]).put((byte) (open[l] ? 1 : 0));
      if (open[l]) {
        b.putLong(start[l]);
        partial[l].writeTo(b);
      }
    }
    return b.array();
  }

  /** Loads a stored value ({@code null}: a series never seen). */
  public SeriesState decode(byte[] v) {
    clear();
    if (v == null) {
      return this;
    }
    try {
      ByteBuffer b = ByteBuffer.wrap(v);
      byte version = b.get();
      if (version != VERSION) {
        throw corrupt(v, "version " + version + ", expected " + VERSION);
      }
      maxT = b.getLong();
      int count = b.getInt();
      if (count < 0 || count > b.remaining() / 16) {
        throw corrupt(v, count + " samples do not fit");
      }
      if (count > ts.length) {
        ts = new long[count];
        bits = new long[count];
      }
      for (int i = 0; i < count; i++) {
        ts[i] = b.getLong();
        bits[i] = b.getLong();
      }
      n = count;
      int levels = b.get();
      if (levels != levelMillis.length) {
        throw mismatch(v, levels);
      }
      for (int l = 0; l < levels; l++) {
        long ms = b.getLong();
        if (ms != levelMillis[l]) {
          throw mismatch(v, levels);
        }
        open[l] = b.get() == 1;
        if (open[l]) {
          start[l] = b.getLong();
          partial[l].readFrom(b);
        }
      }
      if (b.hasRemaining()) {
        throw corrupt(v, b.remaining() + " trailing bytes");
      }
    } catch (java.nio.BufferUnderflowException e) {
      throw corrupt(v, "truncated");
    }
    return this;
  }

  private IllegalStateException mismatch(byte[] v, int levels) {
    return new IllegalStateException("series state in store was written with other coarser resolutions than "
        + Arrays.toString(levelMillis) + " ms (" + levels + " stored): changing streams.resolutions needs a new "
        + "streams.application.id (" + v.length + " bytes)");
  }

  private static IllegalStateException corrupt(byte[] v, String why) {
    return new IllegalStateException("corrupt series state in store (" + v.length + " bytes): " + why);
  }
}
