package io.strata.tsdb.engine;

import static io.strata.tsdb.engine.StoreFixtures.MAX;
import static io.strata.tsdb.engine.StoreFixtures.MIN;
import static io.strata.tsdb.engine.StoreFixtures.T0;
import static io.strata.tsdb.engine.StoreFixtures.config;
import static io.strata.tsdb.engine.StoreFixtures.counter;
import static io.strata.tsdb.engine.StoreFixtures.readRaw;
import static io.strata.tsdb.engine.StoreFixtures.readRollups;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import io.strata.tsdb.Resolution;
import io.strata.tsdb.RollupPoint;
import io.strata.tsdb.tools.Inspector;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** delete_series (tombstones), clean_tombstones and snapshot, as the admin API calls them. */
class AdminOperationsTest {
  private static final long STEP = 15_000;
  private static final long HOUR = 3_600_000;
  private static final Resolution R5 = Resolution.parse("5m");
  private static final Labels A = counter("a_total", "job", "x");
  private static final Labels B = counter("b_total", "job", "x");

  @TempDir Path dir;

  /** 6 h of a and b at 15 s in tenants t and u, 5m windows of a in t; the first 4 h committed and compacted, the rest in memory. */
  private static void fill(StrataStore s) {
    for (long ts = T0; ts < T0 + 6 * HOUR; ts += STEP) {
      for (String tenant : List.of("t", "u")) {
        s.append(tenant, A, ts, ts / 1000.0);
        s.append(tenant, B, ts, 1);
      }
      if (ts % 300_000 == 0) {
        s.appendRollup("t", A, R5, new RollupPoint(ts, 20, 1, 1, 1, 1, 1));
      }
      if (ts == T0 + 4 * HOUR) {
        s.commit(Map.of("metrics.samples/0", 1L));
        s.compact();
      }
    }
  }

  private static LabelMatcher name(String n) {
    return LabelMatcher.eq("__name__", n);
  }

  private static void assertDeleted(StrataStore s, long from, long to) {
    TreeMap<Long, Long> a = readRaw(s, "t", MIN, MAX, name("a_total")).get(A);
    assertEquals(6 * HOUR / STEP - ((to - from) / STEP + 1), a.size(), "every sample in [from, to] is gone, no other");
    assertTrue(a.subMap(from, true, to, true).isEmpty());
    assertTrue(a.containsKey(from - STEP) && a.containsKey(to + STEP));
    assertEquals(6 * HOUR / STEP, readRaw(s, "u", MIN, MAX, name("a_total")).get(A).size(), "another tenant's same series is untouched");
    assertEquals(6 * HOUR / STEP, readRaw(s, "u", MIN, MAX, name("b_total")).get(B).size(), "an unmatched series is untouched");
    List<RollupPoint> w = readRollups(s, "t", R5, MIN, MAX, name("a_total"));
    // a window [start, start + 5m) reaching into [from, to] is gone: starts in (from - 5m, to]
    assertEquals(72 - ((to - from) / 300_000 + 1), w.size());
    for (RollupPoint p : w) {
      assertTrue(p.windowStartMs() + 300_000 <= from || p.windowStartMs() > to, "window " + p.windowStartMs());
    }
  }

  @Test
  void deleteSeriesHidesTheRangeAtOnceInMemoryOnDiskAndInRollupsAndAfterReopen() throws Exception {
    long from = T0 + 3 * HOUR;
    long to = T0 + 5 * HOUR; // across the committed and compacted part and the head
    try (StrataStore s = StrataStore.open(config(dir), new PrometheusRegistry())) {
      fill(s);
      assertEquals(1, s.deleteSeries("t", List.of(name("a_total")), from, to));
      assertDeleted(s, from, to);
      // a lazy select, what queries use, reads the same; the bounds of a series are not moved by an inner range
      var lazy = s.selectLazy("t", Resolution.RAW, MIN, MAX, List.of(name("a_total")));
      assertEquals(1, lazy.size());
      assertEquals(T0, lazy.get(0).minTime());
      s.commit(Map.of("metrics.samples/0", 2L));
    }
    try (StrataStore s = StrataStore.open(config(dir), new PrometheusRegistry())) {
      assertDeleted(s, from, to);
    }
  }

  @Test
  void deletingAllOfASeriesRemovesItFromSelectsButNotFromOtherTenants() throws Exception {
    try (StrataStore s = StrataStore.open(config(dir), new PrometheusRegistry())) {
      fill(s);
      assertEquals(2, s.deleteSeries("t", List.of(LabelMatcher.eq("job", "x")), MIN, MAX));
      assertTrue(s.select("t", Resolution.RAW, MIN, MAX, List.of(LabelMatcher.eq("job", "x"))).isEmpty());
      assertTrue(s.selectLazy("t", Resolution.RAW, MIN, MAX, List.of(LabelMatcher.eq("job", "x"))).isEmpty());
      assertTrue(s.selectLazy("t", R5, MIN, MAX, List.of(name("a_total"))).isEmpty());
      assertEquals(2, s.select("u", Resolution.RAW, MIN, MAX, List.of(LabelMatcher.eq("job", "x"))).size());
      assertEquals(0, s.deleteSeries("nobody", List.of(LabelMatcher.eq("job", "x")), MIN, MAX));
      s.cleanTombstones("u");
      assertEquals(2, s.tombstones().all().size(), "another tenant's clean leaves t's tombstones");
      assertTrue(s.select("t", Resolution.RAW, MIN, MAX, List.of(LabelMatcher.eq("job", "x"))).isEmpty());
    }
  }

