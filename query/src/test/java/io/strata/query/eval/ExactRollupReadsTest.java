package io.strata.query.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.strata.promql.engine.Engine;
import io.strata.promql.engine.Matrix;
import io.strata.promql.engine.Series;
import io.strata.promql.storage.Queryable;
import io.strata.promql.storage.SelectHints;
import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.SampleSummary;
import io.strata.schemas.model.StaleMarker;
import io.strata.tsdb.Resolution;
import io.strata.tsdb.RollupPoint;
import io.strata.tsdb.Store;
import io.strata.tsdb.Stores;
import io.strata.tsdb.TsdbConfig;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Answers from rollups equal answers from raw samples (relative 1e-9: sums are added in another order), for
 * every function that reads rollups, at any range, step and alignment. The rollups are built here by the
 * rollup stage's rule: a window is emitted once the series' newest sample is more than the out-of-order
 * window past its end, so each series' newest minutes are never rolled up and are read raw. Series: counters
 * with resets, gauges with NaN, stale markers and gaps, scrapes on exact multiples of 15 s (samples on window
 * edges) and jittered ones, a series whose rollups began later than its raw data, one with legacy windows,
 * one never rolled up.
 */
class ExactRollupReadsTest {
  private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  private static final long HOURS = 8;
  private static final long END = T0 + HOURS * 3_600_000;
  private static final long OOO_WINDOW = 600_000;
  private static final List<Resolution> RESOLUTIONS = List.of(Resolution.parse("1m"), Resolution.parse("5m"), Resolution.parse("1h"));
  private static final Engine ENGINE = new Engine();
  private static Store store;

  @BeforeAll
  static void load() throws Exception {
    store = Stores.open(TsdbConfig.defaults(Files.createTempDirectory("strata-exact-rollups")).withBackgroundCompaction(false));
    SplittableRandom rnd = new SplittableRandom(11);
    for (int i = 0; i < 12; i++) {
      String kind = i % 3 == 0 ? "counter" : i % 3 == 1 ? "gauge" : "bucket";
      Labels l = kind.equals("bucket")
          ? Labels.of("__name__", "latency_bucket", "le", List.of("0.1", "1", "+Inf").get(i % 9 / 3), "instance", "i" + i / 9)
          : Labels.of("__name__", kind.equals("counter") ? "requests_total" : "queue_length", "instance", "i" + i);
      boolean aligned = i % 2 == 0;
      TreeMap<Long, Double> samples = new TreeMap<>();
      double v = rnd.nextInt(100);
      long t = T0 + (aligned ? 0 : rnd.nextInt(15_000));
      while (t < END) {
        double value;
        if (kind.equals("gauge")) {
          int r = rnd.nextInt(100);
          value = r == 0 ? Double.NaN : r == 1 ? StaleMarker.VALUE : rnd.nextInt(1000) / 8.0 - 30;
        } else {
          v = rnd.nextInt(400) == 0 ? rnd.nextInt(3) : v + rnd.nextInt(40) / 4.0; // occasional resets
          value = v;
        }
        samples.put(t, value);
        // a gap of a few minutes now and then; scrape jitter unless aligned
        t += rnd.nextInt(150) == 0 ? 60_000L * (2 + rnd.nextInt(20)) : 15_000L + (aligned ? 0 : rnd.nextInt(2_000) - 1_000);
      }
      for (Map.Entry<Long, Double> e : samples.entrySet()) {
        store.append("default", l, e.getKey(), e.getValue());
      }
      long rollupsFrom = i == 4 ? T0 + 3 * 3_600_000 : Long.MIN_VALUE; // the rollup stage started late for this one
      if (i != 7) { // never rolled up
        for (Resolution res : RESOLUTIONS) {
          rollUp(l, res, samples, rollupsFrom);
        }
      }
    }
    // legacy windows (no first/last samples): that series is read raw wherever one lies in the range
    Labels legacy = Labels.of("__name__", "requests_total", "instance", "legacy");
    for (long t = T0, v = 0; t < END; t += 15_000, v += 3) {
      store.append("default", legacy, t, v);
    }
    for (Resolution res : RESOLUTIONS) {
      for (long s = T0; s + res.millis() <= END - OOO_WINDOW; s += res.millis()) {
        store.appendRollup("default", legacy, res, new RollupPoint(s, 1, 1, 1, 1, 1, 1));
      }
    }
    store.commit(Map.of());
  }

  /** The rollup stage's windows of one series: final ones only (end <= newest sample - out-of-order window). */
  private static void rollUp(Labels l, Resolution res, TreeMap<Long, Double> samples, long from) {
    long finalUntil = samples.lastKey() - OOO_WINDOW;
    long r = res.millis();
    SampleSummary w = new SampleSummary();
    long windowStart = Long.MIN_VALUE;
    for (Map.Entry<Long, Double> e : samples.entrySet()) {
      long s = Math.floorDiv(e.getKey(), r) * r;
      if (s < from || s + r > finalUntil) {
        continue;
      }
      if (s != windowStart) {
        emit(l, res, windowStart, w);
        w.clear();
        windowStart = s;
      }
      w.add(e.getKey(), e.getValue());
    }
    emit(l, res, windowStart, w);
  }

  private static void emit(Labels l, Resolution res, long start, SampleSummary w) {
    if (w.isEmpty()) {
      return;
    }
    store.appendRollup("default", l, res, new RollupPoint(start, w.count, w.sum, w.min, w.max, w.last, 0, w.firstMs, w.first,
        w.lastMs, w.correction, w.resets, w.changes, true));
  }

