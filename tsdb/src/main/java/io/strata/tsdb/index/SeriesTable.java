package io.strata.tsdb.index;

import io.strata.tsdb.head.MemSeries;
import java.util.Arrays;

/** Series by id (ids are dense, from 1). Writers serialise on this; readers need no lock. */
public final class SeriesTable {
  private volatile MemSeries[] byId = new MemSeries[1024];
  private volatile long maxId;
  private volatile int count;

  public synchronized void put(MemSeries s) {
    MemSeries[] a = byId;
    if (s.id() >= a.length) {
      a = Arrays.copyOf(a, (int) Math.max(s.id() + 1, a.length + (a.length >>> 1)));
    }
    a[(int) s.id()] = s;
    byId = a;
    maxId = Math.max(maxId, s.id());
    count++;
  }

  public MemSeries get(long id) {
    MemSeries[] a = byId;
    return id < a.length ? a[(int) id] : null;
  }

  public long maxId() {
    return maxId;
  }

  public int size() {
    return count;
  }
}
