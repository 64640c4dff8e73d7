package io.strata.tsdb.engine;

import static io.strata.tsdb.engine.StoreFixtures.MAX;
import static io.strata.tsdb.engine.StoreFixtures.MIN;
import static io.strata.tsdb.engine.StoreFixtures.T0;
import static io.strata.tsdb.engine.StoreFixtures.config;
import static io.strata.tsdb.engine.StoreFixtures.counter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import io.strata.tsdb.AppendResult;
import io.strata.tsdb.Resolution;
import io.strata.tsdb.RollupPoint;
import io.strata.tsdb.Store;
import io.strata.tsdb.StoredSeries;
import io.strata.tsdb.TsdbConfig;
import io.strata.tsdb.WindowColumns;
import io.strata.tsdb.simple.SimpleStore;
import io.strata.tsdb.tools.Inspector;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exact rollup windows through the store: what readWindows and the cursors return, and the series' time
 * bounds, equal what was appended, in the head, after a commit, a reopen, compaction and retention.
 */
class ExactRollupStoreTest {
  static final Resolution R5 = Resolution.parse("5m");
  static final long RES = 300_000;

  @TempDir
  Path dir;

  /** An exact 5m window of a counter scraped every 15 s at a 7 s phase; {@code reset} adds a counter reset inside it. */
  static RollupPoint window(int i, boolean reset) {
    long s = T0 + i * RES;
    double first = 1000 + i * 25.0;
    double last = reset ? 12.5 : first + 19 * 1.25;
    return new RollupPoint(s, 20, 20 * first, reset ? 0.5 : first, reset ? first + 10 : last, last, 0.0, s + 7_000, first, s + 292_000,
        reset ? first + 10 : 0.0, reset ? 1 : 0, 19, true);
  }

  /** Ten hours of windows: a missed one, a reset, replayed legacy windows, a huge count, one late out-of-order window. */
  static TreeMap<Long, RollupPoint> append(Store s, Labels l, int from, int to, TreeMap<Long, RollupPoint> expect) {
    for (int i = from; i < to; i++) {
      RollupPoint p;
      if (i == 30 || i == 118) {
        continue; // 30: a missed window; 118: comes late, below
      } else if (i >= 80 && i < 85) {
        p = new RollupPoint(T0 + i * RES, 20, 1, 1, 1, 1, 1000 + i); // replayed from the old stage: legacy
      } else if (i == 90) {
        RollupPoint w = window(i, false);
        p = new RollupPoint(w.windowStartMs(), 1L << 50, w.sum(), w.min(), w.max(), w.last(), 0.0, w.firstMs() + 3, Double.NaN, w.lastMs() - 2, 0.0, 0,
            (1L << 50) - 1, true);
      } else {
        p = window(i, i == 50);
      }
      assertEquals(AppendResult.APPENDED, s.appendRollup("t", l, R5, p), "window " + i);
      expect.put(p.windowStartMs(), p);
    }
    if (from <= 118 && to > 119) {
      RollupPoint late = window(118, false);
      assertEquals(AppendResult.APPENDED, s.appendRollup("t", l, R5, late), "out of order inside the window");
      expect.put(late.windowStartMs(), late);
    }
    return expect;
  }

  static StoredSeries one(Store s, Resolution res, long mint, long maxt, Labels l) {
    List<StoredSeries> ss = s.selectLazy("t", res, mint, maxt, List.of(LabelMatcher.of(LabelMatcher.Type.EQ, "__name__", l.get("__name__"))));
    assertEquals(1, ss.size(), l.toString());
    return ss.get(0);
  }

  /** Every read agrees with what was appended: cursor, one-column bulk reads, whole windows, bounds. */
  static void check(Store s, Labels l, TreeMap<Long, RollupPoint> expect, String when) {
    List<RollupPoint> got = StoreFixtures.readRollups(s, "t", R5, MIN, MAX, LabelMatcher.of(LabelMatcher.Type.EQ, "__name__", l.get("__name__")));
    assertEquals(expect.size(), got.size(), when);
    int i = 0;
    for (RollupPoint p : expect.values()) {
      assertTrue(p.sameBits(got.get(i)), when + ": window " + i + " expected " + p + ", got " + got.get(i));
      i++;
    }
    StoredSeries ss = one(s, R5, MIN, MAX, l);
    assertEquals(expect.firstKey(), ss.minTime(), when + ": minTime");
    assertEquals(expect.lastKey(), ss.maxTime(), when + ": maxTime");
    // a part of the range, appended after what the columns already hold; the bounds stay the whole store's
    long from = T0 + 40 * RES;
    long to = T0 + 100 * RES;
    StoredSeries part = one(s, R5, from - RES, to + RES, l);
    assertEquals(expect.firstKey(), part.minTime(), when + ": minTime of a narrower select");
    assertEquals(expect.lastKey(), part.maxTime(), when + ": maxTime of a narrower select");
    WindowColumns cols = new WindowColumns(2);
    cols.add(window(0, false));
    int n = part.readWindows(from, to, cols);
    var sub = expect.subMap(from, true, to, true);
    assertEquals(sub.size(), n, when);
    int j = 1;
    for (RollupPoint p : sub.values()) {
      RollupPoint q = cols.point(j++);
      assertTrue(StoreFixtures.windowOf(p).sameBits(q), when + ": " + p + " vs " + q);
    }
    assertEquals(0, one(s, Resolution.RAW, MIN, MAX, l).readWindows(MIN, MAX, new WindowColumns(1)), "a raw selection has no windows");
  }

