package io.strata.tsdb;

import java.util.Arrays;

/**
 * Growable primitive columns that bulk reads ({@link StoredSeries#readSamples}, {@link StoredSeries#readRollups})
 * append to: timestamps, values and, when created with counts, the number of raw samples behind each point.
 * The arrays are exposed so a reader can hand them on without copying; only the first {@link #size()}
 * entries are meaningful.
 */
public final class SampleColumns {
  private long[] t;
  private double[] v;
  private double[] counts;
  private int n;

  public SampleColumns(int capacity, boolean withCounts) {
    int c = Math.max(capacity, 4);
    t = new long[c];
    v = new double[c];
    counts = withCounts ? new double[c] : null;
  }

  public int size() {
    return n;
  }

  public long[] timestamps() {
    return t;
  }

  public double[] values() {
    return v;
  }

  /** Null when created without counts. */
  public double[] counts() {
    return counts;
  }

  /** Makes room for {@code extra} more points; the arrays may be replaced. */
  public void ensure(int extra) {
    int need = n + extra;
    if (need > t.length) {
      int cap = Math.max(need, t.length * 2);
      t = Arrays.copyOf(t, cap);
      v = Arrays.copyOf(v, cap);
      if (counts != null) {
        counts = Arrays.copyOf(counts, cap);
      }
    }
  }

  public void add(long ts, double value, double count) {
    ensure(1);
    t[n] = ts;
    v[n] = value;
    if (counts != null) {
      counts[n] = count;
    }
    n++;
  }

  /** Records that a bulk writer filled entries up to {@code size} directly in the arrays (after {@link #ensure}). */
  public void setSize(int size) {
    if (size < n || size > t.length) {
      throw new IllegalArgumentException("size " + size + " outside [" + n + ", " + t.length + "]");
    }
    n = size;
  }

  /** Drops the points from {@code size} on. */
  public void truncate(int size) {
    if (size < 0 || size > n) {
      throw new IllegalArgumentException("size " + size + " outside [0, " + n + "]");
    }
    n = size;
  }

  /** Puts {@code head}'s points, all earlier than this one's, in front. */
  public void prepend(SampleColumns head) {
    if (head.n == 0) {
      return;
    }
    long[] nt = new long[head.n + n + 16];
    double[] nv = new double[nt.length];
    System.arraycopy(head.t, 0, nt, 0, head.n);
    System.arraycopy(t, 0, nt, head.n, n);
    System.arraycopy(head.v, 0, nv, 0, head.n);
    System.arraycopy(v, 0, nv, head.n, n);
    if (counts != null) {
      double[] nc = new double[nt.length];
      if (head.counts != null) {
        System.arraycopy(head.counts, 0, nc, 0, head.n);
      } else {
        Arrays.fill(nc, 0, head.n, 1);
      }
      System.arraycopy(counts, 0, nc, head.n, n);
      counts = nc;
    }
    t = nt;
    v = nv;
    n += head.n;
  }
}
