package io.strata.query.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.promql.engine.Engine;
import io.strata.promql.engine.Sample;
import io.strata.promql.engine.Vector;
import io.strata.schemas.model.Labels;
import io.strata.tsdb.Resolution;
import io.strata.tsdb.RollupPoint;
import io.strata.tsdb.simple.SimpleStore;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Queries over 5m rollups against the same queries over the raw samples the rollups were computed from
 * (by the straightforward reference below): the *_over_time aggregates agree exactly, rate and increase
 * within the precision the windows leave, plain selectors exactly at window boundaries; the newest raw
 * samples, not rolled up yet, are read too.
 */
class RollupReadsTest {
  private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  private static final Resolution R5M = Resolution.parse("5m");
  private static final long HOURS = 6;
  /** Rollups stop 20 minutes before the raw data ends: the rollup job has not closed those windows yet. */
  private static final long ROLLED_UP_UNTIL = T0 + HOURS * 3_600_000 - 20 * 60_000;
  private static final long END = T0 + HOURS * 3_600_000;

  private SimpleStore store;
  private final Engine engine = new Engine();
  private final Map<Labels, Double> maxWindowIncrease = new HashMap<>();

  @BeforeEach
  void load() throws Exception {
    store = new SimpleStore(Files.createTempDirectory("strata-rollup-reads"));
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < 4; i++) {
      // scrapes 7 s after each 15 s boundary, as a target whose scrape offset is not 0
      Labels counter = Labels.of("__name__", "requests_total", "instance", "i" + i);
      Labels gauge = Labels.of("__name__", "queue_length", "instance", "i" + i);
      long[] t = new long[(int) (HOURS * 240)];
      double[] c = new double[t.length];
      double[] g = new double[t.length];
      double v = 100 * i;
      for (int k = 0; k < t.length; k++) {
        t[k] = T0 + k * 15_000L + 7_000;
        v = rnd.nextInt(500) == 0 ? rnd.nextInt(5) : v + rnd.nextInt(20 + 10 * i); // occasional resets
        c[k] = v;
        g[k] = rnd.nextInt(1000) - 300; // integers: sums are exact in any order
        store.append("default", counter, t[k], c[k]);
        store.append("default", gauge, t[k], g[k]);
      }
      rollUp(counter, t, c);
      rollUp(gauge, t, g);
      if (i == 0) {
        // the same gauge once more, rolled up only for its last three hours, and once never
        Labels late = Labels.of("__name__", "queue_length", "instance", "late");
        Labels never = Labels.of("__name__", "queue_length", "instance", "never");
        for (int k = 0; k < t.length; k++) {
          store.append("default", late, t[k], g[k]);
          store.append("default", never, t[k], g[k]);
        }
        rollUp(late, t, g, T0 + 3 * 3_600_000);
      }
    }
  }

  @AfterEach
  void close() throws Exception {
    store.close();
  }

  /** The reference: one window per 5 minutes with count, sum, min, max, last and the reset-adjusted counter. */
  private void rollUp(Labels labels, long[] t, double[] v) {
    rollUp(labels, t, v, 0);
  }

  /** Rolls up the windows that start at or after {@code from} (the rollup job started later than the data). */
  private void rollUp(Labels labels, long[] t, double[] v, long from) {
    double offset = 0;
    double maxIncrease = 0;
    int k = 0;
    double prev = Double.NaN;
    double windowFirstAdjusted = Double.NaN;
    while (k < t.length) {
      long ws = t[k] - Math.floorMod(t[k], R5M.millis());
      if (ws + R5M.millis() > ROLLED_UP_UNTIL) {
        break;
      }
      if (ws < from) {
        if (v[k] < prev) {
          offset += prev;
        }
        prev = v[k];
        k++;
        continue;
      }
      long count = 0;
      double sum = 0;
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      double last = Double.NaN;
      double adjusted = Double.NaN;
      while (k < t.length && t[k] < ws + R5M.millis()) {
        if (v[k] < prev) {
          offset += prev;
        }
        prev = v[k];
        count++;
        sum += v[k];
        min = Math.min(min, v[k]);
        max = Math.max(max, v[k]);
        last = v[k];
        adjusted = v[k] + offset;
        k++;
      }
      if (!Double.isNaN(windowFirstAdjusted)) {
        maxIncrease = Math.max(maxIncrease, adjusted - windowFirstAdjusted);
      }
      windowFirstAdjusted = adjusted;
      store.appendRollup("default", labels, R5M, new RollupPoint(ws, count, sum, min, max, last, adjusted));
    }
    maxWindowIncrease.put(labels.without("__name__"), maxIncrease);
  }

  private Map<Labels, Double> instant(Resolution res, String expr, long t) {
    Vector v = (Vector) engine.instantQuery(new StoreQueryable(store, "default", res), expr, t);
    Map<Labels, Double> out = new HashMap<>();
    for (Sample s : v.samples()) {
      out.put(s.labels(), s.value());
    }
    return out;
  }

  /** Evaluation times on window boundaries, where a window is in [t - range, t] exactly when its samples are. */
  private static List<Long> alignedTimes() {
    List<Long> ts = new ArrayList<>();
    for (long t = T0 + 3_600_000; t <= ROLLED_UP_UNTIL; t += 25 * 60_000) {
      ts.add(t);
    }
    return ts;
  }

  @Test
  void overTimeAggregatesOverRollupsEqualRaw() {
    for (String fn : List.of("min_over_time", "max_over_time", "count_over_time", "sum_over_time", "avg_over_time", "last_over_time")) {
      for (String range : List.of("5m", "30m", "1h")) {
        String expr = fn + "(queue_length[" + range + "])";
        for (long t : alignedTimes()) {
          Map<Labels, Double> raw = instant(Resolution.RAW, expr, t);
          assertEquals(6, raw.size(), expr);
          Map<Labels, Double> rolled = instant(R5M, expr, t);
          if (!fn.equals("avg_over_time")) {
            assertEquals(raw, rolled, expr + " at " + t);
            continue;
          }
          // Prometheus's running mean rounds at each step (313.75000000000006); sum / count of integers does not
          assertEquals(raw.keySet(), rolled.keySet());
          for (Map.Entry<Labels, Double> e : raw.entrySet()) {
            assertEquals(e.getValue(), rolled.get(e.getKey()), Math.abs(e.getValue()) * 1e-12, expr + " at " + t);
          }
        }
      }
    }
  }

  @Test
  void seriesWithoutRollupsOrWithRollupsStartingLaterReadRawWhereTheyHaveNone() {
    long t = ROLLED_UP_UNTIL;
    for (String expr : List.of("count_over_time(queue_length{instance=~\"late|never\"}[6h])", "max_over_time(queue_length{instance=~\"late|never\"}[6h])",
        "sum_over_time(queue_length{instance=~\"late|never\"}[5h])", "min_over_time(queue_length[6h])")) {
      Map<Labels, Double> raw = instant(Resolution.RAW, expr, t);
      assertFalse(raw.isEmpty(), expr);
      assertEquals(raw, instant(R5M, expr, t), expr);
    }
  }

  @Test
  void plainSelectorsReadTheLastValueOfEachWindow() {
    for (long t : alignedTimes()) {
      assertEquals(instant(Resolution.RAW, "queue_length", t), instant(R5M, "queue_length", t));
      assertEquals(instant(Resolution.RAW, "sum(requests_total)", t), instant(R5M, "sum(requests_total)", t));
    }
  }

  @Test
  void rateOverRollupsAgreesWithRawWithinOneWindowOfIncrease() {
    int compared = 0;
    for (String range : List.of("30m", "1h", "2h")) {
      long rangeSec = io.strata.promql.Durations.parse(range) / 1000;
      for (long t : alignedTimes()) {
        if (t - T0 < rangeSec * 1000) {
          continue;
        }
        Map<Labels, Double> raw = instant(Resolution.RAW, "rate(requests_total[" + range + "])", t);
        Map<Labels, Double> rolled = instant(R5M, "rate(requests_total[" + range + "])", t);
        assertEquals(raw.keySet(), rolled.keySet());
        for (Map.Entry<Labels, Double> e : raw.entrySet()) {
          // the rollup sees the counter at window ends: at most one window's increase at each edge differs
          double bound = 2 * maxWindowIncrease.get(e.getKey()) / rangeSec;
          double diff = Math.abs(rolled.get(e.getKey()) - e.getValue());
          assertTrue(diff <= bound, "rate(requests_total[" + range + "]) " + e.getKey() + " at " + t + ": raw " + e.getValue()
              + ", rollups " + rolled.get(e.getKey()) + ", allowed difference " + bound);
          compared++;
        }
        Map<Labels, Double> rawInc = instant(Resolution.RAW, "increase(requests_total[" + range + "])", t);
        Map<Labels, Double> rolledInc = instant(R5M, "increase(requests_total[" + range + "])", t);
        for (Map.Entry<Labels, Double> e : rawInc.entrySet()) {
          assertTrue(Math.abs(rolledInc.get(e.getKey()) - e.getValue()) <= 2 * maxWindowIncrease.get(e.getKey()), "increase " + e.getKey());
        }
      }
    }
    assertTrue(compared > 50, "compared " + compared);
  }

  @Test
  void resetsSurviveInTheCounterAggregate() {
    // the data has resets; over rollups, increase never goes negative and equals raw when a window has no reset
    Map<Labels, Double> raw = instant(Resolution.RAW, "resets(requests_total[6h])", ROLLED_UP_UNTIL);
    assertTrue(raw.values().stream().anyMatch(r -> r > 0), "the data set has counter resets: " + raw);
    for (double v : instant(R5M, "increase(requests_total[1h])", ROLLED_UP_UNTIL).values()) {
      assertTrue(v >= 0, "increase over rollups " + v);
    }
  }

  @Test
  void newestRawSamplesFillTheWindowsNotRolledUpYet() {
    // at the end, the last 20 minutes exist only as raw samples
    for (String expr : List.of("queue_length", "max_over_time(queue_length[10m])", "count_over_time(queue_length[10m])",
        "last_over_time(requests_total[10m])", "sum_over_time(queue_length[1h])", "count_over_time(queue_length[1h])")) {
      assertEquals(instant(Resolution.RAW, expr, END), instant(R5M, expr, END), expr);
    }
    Map<Labels, Double> raw = instant(Resolution.RAW, "rate(requests_total[1h])", END);
    Map<Labels, Double> rolled = instant(R5M, "rate(requests_total[1h])", END);
    for (Map.Entry<Labels, Double> e : raw.entrySet()) {
      assertTrue(Math.abs(rolled.get(e.getKey()) - e.getValue()) <= 2 * maxWindowIncrease.get(e.getKey()) / 3600.0, "rate at the end " + e.getKey());
    }
  }

  @Test
  void functionsNoAggregateKeepsAndShortRangesReadRaw() {
    for (long t : alignedTimes()) {
      for (String expr : List.of("quantile_over_time(0.9, queue_length[1h])", "stddev_over_time(queue_length[30m])", "changes(queue_length[30m])",
          "rate(requests_total[5m])", "max_over_time(queue_length[2m])")) {
        assertEquals(instant(Resolution.RAW, expr, t), instant(R5M, expr, t), expr);
      }
    }
  }

  @Test
  void sourceResolutionFollowsThanos() {
    List<Resolution> available = List.of(Resolution.parse("1m"), R5M, Resolution.parse("1h"));
    assertEquals(Resolution.RAW, SourceResolution.choose(SourceResolution.maxMillis("auto", 60_000), available));
    assertEquals(Resolution.parse("1m"), SourceResolution.choose(SourceResolution.maxMillis("auto", 300_000), available));
    assertEquals(R5M, SourceResolution.choose(SourceResolution.maxMillis("auto", 1_800_000), available));
    assertEquals(Resolution.parse("1h"), SourceResolution.choose(SourceResolution.maxMillis("auto", 5 * 3_600_000), available));
    assertEquals(R5M, SourceResolution.choose(SourceResolution.maxMillis("30m", 0), available));
    assertEquals(R5M, SourceResolution.choose(SourceResolution.maxMillis("300", 0), available));
    assertEquals(Resolution.RAW, SourceResolution.choose(SourceResolution.maxMillis("raw", 0), available));
    assertEquals(Resolution.RAW, SourceResolution.choose(SourceResolution.maxMillis("0s", 0), available));
    assertEquals(Resolution.RAW, SourceResolution.choose(SourceResolution.maxMillis("1h", 0), List.of()));
    assertFalse(throwsFor("5m"));
    assertTrue(throwsFor("-5"));
    assertTrue(throwsFor("soon"));
  }

  private static boolean throwsFor(String v) {
    try {
      SourceResolution.maxMillis(v, 60_000);
      return false;
    } catch (IllegalArgumentException e) {
      return true;
    }
  }
}