  @Test
  void exactWindowsRoundTripThroughHeadCommitReopenAndCompaction() throws Exception {
    Labels l = counter("http_requests_total");
    TreeMap<Long, RollupPoint> expect = new TreeMap<>();
    try (StrataStore s = StrataStore.open(config(dir), new PrometheusRegistry())) {
      s.append("t", l, T0, 1); // a raw sample, so the raw selection exists
      append(s, l, 0, 100, expect);
      check(s, l, expect, "in the head");
      s.commit(Map.of("metrics.rollup.5m/0", 100L));
      check(s, l, expect, "committed");
      append(s, l, 100, 120, expect); // in the head only, out-of-order window 118 included
      check(s, l, expect, "committed and in the head");
      assertEquals(T0 + 119 * RES, one(s, R5, MIN, MAX, l).maxTime(), "maxTime includes windows not persisted yet");
      redeliveries(s, l, expect, "head");
    }
    try (StrataStore s = StrataStore.open(config(dir), new PrometheusRegistry())) {
      check(s, l, expect, "reopened");
      redeliveries(s, l, expect, "persisted");
      s.compact();
      check(s, l, expect, "compacted (sealed groups)");
      s.flush();
      check(s, l, expect, "flushed (every group compacted)");
      redeliveries(s, l, expect, "compacted");
    }
    try (StrataStore s = StrataStore.open(config(dir), new PrometheusRegistry())) {
      check(s, l, expect, "reopened after compaction");
    }
    var report = Inspector.inspect(dir, new PrintStream(new ByteArrayOutputStream(), true));
    assertTrue(report.ok(), report.errors().toString());
    assertEquals(expect.size() + 1, report.samples(), "every window and the raw sample decode in the inspector");
  }

  /** Re-delivered windows are DUPLICATE; a window that differs in any field, exact flag and NaN payload included, is CONFLICTING_VALUE. */
  private static void redeliveries(Store s, Labels l, TreeMap<Long, RollupPoint> expect, String where) {
    for (RollupPoint p : List.of(expect.firstEntry().getValue(), expect.get(T0 + 50 * RES), expect.get(T0 + 82 * RES), expect.get(T0 + 90 * RES),
        expect.lastEntry().getValue())) {
      assertEquals(AppendResult.DUPLICATE, s.appendRollup("t", l, R5, p), where + ": " + p);
    }
    RollupPoint p = expect.get(T0 + 50 * RES);
    List<RollupPoint> others = new ArrayList<>();
    others.add(new RollupPoint(p.windowStartMs(), p.count(), p.sum(), p.min(), p.max(), p.last(), p.counter(), p.firstMs(), p.first(), p.lastMs(),
        p.correction(), p.resets(), p.changes() + 1, true));
    others.add(new RollupPoint(p.windowStartMs(), p.count(), p.sum(), p.min(), p.max(), p.last(), p.counter(), p.firstMs(), p.first(), p.lastMs(),
        p.correction(), p.resets(), p.changes(), false));
    others.add(new RollupPoint(p.windowStartMs(), p.count(), p.sum(), p.min(), p.max(), p.last(), p.counter(), p.firstMs() + 1, p.first(), p.lastMs(),
        p.correction(), p.resets(), p.changes(), true));
    others.add(new RollupPoint(p.windowStartMs(), p.count(), p.sum(), p.min(), p.max(), p.last(), p.counter(), p.firstMs(), p.first(), p.lastMs(),
        Math.nextUp(p.correction()), p.resets(), p.changes(), true));
    RollupPoint nan = expect.get(T0 + 90 * RES); // its first is NaN: a stale marker there is another value
    others.add(new RollupPoint(nan.windowStartMs(), nan.count(), nan.sum(), nan.min(), nan.max(), nan.last(), nan.counter(), nan.firstMs(),
        Double.longBitsToDouble(0x7ff0000000000002L), nan.lastMs(), nan.correction(), nan.resets(), nan.changes(), true));
    for (RollupPoint o : others) {
      assertEquals(AppendResult.CONFLICTING_VALUE, s.appendRollup("t", l, R5, o), where + ": " + o);
    }
  }

