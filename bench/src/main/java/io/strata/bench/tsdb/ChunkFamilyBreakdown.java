package io.strata.bench.tsdb;

import io.strata.tsdb.chunkenc.ChunkEncoding;
import io.strata.tsdb.format.Box;
import io.strata.tsdb.format.ChunkRecord;
import io.strata.tsdb.format.Keys;
import io.strata.tsdb.format.SeriesRecord;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;

/**
 * Chunk bytes per sample by metric name (the data families of {@link NodeExporterLikeData}) and the
 * share of chunks per encoding, read from a closed store's RocksDB (read-only). Bytes are key + value
 * bytes before RocksDB compression, as the block metas count them.
 */
final class ChunkFamilyBreakdown {
  private ChunkFamilyBreakdown() {}

  private static final class Family {
    long samples;
    long bytes;
    final long[] chunksByEncoding = new long[4];
    final long[] samplesByEncoding = new long[4];
  }

  static void print(Path dir, PrintStream out) throws Exception {
    RocksDB.loadLibrary();
    Map<Long, String> names = new HashMap<>();
    Map<String, Family> fams = new TreeMap<>();
    try (Options o = new Options(); RocksDB db = RocksDB.openReadOnly(o, dir.toString()); RocksIterator it = db.newIterator()) {
      for (it.seek(new byte[] {Keys.SERIES}); it.isValid() && it.key()[0] == Keys.SERIES; it.next()) {
        long id = Box.getLong(it.key(), 1);
        names.put(id, SeriesRecord.decode(id, it.value(), "series").labels().get("__name__"));
      }
      for (it.seek(new byte[] {Keys.CHUNK}); it.isValid() && it.key()[0] == Keys.CHUNK; it.next()) {
        byte[] k = it.key();
        if (Keys.chunkRes(k) != 0) {
          continue;
        }
        byte[] v = it.value();
        ChunkRecord c = ChunkRecord.decode(v, "chunk");
        Family f = fams.computeIfAbsent(names.getOrDefault(Keys.chunkSeries(k), "?"), n -> new Family());
        f.samples += c.count();
        f.bytes += k.length + v.length;
        f.chunksByEncoding[c.encoding()]++;
        f.samplesByEncoding[c.encoding()] += c.count();
      }
    }
    long samples = 0;
    long bytes = 0;
    out.printf("%-40s %12s %10s %16s%n", "family (raw chunks)", "samples", "B/sample", "in decimal chunks");
    for (var e : fams.entrySet()) {
      Family f = e.getValue();
      samples += f.samples;
      bytes += f.bytes;
      out.printf("%-40s %12d %10.3f %15.1f%%%n", e.getKey(), f.samples, (double) f.bytes / f.samples,
          100.0 * f.samplesByEncoding[ChunkEncoding.DECIMAL] / f.samples);
    }
    for (var e : fams.entrySet()) {
      Family f = e.getValue();
      out.printf("  %-38s %.1f%% of samples, %.1f%% of chunk bytes%n", e.getKey(), 100.0 * f.samples / samples, 100.0 * f.bytes / bytes);
    }
    out.printf("all raw chunks: %d samples, %.3f B/sample (key + value, before RocksDB compression)%n", samples, (double) bytes / samples);
  }

  public static void main(String[] args) throws Exception {
    print(Path.of(args[0]), System.out);
  }
}
