package io.strata.tsdb.engine;

import io.strata.tsdb.chunkenc.ChunkEncoding;
import io.strata.tsdb.chunkenc.RollupColumnsAppender;
import io.strata.tsdb.chunkenc.DecimalChunkEncoder;
import io.strata.tsdb.format.BlockMeta;
import io.strata.tsdb.format.ChunkRecord;
import io.strata.tsdb.format.Keys;
import io.strata.tsdb.format.StorageCorruptionException;
import io.strata.tsdb.head.MemSeries;
import io.strata.tsdb.head.SeriesHead;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention and compaction. Retention drops whole blocks whose end is older than the resolution's newest
 * sample minus its retention (one range delete each). Compaction merges the blocks of one aligned
 * {@code maxBlockDuration} range ("group") once the range is older than the newest sample minus the
 * out-of-order window: every series' chunks are decoded, merged (overlaps from out-of-order appends
 * resolved, duplicates dropped) and re-encoded into chunks of {@code compactedChunkSamples} under one
 * block. The swap is crash-safe per series: the group's block meta is widened first, then each series'
 * old chunks are deleted and new ones written in the same batch, and the old metas go last.
 */
final class Compactor {
  private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);
  /** Write compaction output in batches of about this size, so memory stays bounded for big groups. */
  private static final long BATCH_BYTES = 4L << 20;

  private final StrataStore store;

  Compactor(StrataStore store) {
    this.store = store;
  }

  /** Runs retention, then compacts every sealed group (every group when {@code force}). One run at a time. */
  synchronized void run(boolean force) {
    applyRetention();
    long window = store.config().outOfOrderWindow().toMillis();
    long maxBlock = store.config().maxBlockDuration().toMillis();
    List<Long> resolutions;
    store.writeLock().lock();
    try {
      resolutions = store.blocks().resolutions();
    } finally {
      store.writeLock().unlock();
    }
    for (long res : resolutions) {
      long newest = store.resolution(res).maxT.get();
      if (newest == Long.MIN_VALUE) {
        continue;
      }
      long sealedBefore = force ? Long.MAX_VALUE : newest - window;
      Map<Long, List<BlockMeta>> groups = new TreeMap<>();
      store.writeLock().lock();
      try {
        for (BlockMeta b : store.blocks().blocks(res)) {
          groups.computeIfAbsent(Math.floorDiv(b.start(), maxBlock) * maxBlock, g -> new ArrayList<>()).add(b);
        }
      } finally {
        store.writeLock().unlock();
      }
      for (var g : groups.entrySet()) {
        List<BlockMeta> bs = g.getValue();
        boolean done = bs.size() == 1 && bs.get(0).compacted() && bs.get(0).duration() == maxBlock;
        if (done || (!force && g.getKey() + maxBlock > sealedBefore)) {
          continue;
        }
        compactLogged(res, g.getKey());
      }
    }
  }

  /**
   * Compacts every group, at every resolution, whose range meets one of the series' deleted ranges, compacted
   * or not, so that the deleted points are gone from disk (clean_tombstones). False when a group failed.
   */
  synchronized boolean rewrite(Iterable<long[]> deleted) {
    long maxBlock = store.config().maxBlockDuration().toMillis();
    boolean ok = true;
    List<Long> resolutions;
    store.writeLock().lock();
    try {
      resolutions = store.blocks().resolutions();
    } finally {
      store.writeLock().unlock();
    }
    for (long res : resolutions) {
      java.util.TreeSet<Long> groups = new java.util.TreeSet<>();
      store.writeLock().lock();
      try {
        for (BlockMeta b : store.blocks().blocks(res)) {
          long g = Math.floorDiv(b.start(), maxBlock) * maxBlock;
          // a rollup window starting before the group may still reach into a deleted range inside it: one window earlier
          long lo = Math.min(g, b.minT()) - res;
          long hi = Math.max(g + maxBlock - 1, b.maxT());
          for (long[] ranges : deleted) {
            if (Tombstones.overlaps(ranges, lo, hi)) {
              groups.add(g);
              break;
            }
          }
        }
      } finally {
        store.writeLock().unlock();
      }
      for (long g : groups) {
        ok &= compactLogged(res, g);
      }
    }
    return ok;
  }

  /** Runs {@code r} while no retention or compaction runs (they take this monitor before the store's write lock). */
  synchronized void exclusively(Runnable r) {
    r.run();
  }

  private boolean compactLogged(long res, long g) {
    long t0 = System.nanoTime();
    try {
      compactGroup(res, g);
      store.metrics().compactions.increment();
      return true;
    } catch (RuntimeException | RocksDBException e) {
      store.metrics().compactionFailures.increment();
      LOG.error("compaction of resolution {} group {} failed; it will be retried", res, g, e);
      return false;
    } finally {
      store.metrics().compactionSeconds.observe((System.nanoTime() - t0) / 1e9);
    }
  }

  void applyRetention() {
    store.writeLock().lock();
    try (WriteBatch batch = new WriteBatch(); WriteOptions wo = new WriteOptions()) {
      List<BlockMeta> dropped = new ArrayList<>();
      for (long res : store.blocks().resolutions()) {
        ResolutionState rs = store.resolution(res);
        long newest = rs.maxT.get();
        if (newest == Long.MIN_VALUE) {
          continue;
        }
        // data time drives retention (tests and replays of old data behave), but never more than an hour
        // ahead of the wall clock: one sample stamped in the far future must not delete every block
        long cutoff = Math.min(newest, System.currentTimeMillis() + 3600_000L) - rs.retentionMillis;
        for (BlockMeta b : store.blocks().blocks(res)) {
          if (b.end() <= cutoff) {
            byte[] from = Keys.blockChunks(res, b.start());
            batch.deleteRange(from, Keys.prefixEnd(from));
            batch.delete(Keys.block(res, b.start()));
            dropped.add(b);
          }
        }
      }
      if (!dropped.isEmpty()) {
        store.writing(dropped);
        try {
          store.db().write(wo, batch);
        } finally {
          store.written(dropped);
        }
        Map<Long, Long> cutByRes = new TreeMap<>();
        for (BlockMeta b : dropped) {
          store.blocks().remove(b.res(), b.start());
          store.metrics().retentionDeletedBlocks.increment();
          cutByRes.merge(b.res(), Math.max(b.end(), b.maxT() + 1), Math::max);
          LOG.info("retention dropped block res={} start={} ({} chunks)", b.res(), b.start(), b.chunks());
        }
        cutByRes.forEach(this::rebound);
      }
    } catch (RocksDBException e) {
      LOG.error("retention failed; it will be retried", e);
    } finally {
      store.writeLock().unlock();
    }
  }

  /**
   * After retention dropped the blocks of {@code res} that end before {@code cut}: every series whose first
   * timestamp at {@code res} lay before it gets its bounds from what is left (the first chunk key of the
   * series in the remaining blocks, oldest block first, and its in-memory data), so a select's
   * minTime()/maxTime() stay what is stored. Runs under the write lock, so no commit moves data meanwhile.
   */
  private void rebound(long res, long cut) {
    List<BlockMeta> left = store.blocks().blocks(res);
    try (RocksIterator it = store.db().newIterator()) {
      long maxId = store.table().maxId();
      for (long id = 1; id <= maxId; id++) {
        MemSeries s = store.table().get(id);
        if (s == null) {
          continue;
        }
        SeriesHead h;
        synchronized (s) {
          h = s.head(res, false);
          if (h == null || h.minT() >= cut) {
            continue;
          }
        }
        long first = Long.MAX_VALUE;
        for (BlockMeta b : left) {
          byte[] prefix = Keys.chunkPrefix(res, b.start(), id);
          it.seek(prefix);
          if (it.isValid() && Keys.hasPrefix(it.key(), prefix)) {
            first = Keys.chunkMinT(it.key());
            break;
          }
        }
        synchronized (s) {
          h.retained(first);
        }
      }
    }
  }

  private void compactGroup(long res, long g) throws RocksDBException {
    // every block the compaction deletes chunks from or writes chunks to stays marked as being written until
    // the end, so the chunk cache serves none of them meanwhile
    List<BlockMeta> marked = new ArrayList<>();
    try {
      compactGroup(res, g, marked);
    } finally {
      store.written(marked);
    }
  }

  private void compactGroup(long res, long g, List<BlockMeta> marked) throws RocksDBException {
    long maxBlock = store.config().maxBlockDuration().toMillis();
    List<BlockMeta> inputs = new ArrayList<>();
    BlockMeta start;
    Snapshot snap;
    store.writeLock().lock();
    try (WriteBatch batch = new WriteBatch(); WriteOptions wo = new WriteOptions()) {
      for (BlockMeta b : store.blocks().blocks(res)) {
        if (Math.floorDiv(b.start(), maxBlock) * maxBlock == g) {
          inputs.add(b);
        }
      }
      if (inputs.isEmpty()) {
        return;
      }
      BlockMeta old = store.blocks().get(res, g);
      start = old == null ? new BlockMeta(res, g, maxBlock, 1, false, 0, 0, 0, 0, 0, 0)
          : new BlockMeta(res, g, maxBlock, 1, false, old.chunks(), old.samples(), old.bytes(), old.minT(), old.maxT(), 0);
      batch.put(Keys.block(res, g), start.encode());
      marked.addAll(inputs);
      marked.add(start);
      store.writing(marked);
      store.db().write(wo, batch);
      for (BlockMeta b : inputs) {
        store.blocks().remove(res, b.start());
      }
      store.blocks().put(start);
      snap = store.db().getSnapshot();
    } finally {
      store.writeLock().unlock();
    }
    Output out = new Output(res, g);
    try (ReadOptions ro = new ReadOptions().setSnapshot(snap).setFillCache(false)) {
      List<RocksIterator> its = new ArrayList<>();
      List<byte[]> prefixes = new ArrayList<>();
      try {
        for (BlockMeta b : inputs) {
          RocksIterator it = store.db().newIterator(ro);
          byte[] p = Keys.blockChunks(res, b.start());
          it.seek(p);
          its.add(it);
          prefixes.add(p);
        }
        while (true) {
          long sid = Long.MAX_VALUE;
          for (int i = 0; i < its.size(); i++) {
            RocksIterator it = its.get(i);
            if (it.isValid() && Keys.hasPrefix(it.key(), prefixes.get(i))) {
              sid = Math.min(sid, Keys.chunkSeries(it.key()));
            }
          }
          if (sid == Long.MAX_VALUE) {
            break;
          }
          List<ChunkRecord> chunks = new ArrayList<>();
          for (int i = 0; i < its.size(); i++) {
            RocksIterator it = its.get(i);
            while (it.isValid() && Keys.hasPrefix(it.key(), prefixes.get(i)) && Keys.chunkSeries(it.key()) == sid) {
              byte[] k = it.key();
              byte[] v = it.value();
              out.batch.delete(k);
              try {
                chunks.add(ChunkRecord.decode(v, Keys.describe(k)));
              } catch (StorageCorruptionException e) {
                store.reader().corruption(e);
                out.keepDamaged(sid, Keys.chunkMinT(k), v); // moved as is: compaction never destroys what it cannot read
              }
              it.next();
            }
          }
          for (RocksIterator it : its) {
            it.status();
          }
          chunks.sort(ChunkReader.BY_MINT);
          out.series(sid, chunks);
          if (out.batch.getDataSize() > BATCH_BYTES) {
            out.write();
          }
        }
      } finally {
        for (RocksIterator it : its) {
          it.close();
        }
      }
      out.write();
    } finally {
      out.batch.close();
      store.db().releaseSnapshot(snap);
    }
    store.writeLock().lock();
    try (WriteBatch batch = new WriteBatch(); WriteOptions wo = new WriteOptions()) {
      BlockMeta now = store.blocks().get(res, g);
      long dChunks = now.chunks() - start.chunks();
      boolean untouched = dChunks == 0 && now.samples() == start.samples();
      long minT = Math.min(out.minT, untouched ? Long.MAX_VALUE : now.minT());
      long maxT = Math.max(out.maxT, untouched ? Long.MIN_VALUE : now.maxT());
      BlockMeta fin = new BlockMeta(res, g, maxBlock, 1, untouched, out.chunks + dChunks, out.samples + now.samples() - start.samples(),
          out.bytes + now.bytes() - start.bytes(), minT, maxT, out.seriesCount);
      for (BlockMeta b : inputs) {
        if (b.start() != g) {
          batch.delete(Keys.block(res, b.start()));
        }
      }
      batch.put(Keys.block(res, g), fin.encode());
      store.db().write(wo, batch);
      store.blocks().put(fin);
      LOG.info("compacted {} block(s) of res={} into [{}, {}): {} series, {} chunks, {} samples, {} bytes", inputs.size(), res, g, g + maxBlock,
          out.seriesCount, fin.chunks(), fin.samples(), fin.bytes());
    } finally {
      store.writeLock().unlock();
    }
  }

  /** Output of one group compaction: the pending batch and the new block's counters. */
  private final class Output {
    final long res;
    final long g;
    WriteBatch batch = new WriteBatch();
    long chunks;
    long samples;
    long bytes;
    long seriesCount;
    long minT = Long.MAX_VALUE;
    long maxT = Long.MIN_VALUE;
    final int perChunk = store.config().compactedChunkSamples();
    final DecimalChunkEncoder encoder = new DecimalChunkEncoder();
    final long[] ts = new long[perChunk];
    final long[] bits = new long[perChunk];

    Output(long res, long g) {
      this.res = res;
      this.g = g;
    }

    void keepDamaged(long sid, long chunkMinT, byte[] value) {
      byte[] k = Keys.chunk(res, g, sid, chunkMinT);
      put(k, value);
      chunks++;
      bytes += k.length + value.length;
    }

    private void put(byte[] k, byte[] v) {
      try {
        batch.put(k, v);
      } catch (RocksDBException e) {
        throw new IllegalStateException("BUG: write batch put failed: " + e.getMessage(), e);
      }
    }

    void series(long sid, List<ChunkRecord> in) {
      if (in.isEmpty()) {
        return;
      }
      long chunksBefore = chunks;
      // deleted ranges (delete_series) are dropped for good here; the tombstones themselves stay until clean_tombstones
      long[] deleted = store.tombstones().get(sid);
      if (res == 0) {
        RawMergeCursor c = new RawMergeCursor(new ChunkSource(in, null), Long.MIN_VALUE, Long.MAX_VALUE);
        int k = 0;
        while (c.next()) {
          if (deleted != null && Tombstones.hides(deleted, 0, c.timestamp())) {
            continue;
          }
          if (k == perChunk) {
            emitRaw(sid, k);
            k = 0;
          }
          ts[k] = c.timestamp();
          bits[k++] = Double.doubleToRawLongBits(c.value());
        }
        if (k > 0) {
          emitRaw(sid, k);
        }
      } else {
        RollupMergeCursor c = new RollupMergeCursor(new ChunkSource(in, null), Long.MIN_VALUE, Long.MAX_VALUE);
        RollupColumnsAppender a = new RollupColumnsAppender(ChunkEncoding.ROLLUP_EXACT, perChunk * 8);
        while (c.next()) {
          if (deleted != null && Tombstones.hides(deleted, res, c.point().windowStartMs())) {
            continue;
          }
          if (a.count() == perChunk) {
            emit(sid, new ChunkRecord(ChunkEncoding.ROLLUP_EXACT, a.minT(), a.maxT(), a.count(), a.toBytes()));
            a.reset();
          }
          a.append(c.point());
        }
        if (a.count() > 0) {
          emit(sid, new ChunkRecord(ChunkEncoding.ROLLUP_EXACT, a.minT(), a.maxT(), a.count(), a.toBytes()));
        }
      }
      if (chunks > chunksBefore) {
        seriesCount++;
      }
    }

    /** Writes ts/bits[0, k) as the smaller of an XOR and a decimal chunk. */
    private void emitRaw(long sid, int k) {
      DecimalChunkEncoder.Encoded e = encoder.encodeBest(ts, bits, k);
      emit(sid, new ChunkRecord(e.encoding(), ts[0], ts[k - 1], k, e.bytes()));
    }

    private void emit(long sid, ChunkRecord c) {
      byte[] k = Keys.chunk(res, g, sid, c.minT());
      byte[] v = c.encode();
      put(k, v);
      chunks++;
      samples += c.count();
      bytes += k.length + v.length;
      minT = Math.min(minT, c.minT());
      maxT = Math.max(maxT, c.maxT());
    }

    void write() throws RocksDBException {
      store.writeLock().lock();
      try (WriteOptions wo = new WriteOptions()) {
        store.db().write(wo, batch);
      } finally {
        store.writeLock().unlock();
        batch.close();
        batch = new WriteBatch();
      }
    }
  }
}
