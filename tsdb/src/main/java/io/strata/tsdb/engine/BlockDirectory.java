package io.strata.tsdb.engine;

import io.strata.tsdb.format.BlockMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The writers' view of the blocks: which block a new chunk goes to, and the meta counters to persist
 * with it. Guarded by the store's write lock; readers never use it (they read block metas from a RocksDB
 * snapshot so that they agree with the chunks they see).
 */
final class BlockDirectory {
  private final long blockMillis;
  private final long maxBlockMillis;
  private final Map<Long, TreeMap<Long, BlockMeta>> byRes = new TreeMap<>();

  BlockDirectory(long blockMillis, long maxBlockMillis) {
    this.blockMillis = blockMillis;
    this.maxBlockMillis = maxBlockMillis;
  }

  private TreeMap<Long, BlockMeta> of(long res) {
    return byRes.computeIfAbsent(res, r -> new TreeMap<>());
  }

  void put(BlockMeta m) {
    of(m.res()).put(m.start(), m);
  }

  void remove(long res, long start) {
    of(res).remove(start);
  }

  BlockMeta get(long res, long start) {
    return of(res).get(start);
  }

  /** The block a chunk starting at t goes to: an existing block holding t, else a new level-0 block. */
  BlockMeta route(long res, long t) {
    TreeMap<Long, BlockMeta> m = of(res);
    var floor = m.floorEntry(t);
    if (floor != null && floor.getValue().contains(t)) {
      return floor.getValue();
    }
    BlockMeta group = m.get(Math.floorDiv(t, maxBlockMillis) * maxBlockMillis);
    if (group != null && group.contains(t)) {
      return group;
    }
    long start = Math.floorDiv(t, blockMillis) * blockMillis;
    return new BlockMeta(res, start, blockMillis, 0, false, 0, 0, 0, t, t, 0);
  }

  List<BlockMeta> blocks(long res) {
    return new ArrayList<>(of(res).values());
  }

  List<Long> resolutions() {
    return new ArrayList<>(byRes.keySet());
  }

  long maxBlockMillis() {
    return maxBlockMillis;
  }
}
