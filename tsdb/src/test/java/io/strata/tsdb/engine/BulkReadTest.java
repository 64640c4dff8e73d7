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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bulk reads ({@link StoredSeries#readSamples}) of any part of a series give exactly the samples the cursor
 * gives there, whether the chunks come from memory, from level-0 blocks, from compacted blocks, or overlap
 * (out-of-order appends); and a lazy select is the eager one plus, at most, series with nothing in range.
 */
class BulkReadTest {
  @TempDir Path dir;

  @Test
  void subRangesOfEveryStageReadExactlyWhatTheCursorReads() throws Exception {
    SplittableRandom rnd = new SplittableRandom(42);
    try (StrataStore s = StrataStore.open(config(dir), new PrometheusRegistry())) {
      Labels[] series = new Labels[6];
      for (int i = 0; i < series.length; i++) {
        series[i] = counter("bulk_total", "i", Integer.toString(i));
      }
      long t = T0;
      for (int round = 0; round < 4; round++) {
        // 3 h of 15 s samples per round, with gaps, stale markers and late samples inside the out-of-order window
        for (int k = 0; k < 720; k++, t += 15_000) {
          for (int i = 0; i < series.length; i++) {
            if ((k + i * 37) % 97 < 5) {
              continue; // a gap
            }
            double v = rnd.nextInt(10) == 0 ? io.strata.schemas.model.StaleMarker.VALUE : rnd.nextDouble() * 1e6;
            s.append("t", series[i], t + i, v);
            if (k > 8 && rnd.nextInt(50) == 0) {
              s.append("t", series[i], t - 7 * 15_000 + 3, rnd.nextDouble()); // out of order, in the window
            }
          }
        }
        if (round == 1) {
          s.commit(Map.of("p/0", (long) round));
        } else if (round == 2) {
          s.commit(Map.of("p/0", (long) round));
          s.compact();
        }
        checkEveryRange(s, rnd, T0 - 60_000, t + 60_000);
      }
      s.flush();
      checkEveryRange(s, rnd, T0 - 60_000, t + 60_000);
    }
  }

  private static void checkEveryRange(StrataStore s, SplittableRandom rnd, long lo, long hi) {
    Map<Labels, TreeMap<Long, Long>> all = readRaw(s, "t", MIN, MAX); // also checks the bulk read of the whole range
    assertEquals(6, all.size());
    for (int trial = 0; trial < 40; trial++) {
      long a = lo + rnd.nextLong(hi - lo);
      long b = a + rnd.nextLong(Math.max(1, (hi - a) / (1 + rnd.nextInt(8))));
      // the select's own range and a narrower read inside it
      long from = a + rnd.nextLong(Math.max(1, (b - a) / 2));
      long to = b - rnd.nextLong(Math.max(1, (b - from) / 2));
      for (StoredSeries ss : s.selectLazy("t", Resolution.RAW, a, b, List.of())) {
        SampleColumns got = new SampleColumns(1, false);
        int n = ss.readSamples(from, to, got);
        TreeMap<Long, Long> want = new TreeMap<>(all.get(ss.labels()).subMap(Math.max(a, from), true, Math.min(b, to), true));
        TreeMap<Long, Long> bulk = new TreeMap<>();
        for (int i = 0; i < n; i++) {
          bulk.put(got.timestamps()[i], Double.doubleToRawLongBits(got.values()[i]));
        }
        assertEquals(want, bulk, ss.labels() + " read [" + from + ", " + to + "] of a select of [" + a + ", " + b + "]");
        assertEquals(n, got.size());
        // its chunks as stored, read elsewhere (what the query store API ships), give the same samples
        SampleColumns shipped = new SampleColumns(1, false);
        int m = ChunkSeries.of(ss.labels(), Resolution.RAW, a, b, ss.minTime(), ss.maxTime(), ss.storedChunks(from, to)).readSamples(from, to, shipped);
        TreeMap<Long, Long> fromChunks = new TreeMap<>();
        for (int i = 0; i < m; i++) {
          fromChunks.put(shipped.timestamps()[i], Double.doubleToRawLongBits(shipped.values()[i]));
        }
        assertEquals(want, fromChunks, ss.labels() + " stored chunks of [" + from + ", " + to + "]");
        assertEquals(m, shipped.size(), "one sample per timestamp");
      }
    }
  }

  @Test
  void aSeriesWithDeletedRangesIsNotGivenAsItsStoredChunks() throws Exception {
    try (StrataStore s = StrataStore.open(config(dir), new PrometheusRegistry())) {
      Labels kept = counter("del_total", "which", "kept");
      Labels cut = counter("del_total", "which", "cut");
      for (int k = 0; k < 240; k++) {
        s.append("t", kept, T0 + k * 15_000L, k);
        s.append("t", cut, T0 + k * 15_000L, k);
      }
      s.commit(Map.of("p/0", 1L));
      s.deleteSeries("t", List.of(io.strata.schemas.model.LabelMatcher.eq("which", "cut")), T0, T0 + 60_000);
      for (StoredSeries ss : s.select("t", Resolution.RAW, MIN, MAX, List.of())) {
        if (ss.labels().equals(kept)) {
          assertEquals(2, ss.storedChunks(MIN, MAX).size(), "240 samples in chunks of 120");
        } else {
          assertEquals(null, ss.storedChunks(MIN, MAX), "its reads filter its chunks: they cannot travel as stored");
        }
      }
    }
  }

  @Test
  void aLazySelectAddsOnlySeriesWithNothingInRange() throws Exception {
    try (StrataStore s = StrataStore.open(config(dir), new PrometheusRegistry())) {
      Labels early = counter("lazy_total", "which", "early");
      Labels late = counter("lazy_total", "which", "late");
      Labels gap = counter("lazy_total", "which", "gap");
      for (int k = 0; k < 240; k++) {
        s.append("t", early, T0 + k * 15_000L, k);
        s.append("t", late, T0 + 3_600_000 + k * 15_000L, k);
      }
      // one sample before and one after the range: its bounds overlap the range, nothing lies inside
      s.append("t", gap, T0, 1);
      s.append("t", gap, T0 + 7_200_000, 2);
      s.commit(Map.of("p/0", 1L));
      long from = T0 + 3_700_000;
      long to = T0 + 3_800_000;
      var eager = s.select("t", Resolution.RAW, from, to, List.of()).stream().map(StoredSeries::labels).collect(Collectors.toSet());
      assertEquals(java.util.Set.of(late), eager);
      var lazy = new HashSet<Labels>();
      for (StoredSeries ss : s.selectLazy("t", Resolution.RAW, from, to, List.of())) {
        lazy.add(ss.labels());
        int n = ss.readSamples(MIN, MAX, new SampleColumns(1, false));
        assertEquals(ss.labels().equals(late) ? 7 : 0, n, ss.labels().toString());
      }
      assertTrue(lazy.containsAll(eager), lazy.toString());
      assertTrue(lazy.contains(gap), "the series whose samples straddle the range is a lazy candidate: " + lazy);
    }
  }
}
