package io.strata.tsdb.engine;

import io.strata.tsdb.format.BlockMeta;
import io.strata.tsdb.format.Box;
import io.strata.tsdb.format.ChunkRecord;
import io.strata.tsdb.format.Keys;
import io.strata.tsdb.format.StorageCorruptionException;
import io.strata.tsdb.head.PersistedLookup;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads block metas and chunks of one series from RocksDB. A chunk whose checksum fails, or a RocksDB
 * read that reports corruption, is logged with its key, counted and skipped: every other chunk is
 * still served.
 */
final class ChunkReader implements PersistedLookup {
  private static final Logger LOG = LoggerFactory.getLogger(ChunkReader.class);
  static final Comparator<ChunkRecord> BY_MINT = Comparator.comparingLong(ChunkRecord::minT);

  private final RocksDB db;
  private final StoreMetrics metrics;
  private final ChunkCache cache;

  ChunkReader(RocksDB db, StoreMetrics metrics, ChunkCache cache) {
    this.db = db;
    this.metrics = metrics;
    this.cache = cache;
  }

  void corruption(RuntimeException e) {
    metrics.corruptions.increment();
    LOG.error("skipping damaged data: {}", e.getMessage());
  }

  /** Block metas of one resolution, by start; a damaged meta is replaced by a level-0 stand-in so its chunks stay readable. */
  List<BlockMeta> blocks(ReadOptions ro, long res, long blockMillis) {
    List<BlockMeta> out = new ArrayList<>();
    byte[] prefix = new byte[9];
    prefix[0] = Keys.BLOCK;
    Box.putLong(prefix, 1, res);
    try (RocksIterator it = db.newIterator(ro)) {
      for (it.seek(prefix); it.isValid() && Keys.hasPrefix(it.key(), prefix); it.next()) {
        byte[] k = it.key();
        try {
          out.add(decodeMeta(res, it.value(), k));
        } catch (StorageCorruptionException e) {
          corruption(e);
          long start = Keys.blockStart(k);
          out.add(new BlockMeta(res, start, blockMillis, 0, false, 0, 0, 0, start, start + blockMillis - 1, 0));
        }
      }
      it.status();
    } catch (RocksDBException e) {
      corruption(new StorageCorruptionException("block metas of resolution " + res, -1, "readable", e.getMessage(), "block metas"));
    }
    return out;
  }

  /**
   * Chunks of one series in the given blocks overlapping [mint, maxt], sorted by minT. Chunks are read
   * block by block; a RocksDB error in one block loses only that block's part.
   */
  List<ChunkRecord> chunks(ReadOptions ro, long res, List<BlockMeta> blocks, long seriesId, long mint, long maxt) {
    try (RocksIterator it = db.newIterator(ro)) {
      return chunks(it, res, blocks, seriesId, mint, maxt);
    }
  }

  /**
   * The same as of the select's snapshot, through the chunk cache: a block whose chunks of the series are
   * not cached is read whole (all of the series' chunks in it, whatever the range) through the select's
   * shared iterator and cached, unless a chunk of it was damaged (so the damage is reported on every read).
   */
  List<ChunkRecord> chunks(ReadContext rc, long res, List<BlockMeta> blocks, long seriesId, long mint, long maxt) {
    if (!cache.enabled()) {
      return rc.handle.withIterator(db, it -> chunks(it, res, blocks, seriesId, mint, maxt));
    }
    List<ChunkRecord> out = new ArrayList<>();
    List<BlockMeta> missing = null;
    for (BlockMeta b : blocks) {
      List<ChunkRecord> cached = cache.get(res, b.start(), seriesId, rc.seq());
      if (cached == null) {
        if (missing == null) {
          missing = new ArrayList<>(blocks.size());
        }
        missing.add(b);
      } else {
        addOverlapping(cached, mint, maxt, out);
      }
    }
    if (missing != null) {
      List<BlockMeta> toRead = missing;
      rc.handle.withIterator(db, it -> {
        for (BlockMeta b : toRead) {
          long damagedBefore = metrics.corruptions.sum();
          List<ChunkRecord> all = chunks(it, res, List.of(b), seriesId, Long.MIN_VALUE, Long.MAX_VALUE);
          if (metrics.corruptions.sum() == damagedBefore) {
            cache.put(res, b.start(), seriesId, rc.seq(), all);
          }
          addOverlapping(all, mint, maxt, out);
        }
        return null;
      });
    }
    out.sort(BY_MINT);
    return out;
  }

