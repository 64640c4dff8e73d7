package io.strata.tsdb.tools;

import io.strata.tsdb.chunkenc.ChunkEncoding;
import io.strata.tsdb.chunkenc.RollupIterator;
import io.strata.tsdb.chunkenc.RawChunkIterator;
import io.strata.tsdb.format.BlockMeta;
import io.strata.tsdb.format.Box;
import io.strata.tsdb.format.ChunkRecord;
import io.strata.tsdb.format.Keys;
import io.strata.tsdb.format.SeriesRecord;
import io.strata.tsdb.format.StorageCorruptionException;
import io.strata.tsdb.format.StoreRecord;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * Offline view of a store ({@code strata tsdb inspect}): its blocks per resolution, series count, bytes
 * per sample, and a verification of every checksum — RocksDB's own (every SST block) and ours (every
 * box, and every chunk decoded to its declared sample count). Opens the store read-only, so it can run
 * beside a live store.
 */
public final class Inspector {
  private Inspector() {}

  /** What the inspection found. {@code errors} each name the key or file, the offset, expected and actual. */
  public record Report(long series, long blocks, long chunks, long samples, long chunkBytes, long diskBytes, List<String> errors) {
    public boolean ok() {
      return errors.isEmpty();
    }

    public double bytesPerSample() {
      return samples == 0 ? 0 : (double) diskBytes / samples;
    }
  }

  private static final class BlockTotals {
    BlockMeta meta;
    long chunks;
    long samples;
    long bytes;
    long damaged;
    final java.util.Set<Long> series = new java.util.HashSet<>();
  }

  public static Report inspect(Path dataDir, PrintStream out) {
    RocksDB.loadLibrary();
    List<String> errors = new ArrayList<>();
    long series = 0;
    Map<Long, TreeMap<Long, BlockTotals>> blocks = new TreeMap<>();
    try (Options o = new Options(); RocksDB db = RocksDB.openReadOnly(o, dataDir.toString())) {
      try {
        db.verifyChecksum();
      } catch (RocksDBException e) {
        errors.add("RocksDB checksum verification: " + e.getMessage());
      }
      try (ReadOptions ro = new ReadOptions().setFillCache(false).setVerifyChecksums(true); RocksIterator it = db.newIterator(ro)) {
        RawChunkIterator xi = new RawChunkIterator();
        RollupIterator ri = new RollupIterator();
        for (it.seekToFirst(); it.isValid(); it.next()) {
          byte[] k = it.key();
          byte[] v = it.value();
          String where = Keys.describe(k);
          try {
            switch (k[0]) {
              case Keys.STORE -> StoreRecord.decode(v, where);
              case Keys.OFFSET -> StoreRecord.decodeOffset(v, where);
              case Keys.SERIES -> {
                SeriesRecord.decode(Box.getLong(k, 1), v, where);
                series++;
              }
              case Keys.TOMBSTONE -> io.strata.tsdb.format.TombstoneRecord.decode(v, where);
              case Keys.BLOCK -> totals(blocks, Keys.blockRes(k), Keys.blockStart(k)).meta = BlockMeta.decode(Keys.blockRes(k), v, where);
              case Keys.CHUNK, Keys.HEAD -> {
                ChunkRecord c = ChunkRecord.decode(v, where);
                int n = 0;
                boolean damaged;
                if (!ChunkEncoding.isRollup(c.encoding())) {
                  xi.reset(c.encoding(), c.data());
                  while (xi.next()) {
                    n++;
                  }
                  damaged = xi.damaged();
                } else {
                  ri.reset(c.encoding(), c.data());
                  while (ri.next()) {
                    n++;
                  }
                  damaged = ri.damaged();
                }
                if (damaged || n != c.count()) {
                  throw new StorageCorruptionException(where, 0, c.count() + " decodable samples", n + (damaged ? " before the stream ended" : ""), "chunk stream");
                }
                if (k[0] == Keys.CHUNK) {
                  BlockTotals t = totals(blocks, Keys.chunkRes(k), Keys.chunkBlock(k));
                  t.chunks++;
                  t.samples += n;
                  t.bytes += k.length + v.length;
                  t.series.add(Keys.chunkSeries(k));
                }
              }
              default -> errors.add("unknown key " + where);
            }
          } catch (StorageCorruptionException e) {
            errors.add(e.getMessage());
            if (k[0] == Keys.CHUNK && k.length == Keys.CHUNK_KEY_LENGTH) {
              totals(blocks, Keys.chunkRes(k), Keys.chunkBlock(k)).damaged++;
            }
          }
        }
        try {
          it.status();
        } catch (RocksDBException e) {
          errors.add("RocksDB read stopped: " + e.getMessage());
        }
      }
    } catch (RocksDBException e) {
      errors.add("cannot open " + dataDir + " read-only: " + e.getMessage());
    }
    long disk = du(dataDir);
    long nBlocks = 0;
    long chunks = 0;
    long samples = 0;
    long bytes = 0;
    out.printf("store %s%n", dataDir);
    for (var r : blocks.entrySet()) {
      out.printf("resolution %s%n", r.getKey() == 0 ? "raw" : r.getKey() + "ms");
      out.printf("  %-24s %-24s %5s %9s %8s %10s %12s %10s %8s%n", "start", "end", "level", "compacted", "series", "chunks", "samples", "bytes", "B/sample");
      for (var be : r.getValue().entrySet()) {
        BlockTotals t = be.getValue();
        BlockMeta m = t.meta;
        if (m == null) {
          errors.add("chunks without a block meta under " + Keys.describe(Keys.block(r.getKey(), be.getKey())));
          continue;
        }
        if (t.damaged == 0 && (m.chunks() != t.chunks || m.samples() != t.samples)) {
          errors.add("block meta " + Keys.describe(Keys.block(m.res(), m.start())) + " counts " + m.chunks() + " chunks/" + m.samples() + " samples, found "
              + t.chunks + "/" + t.samples);
        }
        out.printf("  %-24s %-24s %5d %9s %8d %10d %12d %10d %8.2f%n", Instant.ofEpochMilli(m.start()), Instant.ofEpochMilli(m.end()), m.level(), m.compacted(),
            t.series.size(), t.chunks, t.samples, t.bytes, t.samples == 0 ? 0.0 : (double) t.bytes / t.samples);
        nBlocks++;
        chunks += t.chunks;
        samples += t.samples;
        bytes += t.bytes;
      }
    }
    out.printf("series %d, blocks %d, chunks %d, samples %d%n", series, nBlocks, chunks, samples);
    out.printf("chunk bytes (keys + values) %d = %.2f B/sample; on disk %d = %.2f B/sample%n", bytes, samples == 0 ? 0.0 : (double) bytes / samples, disk,
        samples == 0 ? 0.0 : (double) disk / samples);
    if (errors.isEmpty()) {
      out.println("checksums: all OK");
    } else {
      out.printf("checksums: %d error(s)%n", errors.size());
      for (String e : errors) {
        out.println("  " + e);
      }
    }
    return new Report(series, nBlocks, chunks, samples, bytes, disk, List.copyOf(errors));
  }

  private static BlockTotals totals(Map<Long, TreeMap<Long, BlockTotals>> blocks, long res, long start) {
    return blocks.computeIfAbsent(res, r -> new TreeMap<>()).computeIfAbsent(start, s -> new BlockTotals());
  }

  /** Bytes of the store's SST files (what compacted data takes on disk). */
  static long du(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".sst")).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: Inspector <data dir>");
      System.exit(2);
    }
    System.exit(inspect(Path.of(args[0]), System.out).ok() ? 0 : 1);
  }
}
