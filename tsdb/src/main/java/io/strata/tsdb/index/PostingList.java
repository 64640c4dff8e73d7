package io.strata.tsdb.index;

import java.util.Arrays;

/**
 * Increasing series ids, appended by one writer at a time (the owning {@link TenantIndex}'s lock) and
 * read without locks: the array only grows and is published before the size that covers it.
 */
public final class PostingList {
  private volatile long[] ids = new long[2];
  private volatile int size;

  void add(long id) {
    long[] a = ids;
    int n = size;
    if (n == a.length) {
      a = Arrays.copyOf(a, n + (n >>> 1) + 2);
      ids = a;
    }
    a[n] = id;
    size = n + 1;
  }

  public int size() {
    return size;
  }

  /** A sorted copy of the ids. */
  public long[] toArray() {
    int n = size;
    return Arrays.copyOf(ids, n);
  }

  /** The id at i, for i < a size read earlier. */
  public long get(int i) {
    return ids[i];
  }
}
