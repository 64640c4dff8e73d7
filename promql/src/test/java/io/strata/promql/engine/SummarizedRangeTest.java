package io.strata.promql.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.strata.promql.storage.InMemoryStorage;
import io.strata.promql.storage.Queryable;
import io.strata.promql.storage.SelectHints;
import io.strata.promql.storage.SeriesData;
import io.strata.promql.storage.SeriesFunction;
import io.strata.promql.storage.SummarizedSeries;
import io.strata.promql.storage.SummaryFunction;
import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.SampleSummary;
import io.strata.schemas.model.StaleMarker;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Range functions evaluated from the store's per-step summaries ({@link Queryable#summarizeEach}) give the
 * same answers as from the samples: the summaries here are built sample by sample from the same data, so any
 * difference is the engine's arithmetic over summaries. Random series with resets, NaN, stale markers and gaps;
 * every summarizable function; offsets, {@code @} and ranges that are and are not multiples of the step.
 */
class SummarizedRangeTest {
  private static final Engine ENGINE = new Engine();
  private static final long T0 = 1_767_225_600_000L;

  /** Answers summarizeEach by summarizing the raw samples of each step's window one by one. */
  private static final class Summarizing implements Queryable {
    final InMemoryStorage raw;
    final AtomicInteger summarized = new AtomicInteger();

    Summarizing(InMemoryStorage raw) {
      this.raw = raw;
    }

    @Override
    public List<SeriesData> select(SelectHints hints, List<LabelMatcher> matchers) {
      return raw.select(hints, matchers);
    }

    @Override
    public <R> List<R> selectEach(SelectHints hints, List<LabelMatcher> matchers, Supplier<? extends SeriesFunction<? extends R>> functions) {
      fail("a summarizable function read samples");
      return null;
    }

    @Override
    public <R> List<R> summarizeEach(SelectHints hints, List<LabelMatcher> matchers, long[] refs, long rangeMs,
        Supplier<? extends SummaryFunction<? extends R>> functions) {
      List<R> out = new ArrayList<>();
      SummaryFunction<? extends R> f = functions.get();
      for (SeriesData d : raw.select(hints, matchers)) {
        summarized.incrementAndGet();
        R r = f.apply(new SummarizedSeries() {
          @Override
          public Labels labels() {
            return d.labels();
          }

          @Override
          public boolean summarize(int k, SampleSummary s) {
            for (int i = 0; i < d.size(); i++) {
              long t = d.timestamps()[i];
              if (t >= refs[k] - rangeMs && t <= refs[k]) {
                s.add(t, d.values()[i]);
              }
            }
            return !s.isEmpty();
          }
        });
        if (r != null) {
          out.add(r);
        }
      }
      return out;
    }
  }

  private static InMemoryStorage randomData(long seed) {
    Random rnd = new Random(seed);
    InMemoryStorage s = new InMemoryStorage();
    for (int i = 0; i < 8; i++) {
      Labels l = Labels.of("__name__", "x", "i", Integer.toString(i));
      double v = rnd.nextInt(100);
      long t = T0 + rnd.nextInt(30_000);
      for (int k = 0; k < 400; k++) {
        t += rnd.nextInt(10) == 0 ? 60_000 + rnd.nextInt(600_000) : 10_000 + rnd.nextInt(10_000); // gaps
        int kind = rnd.nextInt(40);
        double value;
        if (kind == 0) {
          value = v = rnd.nextInt(5); // a reset
        } else if (kind == 1) {
          value = StaleMarker.VALUE;
        } else if (kind == 2) {
          value = Double.NaN;
        } else if (kind < 10) {
          value = v; // unchanged
        } else {
          value = v += rnd.nextInt(50) / 4.0;
        }
        s.add(l, t, value);
      }
    }
    return s;
  }

  @Test
  void everySummarizableFunctionGivesTheRawAnswer() {
    for (long seed = 1; seed <= 4; seed++) {
      InMemoryStorage raw = randomData(seed);
      Summarizing sum = new Summarizing(raw);
      for (String fn : Queryable.SUMMARIZABLE) {
        for (String range : new String[] {"1m", "5m", "17m", "1h"}) {
          for (String mod : new String[] {"", " offset 7m", " @ " + (T0 / 1000 + 3600)}) {
            String q = fn + "(x[" + range + "]" + mod + ")";
            for (long step : new long[] {15_000, 60_000, 300_000}) {
              long start = T0 + 600_000 + seed * 7_000;
              long end = start + 4 * 3_600_000L;
              assertClose(q, ENGINE.rangeQuery(raw, q, start, end, step), ENGINE.rangeQuery(sum, q, start, end, step));
            }
          }
        }
      }
      assertTrue(sum.summarized.get() > 0);
    }
  }

  @Test
  void aggregationsOverSummarizedRatesGiveTheRawAnswer() {
    InMemoryStorage raw = randomData(9);
    Summarizing sum = new Summarizing(raw);
    for (String q : new String[] {"sum(rate(x[5m]))", "max by (i) (increase(x[10m]))", "sum_over_time(x[30m]) > 10"}) {
      long start = T0 + 3_600_000;
      assertClose(q, ENGINE.rangeQuery(raw, q, start, start + 7_200_000, 60_000), ENGINE.rangeQuery(sum, q, start, start + 7_200_000, 60_000));
    }
  }

  /** Same series and points; values equal up to 1e-9 relative (sums are added in another order), NaN for NaN. */
  static void assertClose(String q, Matrix want, Matrix got) {
    assertEquals(want.series().size(), got.series().size(), () -> q + ": series: want " + want + "\ngot " + got);
    for (int i = 0; i < want.series().size(); i++) {
      Series w = want.series().get(i);
      Series g = got.series().get(i);
      assertEquals(w.labels(), g.labels(), q);
      assertEquals(w.size(), g.size(), () -> q + ": points of " + w.labels() + ": want " + w + "\ngot " + g);
      for (int j = 0; j < w.size(); j++) {
        assertEquals(w.timestamps()[j], g.timestamps()[j], q);
        double a = w.values()[j];
        double b = g.values()[j];
        if (Double.isNaN(a) || Double.isNaN(b) || Double.isInfinite(a) || Double.isInfinite(b)) {
          if (Double.compare(a, b) != 0 && !(Double.isNaN(a) && Double.isNaN(b))) {
            fail(q + " at " + w.timestamps()[j] + " of " + w.labels() + ": want " + a + " got " + b);
          }
        } else if (Math.abs(a - b) > 1e-9 * Math.max(1, Math.max(Math.abs(a), Math.abs(b)))) {
          fail(q + " at " + w.timestamps()[j] + " of " + w.labels() + ": want " + a + " got " + b);
        }
      }
    }
  }
}