  @AfterAll
  static void close() throws Exception {
    store.close();
  }

  @Test
  void everyRollupFunctionEqualsRawAtAnyStep() {
    SplittableRandom rnd = new SplittableRandom(5);
    String[] fns = Queryable.SUMMARIZABLE.toArray(String[]::new);
    int queries = 0;
    for (Resolution res : RESOLUTIONS) {
      long r = res.millis();
      for (int q = 0; q < 60; q++) {
        String fn = fns[rnd.nextInt(fns.length)];
        long range = r * (2 + rnd.nextInt(6)) + (rnd.nextBoolean() ? 0 : rnd.nextInt((int) r));
        long step = rnd.nextBoolean() ? r : 15_000L * (1 + rnd.nextInt(40));
        long start = T0 + rnd.nextLong(HOURS * 3_600_000 / 2);
        if (rnd.nextBoolean()) {
          start -= start % step; // Grafana aligns the range to the step
        }
        long end = Math.min(END + 600_000, start + step * (10 + rnd.nextInt(200)));
        String expr = fn + "({__name__=~\"requests_total|queue_length|latency_bucket\"}[" + range / 1000 + "s])";
        compare(expr, res, start, end, step);
        queries++;
      }
      compare("histogram_quantile(0.9, sum by (le) (rate(latency_bucket[" + 4 * r / 1000 + "s])))", res, T0 + 3_600_000, END, r);
      compare("sum by (instance) (increase(requests_total[" + 3 * r / 1000 + "s] offset 7m))", res, T0 + 3_600_000, END, r);
      compare("max_over_time(queue_length[" + 2 * r / 1000 + "s] @ " + (T0 + 2 * 3_600_000) / 1000 + ")", res, T0, END, r);
    }
    assertTrue(queries > 100);
  }

  @Test
  void theNewestMinutesAreReadRawAndTheRestFromWindows() {
    Resolution res = Resolution.parse("5m");
    StoreQueryable q = new StoreQueryable(store, "default", res);
    long[] refs = {END - 3_600_000, END};
    AtomicInteger series = new AtomicInteger();
    List<Object> got = q.summarizeEach(new SelectHints(END - 2 * 3_600_000, END, 0, "rate", 3_600_000),
        List.of(LabelMatcher.eq("__name__", "requests_total")), refs, 3_600_000, () -> s -> {
          series.incrementAndGet();
          return s.labels();
        });
    assertNotNull(got, "5m rollups answer rate over 1h");
    assertTrue(series.get() >= 4);
    assertNull(new StoreQueryable(store, "default", Resolution.RAW).summarizeEach(new SelectHints(0, END, 0, "rate", 3_600_000),
        List.of(LabelMatcher.eq("__name__", "requests_total")), refs, 3_600_000, () -> s -> s), "raw reads samples");
    assertNull(q.summarizeEach(new SelectHints(0, END, 0, "rate", 300_000), List.of(LabelMatcher.eq("__name__", "requests_total")),
        refs, 300_000, () -> s -> s), "a range of one window reads raw");
  }

  @Test
  void aRangeOfUnfinishedRollupsIsExactAndSaysItWasReadRaw() {
    Resolution res = Resolution.parse("5m");
    // the last 10 minutes: the final windows end 10 m (+ up to a window) before the data does; all of it is read raw
    StoreQueryable lagging = new StoreQueryable(store, "default", res);
    ENGINE.rangeQuery(lagging, "rate(requests_total[10m])", END - 600_000, END, 15_000);
    assertNotNull(lagging.rollupLagWarning());
    assertTrue(lagging.rollupLagWarning().startsWith("rollups at 5m are not final for most of this range"), lagging.rollupLagWarning());
    // six hours in the middle: windows throughout
    StoreQueryable caughtUp = new StoreQueryable(store, "default", res);
    ENGINE.rangeQuery(caughtUp, "rate(requests_total[30m])", T0 + 3_600_000, END - 3_600_000, 300_000);
    assertNull(caughtUp.rollupLagWarning());
  }

  private static void compare(String expr, Resolution res, long start, long end, long step) {
    Matrix want = ENGINE.rangeQuery(new StoreQueryable(store, "default", Resolution.RAW), expr, start, end, step);
    Matrix got = ENGINE.rangeQuery(new StoreQueryable(store, "default", res), expr, start, end, step);
    String what = expr + " at " + res.name() + " from " + start + " to " + end + " step " + step;
    assertEquals(want.series().size(), got.series().size(), () -> what + ": series\nwant " + want + "\ngot  " + got);
    for (int i = 0; i < want.series().size(); i++) {
      Series w = want.series().get(i);
      Series g = got.series().get(i);
      assertEquals(w.labels(), g.labels(), what);
      assertEquals(w.size(), g.size(), () -> what + ": points of " + w.labels() + "\nwant " + w + "\ngot  " + g);
      for (int j = 0; j < w.size(); j++) {
        assertEquals(w.timestamps()[j], g.timestamps()[j], what);
        double a = w.values()[j];
        double b = g.values()[j];
        boolean same = Double.isNaN(a) ? Double.isNaN(b)
            : Double.isInfinite(a) ? a == b
            : Math.abs(a - b) <= 1e-9 * Math.max(1, Math.max(Math.abs(a), Math.abs(b)));
        if (!same) {
          fail(what + " at " + w.timestamps()[j] + " of " + w.labels() + ": raw " + a + ", rollups " + b);
        }
      }
    }
  }
}
