package io.strata.tsdb.engine;

import io.strata.tsdb.format.ChunkRecord;
import java.util.List;

/**
 * The chunks of one series in increasing minT: the in-memory ones (sorted) merged with persisted ones,
 * which are loaded one cluster of overlapping blocks at a time, so a long range never sits in memory.
 */
final class ChunkSource {
  /** Loads the next cluster's chunks sorted by minT; null when there is none. */
  interface Clusters {
    List<ChunkRecord> next();
  }

  private final List<ChunkRecord> mem;
  private int mi;
  private Clusters disk;
  private List<ChunkRecord> cur;
  private int di;

  ChunkSource(List<ChunkRecord> memSorted, Clusters disk) {
    this.mem = memSorted;
    this.disk = disk;
  }

  private void fill() {
    while (disk != null && (cur == null || di >= cur.size())) {
      cur = disk.next();
      di = 0;
      if (cur == null) {
        disk = null;
      }
    }
  }

  ChunkRecord peek() {
    fill();
    ChunkRecord m = mi < mem.size() ? mem.get(mi) : null;
    ChunkRecord d = cur != null && di < cur.size() ? cur.get(di) : null;
    if (m == null) {
      return d;
    }
    if (d == null) {
      return m;
    }
    return m.minT() <= d.minT() ? m : d;
  }

  void poll() {
    ChunkRecord m = mi < mem.size() ? mem.get(mi) : null;
    ChunkRecord d = cur != null && di < cur.size() ? cur.get(di) : null;
    if (m != null && (d == null || m.minT() <= d.minT())) {
      mi++;
    } else if (d != null) {
      di++;
    }
  }
}
