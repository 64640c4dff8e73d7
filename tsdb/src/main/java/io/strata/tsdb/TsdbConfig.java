package io.strata.tsdb;

import io.strata.schemas.prom.PromDuration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Settings of the storage engine. Every key of {@link #fromMap} is a constant here and documented in
 * tsdb/README.md; errors name the key and the bad value.
 *
 * @param dataDir directory of the store (created when missing)
 * @param blockDuration length of a level-0 block; the head cuts chunks at its boundaries
 * @param maxBlockDuration length of a compacted block, a multiple of {@code blockDuration}
 * @param outOfOrderWindow how far behind a series' newest sample an append is still accepted
 * @param retention how long each resolution keeps data, by resolution name ({@code raw}, {@code 1m}, ...);
 *     {@code raw} is required, a rollup resolution without an entry keeps data as long as raw
 * @param chunkSamples samples per head chunk before it is cut (Prometheus: 120)
 * @param compactedChunkSamples samples per chunk written by compaction
 * @param backgroundCompaction run retention and compaction on a background thread after commits
 * @param blockCacheBytes RocksDB block cache size
 * @param chunkCacheBytes heap bytes of verified chunks kept for repeated reads (0: none)
 */
public record TsdbConfig(
    Path dataDir,
    Duration blockDuration,
    Duration maxBlockDuration,
    Duration outOfOrderWindow,
    Map<String, Duration> retention,
    int chunkSamples,
    int compactedChunkSamples,
    boolean backgroundCompaction,
    long blockCacheBytes,
    long chunkCacheBytes) {

  public static final String DATA_DIR = "tsdb.data.dir";
  public static final String BLOCK_DURATION = "tsdb.block.duration";
  public static final String MAX_BLOCK_DURATION = "tsdb.block.max.duration";
  public static final String OUT_OF_ORDER_WINDOW = "tsdb.out.of.order.window";
  /** Prefix: {@code tsdb.retention.raw}, {@code tsdb.retention.5m}, ... */
  public static final String RETENTION_PREFIX = "tsdb.retention.";
  public static final String CHUNK_SAMPLES = "tsdb.chunk.samples";
  public static final String COMPACTED_CHUNK_SAMPLES = "tsdb.compacted.chunk.samples";
  public static final String BACKGROUND_COMPACTION = "tsdb.compaction.background";
  public static final String BLOCK_CACHE_BYTES = "tsdb.block.cache.bytes";
  public static final String CHUNK_CACHE_BYTES = "tsdb.chunk.cache.bytes";

  /** Every key, for the documentation test. */
  public static final java.util.List<String> KEYS = java.util.List.of(DATA_DIR, BLOCK_DURATION, MAX_BLOCK_DURATION, OUT_OF_ORDER_WINDOW,
      RETENTION_PREFIX + "<resolution>", CHUNK_SAMPLES, COMPACTED_CHUNK_SAMPLES, BACKGROUND_COMPACTION, BLOCK_CACHE_BYTES,
      CHUNK_CACHE_BYTES);

  /** Prometheus's default block length: long enough to fill 120-sample chunks at 1-minute scrapes. */
  public static final Duration DEFAULT_BLOCK_DURATION = Duration.ofHours(2);
  public static final Duration DEFAULT_MAX_BLOCK_DURATION = Duration.ofHours(24);
  /** Kafka keeps each series ordered; 10 minutes absorbs producers that retry or replay a little. */
  public static final Duration DEFAULT_OUT_OF_ORDER_WINDOW = Duration.ofMinutes(10);
  /** Prometheus's default retention. */
  public static final Duration DEFAULT_RAW_RETENTION = Duration.ofDays(15);
  /** Prometheus's chunk length: the point where Gorilla's bytes per sample stop improving much. */
  public static final int DEFAULT_CHUNK_SAMPLES = 120;
  /** 2 h at 15 s: 4x fewer chunks (keys, headers, checksums) than head chunks, still cheap to decode for a short range. */
  public static final int DEFAULT_COMPACTED_CHUNK_SAMPLES = 480;
  public static final long DEFAULT_BLOCK_CACHE_BYTES = 256L << 20;
  /** Holds the compacted chunks of 10k series x 24 h (about 1.5 B per sample) and their rollups. */
  public static final long DEFAULT_CHUNK_CACHE_BYTES = 256L << 20;

  public TsdbConfig {
    if (dataDir == null) {
      throw new IllegalArgumentException(DATA_DIR + " is required");
    }
    positive(BLOCK_DURATION, blockDuration);
    positive(MAX_BLOCK_DURATION, maxBlockDuration);
    if (maxBlockDuration.toMillis() % blockDuration.toMillis() != 0) {
      throw new IllegalArgumentException(MAX_BLOCK_DURATION + " must be a multiple of " + BLOCK_DURATION + " (" + blockDuration + "), got " + maxBlockDuration);
    }
    if (outOfOrderWindow == null || outOfOrderWindow.isNegative()) {
      throw new IllegalArgumentException(OUT_OF_ORDER_WINDOW + " must be >= 0, got " + outOfOrderWindow);
    }
    if (retention == null || !retention.containsKey("raw")) {
      throw new IllegalArgumentException(RETENTION_PREFIX + "raw is required, got " + retention);
    }
    Map<String, Duration> r = new TreeMap<>();
    for (var e : retention.entrySet()) {
      try {
        Resolution.parse(e.getKey());
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException(RETENTION_PREFIX + e.getKey() + ": " + ex.getMessage());
      }
      positive(RETENTION_PREFIX + e.getKey(), e.getValue());
      r.put(e.getKey(), e.getValue());
    }
    retention = Map.copyOf(r);
    if (chunkSamples < 1 || chunkSamples > 32767) {
      throw new IllegalArgumentException(CHUNK_SAMPLES + " must be in [1, 32767], got " + chunkSamples);
    }
    if (compactedChunkSamples < 1 || compactedChunkSamples > 65535) {
      throw new IllegalArgumentException(COMPACTED_CHUNK_SAMPLES + " must be in [1, 65535], got " + compactedChunkSamples);
    }
    if (blockCacheBytes < 0) {
      throw new IllegalArgumentException(BLOCK_CACHE_BYTES + " must be >= 0, got " + blockCacheBytes);
    }
    if (chunkCacheBytes < 0) {
      throw new IllegalArgumentException(CHUNK_CACHE_BYTES + " must be >= 0, got " + chunkCacheBytes);
    }
  }

  private static void positive(String key, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(key + " must be > 0, got " + d);
    }
  }

  public static TsdbConfig defaults(Path dataDir) {
    return new TsdbConfig(dataDir, DEFAULT_BLOCK_DURATION, DEFAULT_MAX_BLOCK_DURATION, DEFAULT_OUT_OF_ORDER_WINDOW,
        Map.of("raw", DEFAULT_RAW_RETENTION), DEFAULT_CHUNK_SAMPLES, DEFAULT_COMPACTED_CHUNK_SAMPLES, true, DEFAULT_BLOCK_CACHE_BYTES,
        DEFAULT_CHUNK_CACHE_BYTES);
  }

  public TsdbConfig withBlockDurations(Duration block, Duration maxBlock) {
    return new TsdbConfig(dataDir, block, maxBlock, outOfOrderWindow, retention, chunkSamples, compactedChunkSamples, backgroundCompaction, blockCacheBytes, chunkCacheBytes);
  }

  public TsdbConfig withOutOfOrderWindow(Duration window) {
    return new TsdbConfig(dataDir, blockDuration, maxBlockDuration, window, retention, chunkSamples, compactedChunkSamples, backgroundCompaction, blockCacheBytes, chunkCacheBytes);
  }

  public TsdbConfig withRetention(Map<String, Duration> r) {
    return new TsdbConfig(dataDir, blockDuration, maxBlockDuration, outOfOrderWindow, r, chunkSamples, compactedChunkSamples, backgroundCompaction, blockCacheBytes, chunkCacheBytes);
  }

  public TsdbConfig withChunkCacheBytes(long bytes) {
    return new TsdbConfig(dataDir, blockDuration, maxBlockDuration, outOfOrderWindow, retention, chunkSamples, compactedChunkSamples, backgroundCompaction, blockCacheBytes, bytes);
  }

  public TsdbConfig withBackgroundCompaction(boolean b) {
    return new TsdbConfig(dataDir, blockDuration, maxBlockDuration, outOfOrderWindow, retention, chunkSamples, compactedChunkSamples, b, blockCacheBytes, chunkCacheBytes);
  }

  /** Retention of a resolution in milliseconds: its own entry (by name or by window length), else raw's. */
  public long retentionMillis(Resolution res) {
    Duration d = retention.get(res.name());
    if (d == null) {
      for (var e : retention.entrySet()) {
        if (Resolution.parse(e.getKey()).millis() == res.millis()) {
          d = e.getValue();
          break;
        }
      }
    }
    return (d == null ? retention.get("raw") : d).toMillis();
  }

  /** Parses string settings (a properties file, CLI flags); missing keys take the defaults. */
  public static TsdbConfig fromMap(Map<String, String> m) {
    String dir = m.get(DATA_DIR);
    if (dir == null || dir.isBlank()) {
      throw new IllegalArgumentException(DATA_DIR + " is required, got " + dir);
    }
    TsdbConfig d = defaults(Path.of(dir));
    Map<String, Duration> retention = new LinkedHashMap<>(d.retention());
    for (var e : m.entrySet()) {
      if (e.getKey().startsWith(RETENTION_PREFIX)) {
        retention.put(e.getKey().substring(RETENTION_PREFIX.length()), duration(e.getKey(), e.getValue()));
      } else if (!KEYS.contains(e.getKey())) {
        throw new IllegalArgumentException("unknown setting " + e.getKey() + "=" + e.getValue() + "; known: " + KEYS);
      }
    }
    return new TsdbConfig(Path.of(dir),
        m.containsKey(BLOCK_DURATION) ? duration(BLOCK_DURATION, m.get(BLOCK_DURATION)) : d.blockDuration(),
        m.containsKey(MAX_BLOCK_DURATION) ? duration(MAX_BLOCK_DURATION, m.get(MAX_BLOCK_DURATION)) : d.maxBlockDuration(),
        m.containsKey(OUT_OF_ORDER_WINDOW) ? duration(OUT_OF_ORDER_WINDOW, m.get(OUT_OF_ORDER_WINDOW)) : d.outOfOrderWindow(),
        retention,
        m.containsKey(CHUNK_SAMPLES) ? integer(CHUNK_SAMPLES, m.get(CHUNK_SAMPLES)) : d.chunkSamples(),
        m.containsKey(COMPACTED_CHUNK_SAMPLES) ? integer(COMPACTED_CHUNK_SAMPLES, m.get(COMPACTED_CHUNK_SAMPLES)) : d.compactedChunkSamples(),
        m.containsKey(BACKGROUND_COMPACTION) ? bool(BACKGROUND_COMPACTION, m.get(BACKGROUND_COMPACTION)) : d.backgroundCompaction(),
        m.containsKey(BLOCK_CACHE_BYTES) ? longInteger(BLOCK_CACHE_BYTES, m.get(BLOCK_CACHE_BYTES)) : d.blockCacheBytes(),
        m.containsKey(CHUNK_CACHE_BYTES) ? longInteger(CHUNK_CACHE_BYTES, m.get(CHUNK_CACHE_BYTES)) : d.chunkCacheBytes());
  }

  /**
   * A Prometheus duration ({@link PromDuration}, the parser of every Strata duration setting: {@code 10m}, {@code 1h30m},
   * {@code 15d}, {@code 0}); the error names the key.
   */
  public static Duration duration(String key, String s) {
    try {
      return PromDuration.parse(s == null ? "" : s.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + " must be a duration like 10m, 2h, 15d; got " + s);
    }
  }

  private static int integer(String key, String s) {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, got " + s);
    }
  }

  private static long longInteger(String key, String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, got " + s);
    }
  }

  private static boolean bool(String key, String s) {
    if (!"true".equals(s) && !"false".equals(s)) {
      throw new IllegalArgumentException(key + " must be true or false, got " + s);
    }
    return Boolean.parseBoolean(s);
  }
}
