package io.strata.tsdb.engine;

import io.strata.tsdb.format.BlockMeta;
import io.strata.tsdb.format.Box;
import io.strata.tsdb.format.ChunkRecord;
import io.strata.tsdb.format.Decbuf;
import io.strata.tsdb.format.Keys;
import io.strata.tsdb.format.SeriesRecord;
import io.strata.tsdb.format.StorageCorruptionException;
import io.strata.tsdb.format.StoreRecord;
import io.strata.tsdb.head.MemSeries;
import io.strata.tsdb.head.SeriesHead;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * Rebuilds the in-memory state at open: offsets, series and postings, block metas, each series' time
 * bounds per resolution (one pass over the chunk keys, reading only chunk headers), and the open head
 * chunks saved by the last commit.
 */
final class StoreLoader {
  private final StrataStore store;

  StoreLoader(StrataStore store) {
    this.store = store;
  }

  private interface Visitor {
    void visit(byte[] key, byte[] value);
  }

  /**
   * Visits every key with the prefix. A RocksDB error (a damaged SST block) ends this prefix only: it
   * is counted and logged, and loading goes on with the next prefix.
   */
  private boolean scan(ReadOptions ro, byte[] prefix, Visitor v) {
    try (RocksIterator it = store.db().newIterator(ro)) {
      for (it.seek(prefix); it.isValid() && Keys.hasPrefix(it.key(), prefix); it.next()) {
        v.visit(it.key(), it.value());
      }
      it.status();
      return true;
    } catch (RocksDBException e) {
      store.reader().corruption(new StorageCorruptionException(Keys.describe(prefix) + " (prefix)", -1, "readable keys", e.getMessage(), "RocksDB block"));
      return false;
    }
  }

  void load(Map<String, Long> offsets) throws RocksDBException {
    try (ReadOptions ro = new ReadOptions().setFillCache(false)) {
      scan(ro, new byte[] {Keys.OFFSET}, (k, v) ->
          offsets.put(new String(k, 1, k.length - 1, StandardCharsets.UTF_8), StoreRecord.decodeOffset(v, Keys.describe(k))));
      scan(ro, new byte[] {Keys.SERIES}, (k, v) -> {
        long id = Box.getLong(k, 1);
        try {
          SeriesRecord r = SeriesRecord.decode(id, v, Keys.describe(k));
          store.addLoadedSeries(new MemSeries(id, r.tenant(), store.intern(r.labels()), true));
        } catch (StorageCorruptionException e) {
          store.reader().corruption(e);
          store.reserveId(id);
        }
      });
      scan(ro, new byte[] {Keys.BLOCK}, (k, v) -> {
        long res = Keys.blockRes(k);
        store.resolution(res);
        BlockMeta m;
        try {
          m = BlockMeta.decode(res, v, Keys.describe(k));
        } catch (StorageCorruptionException e) {
          store.reader().corruption(e);
          long start = Keys.blockStart(k);
          m = new BlockMeta(res, start, store.config().blockDuration().toMillis(), 0, false, 0, 0, 0, start, start, 0);
        }
        store.blocks().put(m);
      });
      // chunk bounds block by block, so a damaged SST block costs only the rest of its RocksDB block's prefix
      for (long res : store.blocks().resolutions()) {
        for (BlockMeta m : store.blocks().blocks(res)) {
          Visitor bounds = (k, v) -> {
            if (k.length != Keys.CHUNK_KEY_LENGTH) {
              return;
            }
            long maxT = chunkMaxT(k, v);
            MemSeries ms = store.table().get(Keys.chunkSeries(k));
            if (maxT != Long.MIN_VALUE && ms != null) {
              ms.head(res, true).notePersisted(Keys.chunkMinT(k), maxT);
              store.resolution(res).observe(maxT);
            }
          };
          if (!scan(ro, Keys.blockChunks(res, m.start()), bounds)) {
            // a damaged SST block stopped the scan: seek each series on its own to get past it
            for (long id = 1; id <= store.table().maxId(); id++) {
              if (store.table().get(id) != null) {
                scan(ro, Keys.chunkPrefix(res, m.start(), id), bounds);
              }
            }
          }
        }
      }
      scan(ro, new byte[] {Keys.HEAD}, (k, v) -> {
        MemSeries ms = store.table().get(Keys.headSeries(k));
        try {
          ChunkRecord cp = ChunkRecord.decode(v, Keys.describe(k));
          if (ms != null) {
            SeriesHead head = ms.head(Keys.headRes(k), true);
            head.restoreCheckpoint(cp, store.headContext());
            store.resolution(Keys.headRes(k)).observe(head.maxT());
          }
        } catch (StorageCorruptionException e) {
          store.reader().corruption(e);
        }
      });
    }
  }

  /** maxT from a chunk box header without checking the whole checksum (RocksDB checks its blocks). */
  private long chunkMaxT(byte[] key, byte[] box) {
    Decbuf d = new Decbuf(box, 0, box.length);
    int magic = d.u8();
    d.u8();
    d.uvarint();
    d.u8();
    long span = d.uvarint();
    if (d.err() != null || magic != Box.CHUNK || span < 0) {
      store.reader().corruption(new StorageCorruptionException(Keys.describe(key), 0, "chunk box header", d.err() != null ? d.err() : "magic " + magic, "chunk"));
      return Long.MIN_VALUE;
    }
    return Keys.chunkMinT(key) + span;
  }
}
