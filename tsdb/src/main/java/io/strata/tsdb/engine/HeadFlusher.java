package io.strata.tsdb.engine;

import io.strata.tsdb.format.BlockMeta;
import io.strata.tsdb.format.ChunkRecord;
import io.strata.tsdb.format.Keys;
import io.strata.tsdb.format.SeriesRecord;
import io.strata.tsdb.format.StoreRecord;
import io.strata.tsdb.head.HeadFlush;
import io.strata.tsdb.head.MemSeries;
import io.strata.tsdb.head.SeriesHead;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Makes the head durable: one RocksDB write batch, fsynced, holding new series records, every cut and
 * out-of-order chunk (into the block that owns its first timestamp), the open chunk of every changed
 * series as a checkpoint, the updated block metas and the source offsets. Memory is released only after
 * the batch is durable, so a reader always finds a chunk in memory, on disk, or both.
 */
final class HeadFlusher {
  private final StrataStore store;

  HeadFlusher(StrataStore store) {
    this.store = store;
  }

  private record Taken(MemSeries series, HeadFlush flush) {}

  /** Called with the write lock held. {@code offsets} may be empty; {@code force} closes every open chunk. */
  void flush(Map<String, Long> offsets, boolean force) {
    long blockMillis = store.config().blockDuration().toMillis();
    long window = store.config().outOfOrderWindow().toMillis();
    List<Taken> taken = new ArrayList<>();
    List<MemSeries> newSeries = new ArrayList<>();
    Map<String, BlockMeta> touched = new HashMap<>();
    try (WriteBatch batch = new WriteBatch(); WriteOptions sync = new WriteOptions().setSync(true)) {
      long maxId = store.table().maxId();
      for (long id = 1; id <= maxId; id++) {
        MemSeries s = store.table().get(id);
        if (s == null) {
          continue;
        }
        synchronized (s) {
          if (!s.persisted()) {
            batch.put(Keys.series(s.id()), new SeriesRecord(s.id(), s.tenant(), s.labels()).encode());
            newSeries.add(s);
          }
          for (SeriesHead h : s.heads()) {
            long newest = store.resolution(h.res()).maxT.get();
            long closeBefore = newest == Long.MIN_VALUE ? Long.MIN_VALUE : newest - window;
            HeadFlush f = h.prepareFlush(closeBefore, force, blockMillis);
            if (f != null) {
              taken.add(new Taken(s, f));
            }
          }
        }
      }
      for (Taken t : taken) {
        long res = t.flush().head().res();
        for (ChunkRecord c : t.flush().chunks()) {
          BlockMeta m = touched.get(res + "/" + store.blocks().route(res, c.minT()).start());
          if (m == null) {
            m = store.blocks().route(res, c.minT());
          }
          byte[] key = Keys.chunk(res, m.start(), t.series().id(), c.minT());
          byte[] value = c.encode();
          batch.put(key, value);
          m = m.plus(1, c.count(), key.length + value.length, c.minT(), c.maxT()).withCompacted(false);
          touched.put(res + "/" + m.start(), m);
        }
        if (t.flush().checkpoint() != null) {
          batch.put(Keys.head(res, t.series().id()), t.flush().checkpoint().encode());
        } else if (t.flush().deleteCheckpoint()) {
          batch.delete(Keys.head(res, t.series().id()));
        }
      }
      for (BlockMeta m : touched.values()) {
        batch.put(Keys.block(m.res(), m.start()), m.encode());
      }
      for (var e : offsets.entrySet()) {
        batch.put(Keys.offset(e.getKey()), StoreRecord.encodeOffset(e.getValue()));
      }
      store.writing(touched.values());
      try {
        store.db().write(sync, batch);
      } finally {
        store.written(touched.values());
      }
    } catch (RocksDBException | RuntimeException e) {
      for (Taken t : taken) {
        synchronized (t.series()) {
          t.flush().head().failFlush(t.flush());
        }
      }
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw new UncheckedIOException("cannot commit to " + store.config().dataDir() + ": " + e.getMessage(), new java.io.IOException(e));
    }
    for (BlockMeta m : touched.values()) {
      store.blocks().put(m);
    }
    for (Taken t : taken) {
      synchronized (t.series()) {
        t.flush().head().completeFlush(t.flush());
      }
    }
    for (MemSeries s : newSeries) {
      synchronized (s) {
        s.markPersisted();
      }
    }
  }
}
