package io.strata.ingest.scrape;

import io.strata.schemas.model.Labels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Per-target cache from the series text as exposed (bytes) to the series after target labels and metric
 * relabeling, so relabeling runs once per new series, not per sample. Also holds per-series state for
 * duplicate detection and staleness. Lookups use a reused probe key: no allocation for a known series.
 */
final class SeriesCache {
  /** A series after relabeling, with its bookkeeping. */
  static final class Series {
    final Labels labels;
    long seenIteration = -1; // scrape iteration in which a sample was last appended
    long seenTimestamp;
    long trackedIteration = -1; // iteration in which it was added to the staleness set

    Series(Labels labels) {
      this.labels = labels;
    }
  }

  /** Cache value: the series, or null series when metric relabeling dropped it. */
  static final class Entry {
    final Series series;
    long lastUsed;

    Entry(Series series) {
      this.series = series;
    }
  }

  /** Key over a byte range; the probe instance points into the body, stored keys own a copy. */
  static final class Key {
    byte[] buf;
    int off;
    int len;
    int hash;

    Key set(byte[] b, int start, int end, int h) {
      buf = b;
      off = start;
      len = end - start;
      hash = h;
      return this;
    }

    Key copy() {
      Key k = new Key();
      k.buf = Arrays.copyOfRange(buf, off, off + len);
      k.off = 0;
      k.len = len;
      k.hash = hash;
      return k;
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.hash == hash && Arrays.equals(buf, off, off + len, k.buf, k.off, k.off + k.len);
    }
  }

  private final Map<Key, Entry> byText = new HashMap<>();
  private final Map<Labels, Series> byLabels = new HashMap<>();
  private final Key probe = new Key();

  Entry get(byte[] b, int start, int end, int hash) {
    return byText.get(probe.set(b, start, end, hash));
  }

  /** Stores a new entry for the probe last used in {@link #get}; returns whether the series is new. */
  Entry put(Labels labels, boolean[] isNew) {
    Series s = null;
    isNew[0] = false;
    if (labels != null) {
      s = byLabels.get(labels);
      if (s == null) {
        s = new Series(labels);
        byLabels.put(labels, s);
        isNew[0] = true;
      }
    }
    Entry e = new Entry(s);
    byText.put(probe.copy(), e);
    return e;
  }

  /** Series state for labels carried over from a previous loop of the same target (reload). */
  Series adopt(Labels labels) {
    return byLabels.computeIfAbsent(labels, Series::new);
  }

  /**
   * Forgets entries not used in the last two iterations (a series that comes back is relabeled again).
   * Series still listed in {@code keep} (the staleness set) stay.
   */
  void evict(long iteration, List<Series> keep) {
    for (Iterator<Entry> it = byText.values().iterator(); it.hasNext(); ) {
      if (it.next().lastUsed < iteration - 1) {
        it.remove();
      }
    }
    if (byLabels.size() > byText.size() + keep.size()) {
      Map<Labels, Series> live = new HashMap<>();
      for (Entry e : byText.values()) {
        if (e.series != null) {
          live.put(e.series.labels, e.series);
        }
      }
      for (Series s : keep) {
        live.put(s.labels, s);
      }
      byLabels.keySet().retainAll(live.keySet());
    }
  }

  void clear() {
    byText.clear();
  }

  int size() {
    return byText.size();
  }

  static List<Series> newList() {
    return new ArrayList<>();
  }
}