  private static void addOverlapping(List<ChunkRecord> chunks, long mint, long maxt, List<ChunkRecord> out) {
    for (ChunkRecord c : chunks) {
      if (c.minT() <= maxt && c.maxT() >= mint) {
        out.add(c);
      }
    }
  }

  private List<ChunkRecord> chunks(RocksIterator it, long res, List<BlockMeta> blocks, long seriesId, long mint, long maxt) {
    List<ChunkRecord> out = new ArrayList<>();
    for (BlockMeta b : blocks) {
      byte[] prefix = Keys.chunkPrefix(res, b.start(), seriesId);
      try {
        seekFirst(it, prefix, b, res, seriesId, mint);
        for (; it.isValid() && Keys.hasPrefix(it.key(), prefix); it.next()) {
          byte[] k = it.key();
          if (Keys.chunkMinT(k) > maxt) {
            break;
          }
          try {
            ChunkRecord c = decodeChunk(it.value(), k);
            if (c.maxT() >= mint) {
              out.add(c);
            }
          } catch (StorageCorruptionException e) {
            corruption(e);
          }
        }
        it.status();
      } catch (RocksDBException e) {
        corruption(new StorageCorruptionException(Keys.describe(prefix), -1, "readable chunks", e.getMessage(), "RocksDB block"));
      }
    }
    out.sort(BY_MINT);
    return out;
  }

  /**
   * Positions {@code it} on the first chunk of the series in the block that may hold samples at or after
   * {@code mint}. In a compacted block chunks do not overlap, so every chunk before the last one starting at
   * or before mint ends before it: a seek to that one skips them without reading (a short range at the end
   * of a long block would otherwise read every chunk of the series in the block). Level-0 blocks may hold
   * overlapping chunks and are read from their first chunk.
   */
  private static void seekFirst(RocksIterator it, byte[] prefix, BlockMeta b, long res, long seriesId, long mint) {
    if (b.compacted() && mint > b.start()) {
      it.seekForPrev(Keys.chunk(res, b.start(), seriesId, mint));
      if (it.isValid() && Keys.hasPrefix(it.key(), prefix)) {
        return;
      }
    }
    it.seek(prefix);
  }

  /**
   * Decodes a chunk box; the key is formatted into the error's text only when the box is damaged (formatting
   * it for every chunk read was a quarter of a query's store time).
   */
  static ChunkRecord decodeChunk(byte[] box, byte[] key) {
    try {
      return ChunkRecord.decode(box, "");
    } catch (StorageCorruptionException e) {
      return ChunkRecord.decode(box, Keys.describe(key)); // throws again, naming the key
    }
  }

  private static BlockMeta decodeMeta(long res, byte[] box, byte[] key) {
    try {
      return BlockMeta.decode(res, box, "");
    } catch (StorageCorruptionException e) {
      return BlockMeta.decode(res, box, Keys.describe(key));
    }
  }

  @Override
  public List<ChunkRecord> chunksCovering(long seriesId, long res, long t) {
    org.rocksdb.Snapshot snap = db.getSnapshot();
    try (ReadOptions ro = new ReadOptions().setSnapshot(snap)) {
      List<BlockMeta> holding = new ArrayList<>();
      for (BlockMeta b : blocks(ro, res, Long.MAX_VALUE / 4)) {
        if (b.start() <= t && (b.contains(t) || b.maxT() >= t)) {
          holding.add(b);
        }
      }
      return holding.isEmpty() ? List.of() : chunks(ro, res, holding, seriesId, t, t);
    } finally {
      db.releaseSnapshot(snap);
    }
  }
}