  @Test
  void cleanTombstonesRemovesTheDataFromDiskAndThenTheTombstones() throws Exception {
    long from = T0 + 1 * HOUR;
    long to = T0 + 5 * HOUR;
    long before;
    try (StrataStore s = StrataStore.open(config(dir), new PrometheusRegistry())) {
      fill(s);
      s.flush();
      before = Inspector.inspect(dir, quiet()).samples();
      s.deleteSeries("t", List.of(name("a_total")), from, to);
      s.cleanTombstones("t");
      assertTrue(s.tombstones().isEmpty(), "nothing of the ranges is left in memory: every tombstone is removed");
      assertDeleted(s, from, to);
      // all of b up to "forever": a sample appended before the clean is deleted too, one appended after it is not
      s.deleteSeries("t", List.of(name("b_total")), MIN, MAX);
      s.append("t", B, T0 + 6 * HOUR, 6);
      assertEquals(Map.of(), readRaw(s, "t", MIN, MAX, name("b_total")));
      s.cleanTombstones("t");
      assertEquals(Map.of(), readRaw(s, "t", MIN, MAX, name("b_total")));
      s.append("t", B, T0 + 6 * HOUR + STEP, 7);
      assertEquals(Map.of(B, new TreeMap<>(Map.of(T0 + 6 * HOUR + STEP, Double.doubleToRawLongBits(7)))), readRaw(s, "t", MIN, MAX, name("b_total")));
    }
    var report = Inspector.inspect(dir, quiet());
    assertTrue(report.ok(), report.errors().toString());
    long gone = (to - from) / STEP + 1 + (to - from) / 300_000 + 1 + 6 * HOUR / STEP;
    assertEquals(before - gone, report.samples(), "the deleted samples and windows left the disk (the new sample is in a head checkpoint)");
    try (StrataStore s = StrataStore.open(config(dir), new PrometheusRegistry())) {
      assertTrue(s.tombstones().isEmpty());
      assertDeleted(s, from, to);
      assertEquals(1, readRaw(s, "t", MIN, MAX, name("b_total")).get(B).size());
    }
  }

  @Test
  void aSnapshotWithTheHeadHoldsEverythingWithoutItOnlyWhatWasPersisted() throws Exception {
    String withHead;
    String skipHead;
    try (StrataStore s = StrataStore.open(config(dir), new PrometheusRegistry())) {
      for (long ts = T0; ts < T0 + HOUR; ts += STEP) {
        s.append("t", A, ts, 1);
      }
      s.commit(Map.of("metrics.samples/0", 5L));
      s.flush(); // SST files on disk, to be hard-linked
      s.append("t", A, T0 + HOUR, 2); // only in memory
      skipHead = s.snapshot(false);
      withHead = s.snapshot(true);
      assertTrue(withHead.matches("\\d{8}T\\d{6}Z-[0-9a-f]{16}"), withHead);
      assertFalse(withHead.equals(skipHead));
    }
    Path snaps = dir.resolve("snapshots");
    try (StrataStore s = StrataStore.open(config(snaps.resolve(skipHead)), new PrometheusRegistry())) {
      assertEquals(HOUR / STEP, readRaw(s, "t", MIN, MAX).get(A).size());
      assertEquals(Map.of("metrics.samples/0", 5L), s.committedOffsets());
    }
    try (StrataStore s = StrataStore.open(config(snaps.resolve(withHead)), new PrometheusRegistry())) {
      assertEquals(HOUR / STEP + 1, readRaw(s, "t", MIN, MAX).get(A).size());
    }
    // SST files are hard links to the store's own
    try (Stream<Path> files = Files.list(snaps.resolve(skipHead))) {
      Path sst = files.filter(p -> p.toString().endsWith(".sst")).findFirst().orElseThrow();
      Object linked = Files.getAttribute(sst, "unix:nlink");
      assertTrue(((Integer) linked) >= 2, sst + " has " + linked + " links");
    }
    try (StrataStore s = StrataStore.open(config(dir), new PrometheusRegistry())) {
      assertEquals(HOUR / STEP + 1, readRaw(s, "t", MIN, MAX).get(A).size(), "the store opens beside its snapshots directory");
    }
  }

  @Test
  void rangesMergeWhenTheyOverlapOrTouch() {
    assertArrayEquals(new long[] {1, 5}, Tombstones.plus(null, 1, 5));
    assertArrayEquals(new long[] {1, 5, 7, 9}, Tombstones.plus(new long[] {1, 5}, 7, 9));
    assertArrayEquals(new long[] {1, 9}, Tombstones.plus(new long[] {1, 5, 7, 9}, 6, 6));
    assertArrayEquals(new long[] {0, 5}, Tombstones.plus(new long[] {1, 5}, 0, 0));
    assertArrayEquals(new long[] {-1, -1, 1, 5}, Tombstones.plus(new long[] {1, 5}, -1, -1));
    assertArrayEquals(new long[] {-3, -2, 1, 5}, Tombstones.plus(new long[] {1, 5}, -3, -2));
    assertArrayEquals(new long[] {MIN, MAX}, Tombstones.plus(new long[] {1, 5, 10, 20}, MIN, MAX));
    assertTrue(Tombstones.hides(new long[] {10, 20}, 5, 6), "a window [6, 11) reaches into [10, 20]");
    assertFalse(Tombstones.hides(new long[] {10, 20}, 5, 5));
    assertFalse(Tombstones.hides(new long[] {10, 20}, 0, 21));
  }

  private static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true);
  }
}
