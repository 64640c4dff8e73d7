package io.strata.tsdb.engine;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.strata.tsdb.format.ChunkRecord;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Verified chunks of one series in one block, kept on the heap so that a repeated query (a dashboard's
 * refresh) reads them without a RocksDB seek, a JNI copy and a checksum per chunk. Bounded by the bytes of
 * chunk data it holds (LRU-like eviction by Caffeine).
 *
 * <p>Entries must never show a select anything but its snapshot. Every write that adds or removes chunks of a
 * block calls {@link #writing} before it is applied (under the store's write lock, which orders the writes) and
 * {@link #written} after, so each block has a monotone "last write" sequence number {@code L} and a count of
 * writes in flight. An entry read at
 * snapshot sequence {@code S1} serves a select at {@code S2} only if, looked up after the entry was fetched, the
 * block has no write in flight and {@code L <= min(S1, S2)}: then neither snapshot holds a write of the block the
 * other lacks. (A write between the two snapshots was applied before the later of them was taken, hence before
 * this lookup, which therefore sees its sequence number or its in-flight mark.)
 */
final class ChunkCache {
  /** Per-chunk overhead counted against the bound besides its data bytes (record, array header, list slot). */
  private static final int CHUNK_OVERHEAD = 96;
  private static final int ENTRY_OVERHEAD = 96;

  private record Key(long res, long blockStart, long seriesId) {}

  private record Entry(long seq, List<ChunkRecord> chunks) {}

  /** Writes of one block: how many are in flight, and the newest sequence number after a finished one. */
  private record Writes(int inFlight, long lastSeq) {}

  private record BlockId(long res, long start) {}

  private final Cache<Key, Entry> cache;
  private final ConcurrentHashMap<BlockId, Writes> writes = new ConcurrentHashMap<>();
  final LongAdder hits = new LongAdder();
  final LongAdder misses = new LongAdder();

  /** {@code maxBytes} 0 disables the cache. */
  ChunkCache(long maxBytes) {
    this.cache = maxBytes <= 0 ? null : Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .weigher((Key k, Entry e) -> weight(e.chunks))
        .executor(Runnable::run) // evict on the caller: no maintenance tasks on the common pool
        .build();
  }

  private static int weight(List<ChunkRecord> chunks) {
    long w = ENTRY_OVERHEAD;
    for (ChunkRecord c : chunks) {
      w += c.data().length + CHUNK_OVERHEAD;
    }
    return (int) Math.min(w, Integer.MAX_VALUE);
  }

  boolean enabled() {
    return cache != null;
  }

  /** Before a write that adds or removes chunks of block (res, start); pair with {@link #written}. */
  void writing(long res, long start) {
    writes.compute(new BlockId(res, start), (k, w) -> w == null ? new Writes(1, 0) : new Writes(w.inFlight + 1, w.lastSeq));
  }

  /** After that write, applied or failed: {@code seq} is at least the sequence number it was applied at. */
  void written(long res, long start, long seq) {
    writes.compute(new BlockId(res, start), (k, w) -> {
      if (w == null) {
        throw new IllegalStateException("written without writing: block res=" + res + " start=" + start);
      }
      return new Writes(w.inFlight - 1, Math.max(w.lastSeq, seq));
    });
  }

  /** The chunks of the series in the block as of snapshot {@code snapshotSeq}, or null when not cached (or not valid for it). */
  List<ChunkRecord> get(long res, long start, long seriesId, long snapshotSeq) {
    if (cache == null) {
      return null;
    }
    Entry e = cache.getIfPresent(new Key(res, start, seriesId));
    if (e != null && valid(res, start, Math.min(e.seq, snapshotSeq))) {
      hits.increment();
      return e.chunks;
    }
    misses.increment();
    return null;
  }

  /** Keeps the chunks of the series in the block, as read at snapshot {@code snapshotSeq}. */
  void put(long res, long start, long seriesId, long snapshotSeq, List<ChunkRecord> chunks) {
    if (cache == null || !valid(res, start, snapshotSeq)) {
      return; // a newer write of the block exists: no select could use the entry anyway
    }
    Key k = new Key(res, start, seriesId);
    Entry old = cache.getIfPresent(k);
    if (old == null || old.seq < snapshotSeq) {
      cache.put(k, new Entry(snapshotSeq, List.copyOf(chunks)));
    }
  }

  private boolean valid(long res, long start, long seq) {
    Writes w = writes.get(new BlockId(res, start));
    return w == null || (w.inFlight == 0 && w.lastSeq <= seq);
  }

  /** Bytes of chunk data (plus overheads) held now. */
  long weightedBytes() {
    return cache == null ? 0 : cache.policy().eviction().map(ev -> ev.weightedSize().orElse(0L)).orElse(0L);
  }

  void clear() {
    if (cache != null) {
      cache.invalidateAll();
    }
  }
}
