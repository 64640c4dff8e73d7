package io.strata.tsdb.index;

import java.util.Arrays;
import java.util.List;

/** Set operations on sorted, duplicate-free arrays of series ids. */
public final class Postings {
  private Postings() {}

  public static long[] intersect(long[] a, long[] b) {
    long[] out = new long[Math.min(a.length, b.length)];
    int i = 0;
    int j = 0;
    int n = 0;
    while (i < a.length && j < b.length) {
      if (a[i] < b[j]) {
        i++;
      } else if (a[i] > b[j]) {
        j++;
      } else {
        out[n++] = a[i];
        i++;
        j++;
      }
    }
    return Arrays.copyOf(out, n);
  }

  public static long[] subtract(long[] a, long[] b) {
    long[] out = new long[a.length];
    int j = 0;
    int n = 0;
    for (long x : a) {
      while (j < b.length && b[j] < x) {
        j++;
      }
      if (j < b.length && b[j] == x) {
        continue;
      }
      out[n++] = x;
    }
    return Arrays.copyOf(out, n);
  }

  /** Union of lists that are each sorted; ids may repeat across lists. */
  public static long[] union(List<long[]> lists) {
    if (lists.isEmpty()) {
      return new long[0];
    }
    if (lists.size() == 1) {
      return lists.get(0);
    }
    int total = 0;
    for (long[] l : lists) {
      total += l.length;
    }
    long[] all = new long[total];
    int p = 0;
    for (long[] l : lists) {
      System.arraycopy(l, 0, all, p, l.length);
      p += l.length;
    }
    Arrays.sort(all);
    int n = 0;
    for (int i = 0; i < all.length; i++) {
      if (i == 0 || all[i] != all[i - 1]) {
        all[n++] = all[i];
      }
    }
    return Arrays.copyOf(all, n);
  }
}
