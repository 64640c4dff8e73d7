package io.strata.tsdb;

import java.util.Arrays;

/**
 * Growable columns of whole rollup windows: what exact rollup reads ({@link StoredSeries#readWindows}) fill.
 * One primitive array per {@link RollupPoint} field (the legacy {@code counter} excepted), exposed so a reader
 * works on them without copying; only the first {@link #size()} entries are meaningful. Bulk writers
 * {@link #ensure} room, fill the arrays and {@link #setSize}; {@link #add} takes one window.
 */
public final class WindowColumns {
  private long[] starts;
  private long[] counts;
  private long[] firstMs;
  private long[] lastMs;
  private long[] resets;
  private long[] changes;
  private double[] sums;
  private double[] mins;
  private double[] maxs;
  private double[] firsts;
  private double[] lasts;
  private double[] corrections;
  private boolean[] exact;
  private int n;

  public WindowColumns(int capacity) {
    int c = Math.max(capacity, 4);
    starts = new long[c];
    counts = new long[c];
    firstMs = new long[c];
    lastMs = new long[c];
    resets = new long[c];
    changes = new long[c];
    sums = new double[c];
    mins = new double[c];
    maxs = new double[c];
    firsts = new double[c];
    lasts = new double[c];
    corrections = new double[c];
    exact = new boolean[c];
  }

  public int size() {
    return n;
  }

  /** Room in the arrays (the first {@code size()} entries are windows). */
  public int capacity() {
    return starts.length;
  }

  public long[] starts() {
    return starts;
  }

  public long[] counts() {
    return counts;
  }

  public long[] firstMs() {
    return firstMs;
  }

  public long[] lastMs() {
    return lastMs;
  }

  public long[] resets() {
    return resets;
  }

  public long[] changes() {
    return changes;
  }

  public double[] sums() {
    return sums;
  }

  public double[] mins() {
    return mins;
  }

  public double[] maxs() {
    return maxs;
  }

  public double[] firsts() {
    return firsts;
  }

  public double[] lasts() {
    return lasts;
  }

  public double[] corrections() {
    return corrections;
  }

  public boolean[] exact() {
    return exact;
  }

  /** Makes room for {@code extra} more windows; the arrays may be replaced (read them again after). */
  public void ensure(int extra) {
    int need = n + extra;
    if (need <= starts.length) {
      return;
    }
    int cap = Math.max(need, starts.length * 2);
    starts = Arrays.copyOf(starts, cap);
    counts = Arrays.copyOf(counts, cap);
    firstMs = Arrays.copyOf(firstMs, cap);
    lastMs = Arrays.copyOf(lastMs, cap);
    resets = Arrays.copyOf(resets, cap);
    changes = Arrays.copyOf(changes, cap);
    sums = Arrays.copyOf(sums, cap);
    mins = Arrays.copyOf(mins, cap);
    maxs = Arrays.copyOf(maxs, cap);
    firsts = Arrays.copyOf(firsts, cap);
    lasts = Arrays.copyOf(lasts, cap);
    corrections = Arrays.copyOf(corrections, cap);
    exact = Arrays.copyOf(exact, cap);
  }

  public void add(RollupPoint p) {
    ensure(1);
    int i = n;
    starts[i] = p.windowStartMs();
    counts[i] = p.count();
    firstMs[i] = p.firstMs();
    lastMs[i] = p.lastMs();
    resets[i] = p.resets();
    changes[i] = p.changes();
    sums[i] = p.sum();
    mins[i] = p.min();
    maxs[i] = p.max();
    firsts[i] = p.first();
    lasts[i] = p.last();
    corrections[i] = p.correction();
    exact[i] = p.exact();
    n = i + 1;
  }

  /**
   * The window at {@code i} as a point (tests and tools; allocates). The legacy counter is not kept in the
   * columns: it comes back as 0.
   */
  public RollupPoint point(int i) {
    if (i < 0 || i >= n) {
      throw new IndexOutOfBoundsException("window " + i + " of " + n);
    }
    return new RollupPoint(starts[i], counts[i], sums[i], mins[i], maxs[i], lasts[i], 0.0, firstMs[i], firsts[i], lastMs[i], corrections[i], resets[i],
        changes[i], exact[i]);
  }

  /** Records that a bulk writer filled entries up to {@code size} directly in the arrays (after {@link #ensure}). */
  public void setSize(int size) {
    if (size < n || size > starts.length) {
      throw new IllegalArgumentException("size " + size + " outside [" + n + ", " + starts.length + "]");
    }
    n = size;
  }

  /** Drops the windows from {@code size} on. */
  public void truncate(int size) {
    if (size < 0 || size > n) {
      throw new IllegalArgumentException("size " + size + " outside [0, " + n + "]");
    }
    n = size;
  }
}