  @Test
  void timeBoundsFollowRetentionAndRestart() throws Exception {
    TsdbConfig cfg = config(dir).withRetention(Map.of("raw", Duration.ofHours(3), "5m", Duration.ofHours(3)));
    Labels a = counter("a_total");
    Labels b = counter("b_total");
    TreeMap<Long, RollupPoint> expect = new TreeMap<>();
    long newestRaw;
    try (StrataStore s = StrataStore.open(cfg, new PrometheusRegistry())) {
      append(s, a, 0, 120, expect);
      for (int i = 0; i < 24; i++) { // b: its first 2 h only, all older than the retention
        s.appendRollup("t", b, R5, window(i, false));
      }
      for (int i = 0; i < 600; i++) {
        s.append("t", a, T0 + i * 60_000L, i);
      }
      newestRaw = T0 + 599 * 60_000L;
      s.commit(Map.of());
      StoredSeries before = one(s, R5, MIN, MAX, b);
      assertEquals(T0, before.minTime());
      s.flush(); // retention, then compaction
      boundsAfterRetention(s, a, b, expect, newestRaw, "after retention");
    }
    try (StrataStore s = StrataStore.open(cfg, new PrometheusRegistry())) {
      boundsAfterRetention(s, a, b, expect, newestRaw, "reopened");
    }
  }

  private static void boundsAfterRetention(Store s, Labels a, Labels b, TreeMap<Long, RollupPoint> appended, long newestRaw, String when) {
    StoredSeries ra = one(s, R5, MIN, MAX, a);
    WindowColumns cols = new WindowColumns(1);
    int n = ra.readWindows(MIN, MAX, cols);
    assertTrue(n > 0 && n < appended.size(), when + ": retention dropped the oldest windows, " + n + " left");
    assertTrue(cols.starts()[0] > T0, when);
    assertEquals(cols.starts()[0], ra.minTime(), when + ": minTime is the first window left");
    assertEquals(appended.lastKey(), ra.maxTime(), when + ": maxTime");
    assertEquals(appended.tailMap(cols.starts()[0], true).size(), n, when + ": every window after the first kept one is there");
    StoredSeries raw = one(s, Resolution.RAW, MIN, MAX, a);
    io.strata.tsdb.SampleColumns sc = new io.strata.tsdb.SampleColumns(1, false);
    raw.readSamples(MIN, MAX, sc);
    assertEquals(sc.timestamps()[0], raw.minTime(), when + ": raw minTime is the first sample left");
    assertEquals(newestRaw, raw.maxTime(), when + ": raw maxTime");
    List<StoredSeries> gone = s.selectLazy("t", R5, MIN, MAX, List.of(LabelMatcher.of(LabelMatcher.Type.EQ, "__name__", "b_total")));
    for (StoredSeries g : gone) {
      assertEquals(Long.MAX_VALUE, g.minTime(), when + ": a series whose windows all fell out of retention has no bounds");
      assertEquals(Long.MIN_VALUE, g.maxTime(), when);
    }
    assertTrue(gone.isEmpty(), when + ": nothing of b is left to select");
  }

  @Test
  void theReferenceStoreReadsWholeWindowsAndBoundsToo() throws Exception {
    Labels l = counter("c_total");
    TreeMap<Long, RollupPoint> expect = new TreeMap<>();
    try (SimpleStore s = new SimpleStore(dir)) {
      append(s, l, 0, 120, expect);
      s.append("t", l, T0 + 5, 1);
      s.append("t", l, T0 + 500, 2);
      check(s, l, expect, "simple store");
      redeliveries(s, l, expect, "simple store");
      s.commit(Map.of());
    }
    try (SimpleStore s = new SimpleStore(dir)) {
      check(s, l, expect, "simple store replayed from its log");
      StoredSeries raw = one(s, Resolution.RAW, T0 + 400, T0 + 600, l);
      assertEquals(T0 + 5, raw.minTime());
      assertEquals(T0 + 500, raw.maxTime());
    }
    assertFalse(expect.isEmpty());
  }
}
