package io.strata.promql.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.strata.promql.storage.InMemoryStorage;
import io.strata.promql.storage.Queryable;
import io.strata.promql.storage.SelectHints;
import io.strata.promql.storage.SeriesData;
import io.strata.promql.storage.SeriesFunction;
import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.StaleMarker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The streamed selection ({@link Queryable#selectEach}): its default agrees with {@code select}, and a range
 * query streams exactly the selectors only a sliding range function of the range evaluator reads, with the
 * same results, per-step sample limit and order as when everything is selected up front.
 */
class StreamedSelectionTest {
  private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

  private static InMemoryStorage storage() {
    InMemoryStorage s = new InMemoryStorage();
    for (int i = 0; i < 6; i++) {
      Labels l = Labels.of("__name__", "requests_total", "job", "api", "instance", "i" + (5 - i));
      double v = 0;
      for (int k = 0; k < 240; k++) {
        // a reset every 70 samples, and a stale marker (the target went away for a while) in series 2
        v = k % 70 == 69 ? 1 : v + i + 1;
        s.add(l, T0 + k * 15_000L, i == 2 && k == 100 ? StaleMarker.VALUE : v);
      }
    }
    // a series with samples only long before the queries' ranges
    s.add(Labels.of("__name__", "requests_total", "job", "api", "instance", "old"), T0 - 86_400_000L, 3);
    return s;
  }

  /** Counts the plain and streamed selections, answering both from an in-memory store. */
  private static final class Recording implements Queryable {
    final InMemoryStorage in;
    final List<String> calls = new ArrayList<>();

    Recording(InMemoryStorage in) {
      this.in = in;
    }

    @Override
    public List<SeriesData> select(SelectHints hints, List<LabelMatcher> matchers) {
      calls.add("select " + hints.function());
      return in.select(hints, matchers);
    }

    @Override
    public <R> List<R> selectEach(SelectHints hints, List<LabelMatcher> matchers,
        Supplier<? extends SeriesFunction<? extends R>> functions) {
      calls.add("selectEach " + hints.function());
      List<R> out = new ArrayList<>();
      for (SeriesData d : in.select(hints, matchers)) {
        // a function must not keep the store's arrays: hand it copies and scribble over them afterwards
        long[] t = Arrays.copyOf(d.timestamps(), d.size());
        double[] v = Arrays.copyOf(d.values(), d.size());
        R r = functions.get().apply(new SeriesData(d.labels(), t, v, d.size()));
        Arrays.fill(t, -1);
        Arrays.fill(v, Double.NaN);
        if (r != null) {
          out.add(0, r); // and in the reverse order of the selection
        }
      }
      return out;
    }
  }

  @Test
  void defaultSelectEachAppliesTheFunctionToWhatSelectReturns() {
    InMemoryStorage s = storage();
    Queryable plain = s::select; // only select: selectEach is the interface's default
    SelectHints hints = new SelectHints(T0, T0 + 3_600_000, 60_000, "rate", 300_000);
    List<LabelMatcher> m = List.of(LabelMatcher.eq("__name__", "requests_total"));
    int[] functions = {0};
    List<String> got = plain.selectEach(hints, m, () -> {
      functions[0]++;
      return d -> d.labels().get("instance").equals("i0") ? null
          : d.labels() + " " + Arrays.toString(Arrays.copyOf(d.values(), d.size()));
    });
    List<String> want = new ArrayList<>();
    for (SeriesData d : s.select(hints, m)) {
      if (!d.labels().get("instance").equals("i0")) {
        want.add(d.labels() + " " + Arrays.toString(Arrays.copyOf(d.values(), d.size())));
      }
    }
    assertEquals(want, got);
    assertEquals(1, functions[0]);
  }

  @Test
  void rangeQueryStreamsOnlySelectorsReadBySlidingRangeFunctions() {
    assertCalls("sum by (job) (rate(requests_total[5m]))", "selectEach rate");
    assertCalls("quantile_over_time(0.9, requests_total[10m]) * 2", "selectEach quantile_over_time");
    // a vector/vector operator runs step by step, reading its children from the range evaluator
    assertCalls("rate(requests_total[5m]) / on (instance) requests_total", "select ", "selectEach rate");
    assertCalls("topk(2, last_over_time(requests_total[5m]))", "selectEach last_over_time");
    // read step by step: at subquery steps, by absent_over_time, or as an instant selector
    assertCalls("max_over_time(rate(requests_total[5m])[30m:1m])", "select rate");
    assertCalls("absent_over_time(requests_total[5m])", "select absent_over_time");
    assertCalls("sum(requests_total)", "select ");
  }

  private static void assertCalls(String query, String... want) {
    Recording r = new Recording(storage());
    new Engine().rangeQuery(r, query, T0, T0 + 3_600_000, 60_000);
    List<String> got = new ArrayList<>(r.calls);
    got.sort(null);
    assertEquals(List.of(want), got, query);
  }

  @Test
  void streamedRangeQueriesAnswerAsStepByStepEvaluation() {
    InMemoryStorage s = storage();
    for (String q : List.of("sum by (job) (rate(requests_total[5m]))", "increase(requests_total[10m])",
        "last_over_time(requests_total[2m])", "resets(requests_total[30m]) + changes(requests_total[30m])",
        "quantile_over_time(0.5, requests_total[10m] offset 5m)", "count_over_time(requests_total[1m] @ 1767227400)",
        "avg by (instance) (deriv(requests_total[5m]))")) {
      Matrix want = StepByStep.rangeQuery(new Engine(), s, io.strata.promql.PromQL.parse(q), T0, T0 + 3_600_000, 45_000);
      assertSame(want, new Engine().rangeQuery(new Recording(s), q, T0, T0 + 3_600_000, 45_000), q);
    }
  }

  @Test
  void streamedSelectorFailsTheSamePerStepSampleLimitAsStepByStep() {
    InMemoryStorage s = storage();
    String q = "sum(rate(requests_total[10m]))";
    // the smallest limit step-by-step evaluation passes with
    long lo = 1;
    long hi = 100_000;
    while (lo < hi) {
      long mid = (lo + hi) / 2;
      if (passes(() -> StepByStep.rangeQuery(new Engine(EngineOptions.DEFAULTS.withMaxSamples(mid)),
          s, io.strata.promql.PromQL.parse(q), T0, T0 + 3_600_000, 60_000))) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    long limit = lo;
    Recording ok = new Recording(s);
    new Engine(EngineOptions.DEFAULTS.withMaxSamples(limit)).rangeQuery(ok, q, T0, T0 + 3_600_000, 60_000);
    assertEquals(List.of("selectEach rate"), ok.calls);
    QueryExecutionException e = assertThrows(QueryExecutionException.class, () ->
        new Engine(EngineOptions.DEFAULTS.withMaxSamples(limit - 1)).rangeQuery(new Recording(s), q, T0, T0 + 3_600_000, 60_000));
    assertEquals("query processing would load too many samples into memory in query execution", e.getMessage());
    // far below: the guard on the samples selected stops the streamed selection itself
    Recording small = new Recording(s);
    assertThrows(QueryExecutionException.class, () ->
        new Engine(EngineOptions.DEFAULTS.withMaxSamples(10)).rangeQuery(small, q, T0, T0 + 3_600_000, 60_000));
    assertEquals(List.of("selectEach rate"), small.calls);
  }

  private static boolean passes(Runnable r) {
    try {
      r.run();
      return true;
    } catch (QueryExecutionException e) {
      return false;
    }
  }

  static void assertSame(Matrix want, Matrix got, String query) {
    assertEquals(want.series().size(), got.series().size(), query);
    for (int i = 0; i < want.series().size(); i++) {
      Series a = want.series().get(i);
      Series b = got.series().get(i);
      assertEquals(a.labels(), b.labels(), query);
      assertArrayEquals(a.timestamps(), b.timestamps(), query + " " + a.labels());
      long[] av = Arrays.stream(a.values()).mapToLong(Double::doubleToRawLongBits).toArray();
      long[] bv = Arrays.stream(b.values()).mapToLong(Double::doubleToRawLongBits).toArray();
      assertArrayEquals(av, bv, query + " " + a.labels());
    }
  }
}
