package io.strata.query.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.promql.engine.Engine;
import io.strata.promql.engine.EngineOptions;
import io.strata.promql.engine.Matrix;
import io.strata.promql.engine.QueryExecutionException;
import io.strata.promql.engine.QueryTimeoutException;
import io.strata.promql.engine.Series;
import io.strata.promql.storage.Queryable;
import io.strata.promql.storage.SelectHints;
import io.strata.promql.storage.SeriesData;
import io.strata.promql.storage.SeriesFunction;
import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.SampleSummary;
import io.strata.schemas.model.StaleMarker;
import io.strata.tsdb.Resolution;
import io.strata.tsdb.RollupPoint;
import io.strata.tsdb.Store;
import io.strata.tsdb.Stores;
import io.strata.tsdb.TsdbConfig;
import io.strata.tsdb.simple.SimpleStore;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link StoreQueryable#selectEach} (series streamed through the caller's function on the read pool) against
 * {@link StoreQueryable#select}: the same series and points, raw and over rollups, with stale markers, and
 * range queries that stream it give bit-identical results and fail the same limits. Over the TSDB engine
 * (bulk decoding) and the simple store (cursors), with more series than {@link SeriesReads#PARALLEL_FROM} so
 * the reads run in parallel tasks.
 */
class SelectEachTest {
  private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  private static final Resolution R5M = Resolution.parse("5m");
  private static final int SERIES = 96;
  private static final int SAMPLES = 6 * 240;
  private static final long END = T0 + 6 * 3_600_000L;
  private static final List<LabelMatcher> COUNTERS = List.of(LabelMatcher.eq("__name__", "requests_total"));

  private Store store;

  @AfterEach
  void close() throws Exception {
    store.close();
  }

  private void load(String kind) throws Exception {
    store = kind.equals("simple") ? new SimpleStore(Files.createTempDirectory("strata-select-each"))
        : Stores.open(TsdbConfig.defaults(Files.createTempDirectory("strata-select-each")).withBackgroundCompaction(false));
    for (int i = 0; i < SERIES; i++) {
      Labels l = Labels.of("__name__", "requests_total", "job", "api", "instance", "i" + i);
      double v = 0;
      long ws = -1;
      SampleSummary w = new SampleSummary();
      for (int k = 0; k < SAMPLES; k++) {
        long t = T0 + k * 15_000L + 7_000;
        v = (k + i) % 333 == 0 ? 2 : v + (i % 7) + 0.25 * (k % 3); // resets now and then
        // a stale marker (the target went away for a moment) in every fifth series
        boolean stale = i % 5 == 0 && k % 400 == 200;
        store.append("default", l, t, stale ? StaleMarker.VALUE : v);
        if (i % 4 == 3) {
          continue; // every fourth series was never rolled up
        }
        long start = t - Math.floorMod(t, R5M.millis());
        if (start != ws) {
          // the rollups end an hour before the raw data: the newest samples are read raw
          if (ws >= 0 && ws + R5M.millis() <= END - 3_600_000L && !w.isEmpty()) {
            store.appendRollup("default", l, R5M, new RollupPoint(ws, w.count, w.sum, w.min, w.max, w.last, 0, w.firstMs, w.first,
                w.lastMs, w.correction, w.resets, w.changes, true));
          }
          ws = start;
          w.clear();
        }
        w.add(t, stale ? StaleMarker.VALUE : v);
      }
      if (i % 10 == 0) {
        store.commit(Map.of());
      }
    }
    // only long before every range asked for below
    store.append("default", Labels.of("__name__", "requests_total", "job", "api", "instance", "gone"), T0 - 86_400_000L, 1);
    store.commit(Map.of());
    store.flush();
  }

  /** Each series' points as text, by labels; values and counts bit for bit. */
  private static Map<Labels, String> asText(List<SeriesData> series) {
    Map<Labels, String> out = new TreeMap<>();
    for (SeriesData d : series) {
      assertEquals(null, out.put(d.labels(), text(d)), "labels twice: " + d.labels());
    }
    return out;
  }

  private static String text(SeriesData d) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < d.size(); i++) {
      b.append(d.timestamps()[i]).append('=').append(Long.toHexString(Double.doubleToRawLongBits(d.values()[i])));
      b.append(' ');
    }
    return b.toString();
  }

  @ParameterizedTest
  @ValueSource(strings = {"tsdb", "simple"})
  void selectEachHandsEachFunctionTheSeriesSelectReturns(String kind) throws Exception {
    load(kind);
    for (Resolution res : List.of(Resolution.RAW, R5M)) {
      StoreQueryable q = new StoreQueryable(store, "default", res);
      for (String fn : List.of("rate", "sum_over_time", "count_over_time", "max_over_time", "quantile_over_time", "")) {
        SelectHints hints = new SelectHints(END - 3 * 3_600_000L, END, 60_000, fn, fn.isEmpty() ? 0 : 1_800_000);
        Map<Labels, String> want = asText(q.select(hints, COUNTERS));
        Set<Thread> functionsOn = ConcurrentHashMap.newKeySet();
        AtomicInteger tasks = new AtomicInteger();
        List<String[]> got = q.selectEach(hints, COUNTERS, () -> {
          tasks.incrementAndGet();
          // a task's function is called on one thread (the contract: one at a time)
          Thread[] on = new Thread[1];
          return d -> {
            if (on[0] == null) {
              on[0] = Thread.currentThread();
            }
            assertEquals(on[0], Thread.currentThread(), "one task, one thread");
            functionsOn.add(Thread.currentThread());
            return new String[] {d.labels().toString(), text(d)};
          };
        });
        Map<String, String> gotText = new TreeMap<>();
        for (String[] g : got) {
          assertEquals(null, gotText.put(g[0], g[1]), res + " " + fn + ": labels twice: " + g[0]);
        }
        Map<String, String> wantText = new TreeMap<>();
        want.forEach((l, t) -> wantText.put(l.toString(), t));
        assertEquals(wantText, gotText, res + " " + fn);
        assertEquals(SERIES, got.size(), "the series without samples in the range is left out");
        assertFalse(functionsOn.isEmpty());
        assertTrue(tasks.get() >= 2, "read in several tasks: " + tasks.get());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tsdb", "simple"})
  void selectEachReturnsOnlyNonNullResults(String kind) throws Exception {
    load(kind);
    StoreQueryable q = new StoreQueryable(store, "default", Resolution.RAW);
    SelectHints hints = new SelectHints(END - 3_600_000L, END, 60_000, "rate", 300_000);
    List<String> got = q.selectEach(hints, COUNTERS, () -> d -> d.labels().get("instance").endsWith("7") ? d.labels().get("instance") : null);
    got.sort(null);
    assertEquals(List.of("i17", "i27", "i37", "i47", "i57", "i67", "i7", "i77", "i87"), got);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tsdb", "simple"})
  void streamedRangeQueriesEqualSelectingUpFront(String kind) throws Exception {
    load(kind);
    for (Resolution res : List.of(Resolution.RAW, R5M)) {
      StoreQueryable q = new StoreQueryable(store, "default", res);
      Queryable upFront = q::select; // selectEach is then the interface's default: select, then the function
      for (String query : List.of("sum by (job) (rate(requests_total[10m]))", "increase(requests_total[30m])",
          "avg_over_time(requests_total[20m])", "count_over_time(requests_total[20m])",
          "max by (job) (max_over_time(requests_total[1h]))", "last_over_time(requests_total[5m])",
          "quantile_over_time(0.9, requests_total[10m])", "rate(requests_total[10m]) / on (instance) requests_total")) {
        Matrix want = new Engine().rangeQuery(upFront, query, END - 5 * 3_600_000L, END, 72_000);
        Matrix got = new Engine().rangeQuery(q, query, END - 5 * 3_600_000L, END, 72_000);
        if (res.isRaw()) {
          assertBitIdentical(want, got, res + " " + query);
        } else {
          // at a rollup resolution summarizable functions are computed from window summaries (avg = sum / count
          // instead of Prometheus's running mean): equal up to the order of floating-point operations
          assertClose(want, got, res + " " + query);
        }
        assertFalse(got.series().isEmpty(), query);
      }
    }
  }

  private static void assertClose(Matrix want, Matrix got, String what) {
    assertEquals(want.series().size(), got.series().size(), what);
    for (int i = 0; i < want.series().size(); i++) {
      Series a = want.series().get(i);
      Series b = got.series().get(i);
      assertEquals(a.labels(), b.labels(), what);
      assertArrayEquals(a.timestamps(), b.timestamps(), what);
      for (int j = 0; j < a.size(); j++) {
        double x = a.values()[j];
        double y = b.values()[j];
        assertTrue(Double.compare(x, y) == 0 || Math.abs(x - y) <= 1e-12 * Math.max(Math.abs(x), Math.abs(y)),
            what + " " + a.labels() + " at " + a.timestamps()[j] + ": " + x + " vs " + y);
      }
    }
  }

  private static void assertBitIdentical(Matrix want, Matrix got, String what) {
    assertEquals(want.series().size(), got.series().size(), what);
    for (int i = 0; i < want.series().size(); i++) {
      Series a = want.series().get(i);
      Series b = got.series().get(i);
      assertEquals(a.labels(), b.labels(), what);
      assertArrayEquals(a.timestamps(), b.timestamps(), what);
      assertArrayEquals(Arrays.stream(a.values()).mapToLong(Double::doubleToRawLongBits).toArray(),
          Arrays.stream(b.values()).mapToLong(Double::doubleToRawLongBits).toArray(), what + " " + a.labels());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tsdb", "simple"})
  void streamedSelectionFailsTheSampleLimitFromTheReadingThreads(String kind) throws Exception {
    load(kind);
    StoreQueryable q = new StoreQueryable(store, "default", Resolution.RAW);
    String query = "sum(rate(requests_total[1h]))";
    long start = END - 600_000L;
    // 96 series x 70 minutes = 26,880 samples selected, 96 x 240 = 23,040 in the windows of each step:
    // 100 trips the rough guard on selected samples (4 x the limit) while streaming, 10,000 only the per-step count
    for (long limit : new long[] {100, 10_000}) {
      EngineOptions opts = EngineOptions.DEFAULTS.withMaxSamples(limit);
      QueryExecutionException e = assertThrows(QueryExecutionException.class,
          () -> new Engine(opts).rangeQuery(q, query, start, END, 60_000));
      assertEquals("query processing would load too many samples into memory in query execution", e.getMessage());
      QueryExecutionException ref = assertThrows(QueryExecutionException.class,
          () -> new Engine(opts).rangeQuery((Queryable) q::select, query, start, END, 60_000));
      assertEquals(ref.getMessage(), e.getMessage());
    }
    assertNotNull(new Engine(EngineOptions.DEFAULTS.withMaxSamples(24_000)).rangeQuery(q, query, start, END, 60_000));
  }

  @ParameterizedTest
  @ValueSource(strings = {"tsdb", "simple"})
  void streamedSelectionTimesOutOnTheReadingThreads(String kind) throws Exception {
    load(kind);
    StoreQueryable q = new StoreQueryable(store, "default", Resolution.RAW);
    AtomicBoolean reached = new AtomicBoolean();
    // a store that is slow to start streaming: the deadline passes before the first series is handed on
    Queryable slow = new Queryable() {
      @Override
      public List<SeriesData> select(SelectHints hints, List<LabelMatcher> matchers) {
        return q.select(hints, matchers);
      }

      @Override
      public <R> List<R> selectEach(SelectHints hints, List<LabelMatcher> matchers,
          Supplier<? extends SeriesFunction<? extends R>> functions) {
        sleep(1_500);
        return q.selectEach(hints, matchers, () -> {
          SeriesFunction<? extends R> f = functions.get();
          return d -> {
            reached.set(true);
            return f.apply(d);
          };
        });
      }
    };
    QueryTimeoutException e = assertThrows(QueryTimeoutException.class,
        () -> new Engine(EngineOptions.DEFAULTS.withTimeoutMs(1_000)).rangeQuery(slow, "sum(rate(requests_total[10m]))", END - 3_600_000L, END, 60_000));
    assertEquals("query timed out in query execution", e.getMessage());
    assertTrue(reached.get(), "the timeout is seen while streaming");
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
