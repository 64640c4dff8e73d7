package io.strata.tsdb.engine;

import static io.strata.tsdb.engine.StoreFixtures.MAX;
import static io.strata.tsdb.engine.StoreFixtures.MIN;
import static io.strata.tsdb.engine.StoreFixtures.T0;
import static io.strata.tsdb.engine.StoreFixtures.config;
import static io.strata.tsdb.engine.StoreFixtures.counter;
import static io.strata.tsdb.engine.StoreFixtures.readRaw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.schemas.model.Labels;
import io.strata.tsdb.Resolution;
import io.strata.tsdb.SampleColumns;
import io.strata.tsdb.StoredSeries;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chunk cache never shows a select other data than its snapshot holds: not chunks committed after the
 * select (cached by a newer select), and not a stale list once a commit or a compaction changed the block.
 */
class ChunkCacheTest {
  private static final Labels X = counter("cache_total", "i", "1");

  @TempDir Path dir;

  /** Appends samples k in [from, to) at T0 + 15 s * k, value k. */
  private static void append(StrataStore s, int from, int to) {
    for (int k = from; k < to; k++) {
      s.append("t", X, T0 + 15_000L * k, k);
    }
  }

  private static TreeMap<Long, Double> read(StoredSeries ss) {
    SampleColumns c = new SampleColumns(16, false);
    ss.readSamples(MIN, MAX, c);
    TreeMap<Long, Double> m = new TreeMap<>();
    for (int i = 0; i < c.size(); i++) {
      m.put(c.timestamps()[i], c.values()[i]);
    }
    return m;
  }

  private static TreeMap<Long, Double> expected(int to) {
    TreeMap<Long, Double> m = new TreeMap<>();
    for (int k = 0; k < to; k++) {
      m.put(T0 + 15_000L * k, (double) k);
    }
    return m;
  }

  @Test
  void anOlderSelectDoesNotSeeChunksANewerSelectCached() {
    try (StrataStore s = StrataStore.open(config(dir), new PrometheusRegistry())) {
      append(s, 0, 180); // 45 min: one 120-sample chunk is cut and committed into block [T0, T0 + 1h)
      s.commit(Map.of("p/0", 1L));
      StoredSeries before = s.selectLazy("t", Resolution.RAW, MIN, MAX, List.of()).get(0);
      append(s, 180, 300); // up to 75 min: the second chunk of the same block is committed
      s.commit(Map.of("p/0", 2L));
      assertEquals(expected(300), read(s.selectLazy("t", Resolution.RAW, MIN, MAX, List.of()).get(0)), "the newer select");
      assertEquals(expected(180), read(before), "the older select reads its snapshot, not the newer select's cached block");
    }
  }

  @Test
  void aBlockCachedBeforeACommitIsReadAgainAfterIt() {
    try (StrataStore s = StrataStore.open(config(dir), new PrometheusRegistry())) {
      append(s, 0, 180);
      s.commit(Map.of("p/0", 1L));
      assertEquals(expected(180), read(s.selectLazy("t", Resolution.RAW, MIN, MAX, List.of()).get(0)));
      assertEquals(expected(180), read(s.selectLazy("t", Resolution.RAW, MIN, MAX, List.of()).get(0)), "served from the cache");
      assertTrue(s.chunkCache().hits.sum() > 0, "the second read hit the cache");
      append(s, 180, 300);
      s.commit(Map.of("p/0", 2L)); // chunk 2 leaves memory: only the block holds it now
      assertEquals(expected(300), read(s.selectLazy("t", Resolution.RAW, MIN, MAX, List.of()).get(0)));
    }
  }

  @Test
  void compactionAndRetentionChangeWhatTheNextSelectReads() {
    try (StrataStore s = StrataStore.open(config(dir).withRetention(Map.of("raw", java.time.Duration.ofHours(6))), new PrometheusRegistry())) {
      append(s, 0, 960); // 4 h: one compaction group
      s.commit(Map.of("p/0", 1L));
      assertEquals(expected(960), read(s.selectLazy("t", Resolution.RAW, MIN, MAX, List.of()).get(0)));
      s.compact(); // level-0 chunks deleted, compacted ones written: no sample may show twice or go missing
      assertEquals(expected(960), read(s.selectLazy("t", Resolution.RAW, MIN, MAX, List.of()).get(0)));
      assertEquals(expected(960), readRaw(s, "t", MIN, MAX).get(X).entrySet().stream()
          .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> Double.longBitsToDouble(e.getValue()), (a, b) -> a, TreeMap::new)));
      // 12 h later the first group is past the 6 h retention: its block goes, and so do its cached chunks
      for (int k = 960 + 2880; k < 960 + 2880 + 480; k++) {
        s.append("t", X, T0 + 15_000L * k, k);
      }
      s.flush();
      TreeMap<Long, Double> after = read(s.selectLazy("t", Resolution.RAW, MIN, MAX, List.of()).get(0));
      assertEquals(T0 + 15_000L * (960 + 2880), after.firstKey(), "nothing of the dropped block is served");
      assertEquals(480, after.size());
    }
  }

  @Test
  void withoutTheCacheReadsAreTheSame() {
    try (StrataStore cached = StrataStore.open(config(dir.resolve("a")), new PrometheusRegistry());
        StrataStore plain = StrataStore.open(config(dir.resolve("b")).withChunkCacheBytes(0), new PrometheusRegistry())) {
      for (StrataStore s : List.of(cached, plain)) {
        append(s, 0, 700);
        s.commit(Map.of("p/0", 1L));
        for (int i = 0; i < 3; i++) {
          assertEquals(expected(700).headMap(T0 + 15_000L * 600), read(s.selectLazy("t", Resolution.RAW, MIN, MAX, List.of()).get(0)).headMap(T0 + 15_000L * 600));
        }
      }
      assertTrue(cached.chunkCache().hits.sum() > 0);
      assertEquals(0, plain.chunkCache().hits.sum());
    }
  }
}
