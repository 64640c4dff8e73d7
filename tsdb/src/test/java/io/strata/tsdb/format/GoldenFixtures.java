package io.strata.tsdb.format;

import io.strata.schemas.model.Labels;
import io.strata.schemas.model.StaleMarker;
import io.strata.tsdb.chunkenc.ChunkEncoding;
import io.strata.tsdb.chunkenc.RollupAppender;
import io.strata.tsdb.chunkenc.XorAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The content of the v1 golden fixtures in src/test/resources/format. {@link #main} wrote them once;
 * they are never regenerated: a format change adds v2 files and keeps reading v1.
 */
public final class GoldenFixtures {
  static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  static final long[] XOR_T = {T0, T0 + 15_000, T0 + 30_000, T0 + 45_000, T0 + 60_001, T0 + 75_000, T0 + 3_600_000};
  static final double[] XOR_V = {1.0, StaleMarker.VALUE, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 42.5, -0.0};

  private GoldenFixtures() {}

  static ChunkRecord xorChunk() {
    XorAppender a = new XorAppender(16);
    for (int i = 0; i < XOR_T.length; i++) {
      a.append(XOR_T[i], XOR_V[i]);
    }
    return new ChunkRecord(ChunkEncoding.XOR, a.minT(), a.maxT(), a.count(), a.toBytes());
  }

  static ChunkRecord rollupChunk() {
    RollupAppender a = new RollupAppender(16);
    a.append(T0, 20, 100.5, 1, 9, 9, 1000);
    a.append(T0 + 300_000, 20, 110.25, 2, 8, StaleMarker.VALUE, 1100);
    a.append(T0 + 600_000, 100_000, 0, Double.NEGATIVE_INFINITY, Double.NaN, 0, 1200);
    return new ChunkRecord(ChunkEncoding.ROLLUP, a.minT(), a.maxT(), a.count(), a.toBytes());
  }

  static SeriesRecord series() {
    return new SeriesRecord(7, "tenant-a", Labels.of("__name__", "http_requests_total", "job", "api", "path", "/ü"));
  }

  static BlockMeta block() {
    return new BlockMeta(0, T0, 86_400_000L, 1, true, 12, 5760, 8200, T0, T0 + 86_385_000L, 1);
  }

  static StoreRecord store() {
    return new StoreRecord(StoreRecord.LAYOUT_V1, 7_200_000L, 86_400_000L);
  }

  static Map<String, byte[]> v1() {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("chunk-xor-v1.bin", xorChunk().encode());
    m.put("chunk-rollup-v1.bin", rollupChunk().encode());
    m.put("series-v1.bin", series().encode());
    m.put("block-v1.bin", block().encode());
    m.put("store-v1.bin", store().encode());
    m.put("offset-v1.bin", StoreRecord.encodeOffset(123_456_789L));
    m.put("key-chunk-v1.bin", Keys.chunk(300_000L, T0, 7, T0 + 15_000));
    m.put("key-block-v1.bin", Keys.block(0, -7_200_000L));
    m.put("key-head-v1.bin", Keys.head(0, 7));
    m.put("key-series-v1.bin", Keys.series(7));
    m.put("key-offset-v1.bin", Keys.offset("metrics.samples/3"));
    return m;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Files.createDirectories(dir);
    for (var e : v1().entrySet()) {
      Path p = dir.resolve(e.getKey());
      if (Files.exists(p)) {
        throw new IllegalStateException(p + " exists: golden fixtures are never regenerated");
      }
      Files.write(p, e.getValue());
    }
  }
}
