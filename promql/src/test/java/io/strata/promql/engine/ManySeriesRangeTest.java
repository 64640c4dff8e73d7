package io.strata.promql.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.promql.PromQL;
import io.strata.promql.storage.InMemoryStorage;
import io.strata.promql.storage.Queryable;
import io.strata.promql.storage.SelectHints;
import io.strata.promql.storage.SeriesData;
import io.strata.promql.storage.SeriesFunction;
import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Range queries over hundreds of series read the way a store with a pool of reading threads hands them out
 * ({@link Queryable#selectEach} on several threads, one function per share of the series), in each of the
 * ways a store may split them: contiguous shares of the sorted series (the TSDB), interleaved shares,
 * shuffled series. Every answer must be the step-by-step evaluator's over an in-memory store, bit for bit:
 * same series in the same order, same timestamps, same values (the order of each sum included).
 */
class ManySeriesRangeTest {
  private static final Engine ENGINE = new Engine();
  private static final ExecutorService READERS = Executors.newFixedThreadPool(3);
  private static final long HOUR = 3_600_000L;
  private static final InMemoryStorage DATA = data();

  @AfterAll
  static void stopReaders() {
    READERS.shutdownNow();
  }

  /** 10 instances x (8 cpus x 4 modes) counters, 10 x 6 gauges, plus two metrics that differ only by name. */
  private static InMemoryStorage data() {
    InMemoryStorage s = new InMemoryStorage();
    Random r = new Random(42);
    String[] modes = {"idle", "system", "user", "iowait"};
    for (int inst = 0; inst < 10; inst++) {
      String instance = "host-" + inst;
      for (int cpu = 0; cpu < 8; cpu++) {
        for (String mode : modes) {
          Labels l = Labels.of("__name__", "cpu_seconds_total", "job", inst % 3 == 0 ? "db" : "web", "instance", instance,
              "cpu", Integer.toString(cpu), "mode", mode);
          // some series start late, some have a gap of 40 minutes, one in 7 restarts
          int first = (inst * 8 + cpu) % 5 == 0 ? 1200 : 0;
          boolean gap = (cpu + inst) % 6 == 0;
          double v = r.nextInt(1000);
          for (int k = first; k <= 12 * 240; k++) {
            if (gap && k >= 1000 && k < 1160) {
              continue;
            }
            v = k % 700 == 300 && cpu % 7 == 0 ? r.nextInt(10) : v + r.nextInt(1500) / 100.0;
            s.add(l, k * 15_000L + inst * 100, v);
          }
        }
      }
      for (int sensor = 0; sensor < 6; sensor++) {
        Labels l = Labels.of("__name__", "temp_celsius", "job", "node", "instance", instance, "sensor", "t" + sensor);
        for (int k = 0; k <= 12 * 240; k++) {
          double v = 40 + r.nextGaussian() * 5;
          if (sensor == 5 && k % 97 == 0) {
            v = Double.NaN;
          } else if (sensor == 4 && k == 1500) {
            v = Double.POSITIVE_INFINITY;
          }
          s.add(l, k * 15_000L, v);
        }
      }
      // same labels once the name is dropped: a_total until 4 h, b_total from 5 h (never in one 5m window)
      for (int k = 0; k <= 12 * 240; k += 2) {
        if (k >= 4 * 240 && k < 5 * 240) {
          continue;
        }
        String name = k < 4 * 240 ? "a_total" : "b_total";
        s.add(Labels.of("__name__", name, "instance", instance), k * 15_000L, k * 0.5 + inst);
      }
    }
    return s;
  }

  /** How the store splits the series among its reading threads. */
  private enum Split { CONTIGUOUS, INTERLEAVED, SHUFFLED }

  /** {@link #DATA} handed out on {@link #READERS}, sorted by labels, in 7 shares split as {@code split} says. */
  private record Pooled(Split split) implements Queryable {
    @Override
    public List<SeriesData> select(SelectHints hints, List<LabelMatcher> matchers) {
      return DATA.select(hints, matchers);
    }

    @Override
    public <R> List<R> selectEach(SelectHints hints, List<LabelMatcher> matchers,
        Supplier<? extends SeriesFunction<? extends R>> functions) {
      List<SeriesData> items = new ArrayList<>(DATA.select(hints, matchers));
      if (split == Split.SHUFFLED) {
        Collections.shuffle(items, new Random(items.size()));
      }
      int tasks = 7;
      List<Future<List<R>>> parts = new ArrayList<>();
      for (int t = 0; t < tasks; t++) {
        int task = t;
        parts.add(READERS.submit(() -> {
          SeriesFunction<? extends R> f = functions.get();
          List<R> out = new ArrayList<>();
          for (int i = 0; i < items.size(); i++) {
            boolean mine = split == Split.INTERLEAVED ? i % tasks == task
                : i >= items.size() * task / tasks && i < items.size() * (task + 1) / tasks;
            if (mine) {
              R r = f.apply(items.get(i));
              if (r != null) {
                out.add(r);
              }
            }
          }
          return out;
        }));
      }
      List<R> out = new ArrayList<>();
      for (int t = tasks - 1; t >= 0; t--) {
        try {
          out.addAll(parts.get(t).get());
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
      return out;
    }
  }

  private static void check(String q, long start, long end, long step) {
    Matrix want = StepByStep.rangeQuery(ENGINE, DATA, PromQL.parse(q), start, end, step);
    for (Split split : Split.values()) {
      Matrix got = ENGINE.rangeQuery(new Pooled(split), q, start, end, step);
      RangeEvaluationTest.assertSame(want, got);
    }
    // and the plain in-memory store (one pass on the calling thread)
    RangeEvaluationTest.assertSame(want, ENGINE.rangeQuery(DATA, q, start, end, step));
  }

  @Test
  void aggregationsOverRangeFunctionsOfManySeriesMatchTheStepByStepAnswer() {
    for (String q : List.of(
        "sum by (instance) (rate(cpu_seconds_total[1h]))",
        "sum(rate(cpu_seconds_total[5m]))",
        "sum without (cpu) (increase(cpu_seconds_total[10m]))",
        "max(max_over_time(temp_celsius[1h]))",
        "min by (sensor) (min_over_time(temp_celsius[20m]))",
        "max by (job) (rate(cpu_seconds_total[5m]))",
        "avg by (mode) (rate(cpu_seconds_total[5m]))",
        "count by (job) (rate(cpu_seconds_total[5m]))",
        "group by (instance) (rate(cpu_seconds_total[5m]))",
        "stddev by (instance) (avg_over_time(temp_celsius[15m]))",
        "stdvar(delta(temp_celsius[15m]))",
        "sum by (instance) (last_over_time(temp_celsius[5m]))",
        "sum(rate({__name__=~\"a_total|b_total\"}[5m]))",
        "rate({__name__=~\"a_total|b_total\"}[5m])",
        "rate(cpu_seconds_total[5m])")) {
      check(q, 2 * HOUR, 12 * HOUR, 60_000);
    }
  }

  @Test
  void anAggregationOverMoreCellsThanOneBlockMatchesTheStepByStepAnswer() {
    // 320 groups x 3,601 steps: more than AggregationSteps.BLOCK_CELLS, so the steps are folded in blocks
    assertTrue(320L * 3_601 > AggregationSteps.BLOCK_CELLS);
    check("sum without (job) (rate(cpu_seconds_total[5m]))", 0, 12 * HOUR, 12_000);
    check("max by (instance, cpu, mode) (irate(cpu_seconds_total[1m]))", 0, 12 * HOUR, 12_000);
  }

  @Test
  void seriesThatShareLabelsOnceTheirNameIsDroppedStillMergeOrFail() {
    // a_total and b_total never have a value at the same step: one series each per instance
    Matrix m = ENGINE.rangeQuery(new Pooled(Split.CONTIGUOUS), "rate({__name__=~\"a_total|b_total\"}[5m])",
        0, 12 * HOUR, 60_000);
    assertEquals(10, m.series().size());
    // a window of 2 h holds samples of both at the switch-over: the same label set twice at one step
    QueryExecutionException e = assertThrows(QueryExecutionException.class,
        () -> ENGINE.rangeQuery(new Pooled(Split.INTERLEAVED), "rate({__name__=~\"a_total|b_total\"}[2h])",
            0, 12 * HOUR, 60_000));
    assertEquals("vector cannot contain metrics with the same labelset", e.getMessage());
  }
}
