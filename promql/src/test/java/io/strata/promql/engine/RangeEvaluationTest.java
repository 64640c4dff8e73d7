package io.strata.promql.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.strata.promql.PromQL;
import io.strata.promql.ast.Expr;
import io.strata.promql.ast.ValueType;
import io.strata.promql.parser.PromQLParseException;
import io.strata.promql.storage.InMemoryStorage;
import io.strata.schemas.model.Labels;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The engine (node by node over all steps; instant queries as one-step ranges) against the step-by-step
 * oracle ({@link StepByStep}): every expression of every {@code promqltest} script, as an instant query at
 * the script's time (every value type; vectors in the same order), and as range queries over the script's
 * own range for range evals and over two ranges around the instant for instant evals, must give the same
 * series, timestamps and bit-for-bit values, or fail with the same error. The query module's
 * {@code EvaluatorOracleTest} does the same over the corpus compared with Prometheus.
 */
class RangeEvaluationTest {
  private static final Engine ENGINE = new Engine();

  @TestFactory
  Stream<DynamicTest> rangeEvaluatorMatchesStepByStepOnEveryScriptExpression() throws IOException, URISyntaxException {
    URL dir = RangeEvaluationTest.class.getClassLoader().getResource("promqltest");
    List<Path> files;
    try (Stream<Path> s = Files.list(Path.of(dir.toURI()))) {
      files = s.filter(p -> p.toString().endsWith(".test")).sorted().toList();
    }
    List<DynamicTest> out = new ArrayList<>();
    for (Path f : files) {
      InMemoryStorage[] storage = {new InMemoryStorage()};
      for (PromqlScript.Command c : PromqlScript.parse(Files.readString(f, StandardCharsets.UTF_8))) {
        if (c instanceof PromqlScript.Clear) {
          storage[0] = new InMemoryStorage();
        } else if (c instanceof PromqlScript.Load load) {
          for (var e : load.series().entrySet()) {
            double[] v = e.getValue();
            for (int i = 0; i < v.length; i++) {
              if (!PromqlScript.isMissing(v[i])) {
                storage[0].add(e.getKey(), i * load.intervalMs(), v[i]);
              }
            }
          }
        } else {
          PromqlScript.Eval ev = (PromqlScript.Eval) c;
          Expr expr;
          try {
            expr = PromQL.parse(ev.expr());
          } catch (PromQLParseException e) {
            continue;
          }
          InMemoryStorage s = storage[0];
          String name = f.getFileName() + ":" + ev.line() + " " + ev.expr();
          for (long t : ev.range() ? new long[] {ev.start(), ev.end()} : new long[] {ev.start()}) {
            out.add(DynamicTest.dynamicTest(name + " (instant at " + t + ")", () -> {
              String d = StepByStep.instantDifference(ENGINE, s, expr, t);
              if (d != null) {
                fail(d);
              }
            }));
          }
          if (expr.type() != ValueType.VECTOR && expr.type() != ValueType.SCALAR) {
            continue;
          }
          if (ev.range()) {
            out.add(DynamicTest.dynamicTest(name, () -> compare(s, expr, ev.start(), ev.end(), ev.step())));
          } else {
            long t = ev.start();
            out.add(DynamicTest.dynamicTest(name + " (23s steps)",
                () -> compare(s, expr, Math.max(0, t - 4 * 23_000), t + 4 * 23_000, 23_000)));
            out.add(DynamicTest.dynamicTest(name + " (1m steps)",
                () -> compare(s, expr, Math.max(0, t - 600_000), t + 300_000, 60_000)));
          }
        }
      }
    }
    assertTrue(out.size() > 500, "cases: " + out.size());
    return out.stream();
  }

  static void compare(InMemoryStorage s, Expr expr, long start, long end, long step) {
    Matrix want;
    try {
      want = StepByStep.rangeQuery(ENGINE, s, expr, start, end, step);
    } catch (QueryException e) {
      QueryException got = assertThrows(QueryException.class, () -> ENGINE.rangeQuery(s, expr, start, end, step));
      assertEquals(e.getMessage(), got.getMessage());
      return;
    }
    Matrix got = ENGINE.rangeQuery(s, expr, start, end, step);
    assertSame(want, got);
  }

  static void assertSame(Matrix want, Matrix got) {
    assertEquals(want.series().size(), got.series().size(), () -> "series: want " + want + "\ngot " + got);
    for (int i = 0; i < want.series().size(); i++) {
      Series w = want.series().get(i);
      Series g = got.series().get(i);
      assertEquals(w.labels(), g.labels());
      assertEquals(w.size(), g.size(), () -> "points of " + w.labels() + ": want " + w + "\ngot " + g);
      for (int j = 0; j < w.size(); j++) {
        assertEquals(w.timestamps()[j], g.timestamps()[j], "timestamp " + j + " of " + w.labels());
        if (Double.compare(w.values()[j], g.values()[j]) != 0) {
          fail("value at " + w.timestamps()[j] + " of " + w.labels() + ": want " + w.values()[j] + " got " + g.values()[j]);
        }
      }
    }
  }

  @Test
  void seriesThatCollideOnceTheirNameIsDroppedMergeWhenTheyNeverOverlap() {
    InMemoryStorage s = new InMemoryStorage();
    for (int m = 0; m <= 10; m++) {
      s.add(Labels.of("__name__", "a", "job", "x"), m * 60_000L, m);
      s.add(Labels.of("__name__", "b", "job", "x"), (m + 30) * 60_000L, m);
    }
    Matrix m = ENGINE.rangeQuery(s, "abs(a) or abs(b)", 0, 40 * 60_000L, 60_000);
    assertEquals(1, m.series().size());
    assertSame(StepByStep.rangeQuery(ENGINE, s, PromQL.parse("rate(a[5m]) * 2 or rate(b[5m]) * 2"), 0, 40 * 60_000L, 60_000),
        ENGINE.rangeQuery(s, "rate(a[5m]) * 2 or rate(b[5m]) * 2", 0, 40 * 60_000L, 60_000));
    // {__name__=~"a|b"} holds both; after rate() drops the names they are one series, never two at once
    Matrix r = ENGINE.rangeQuery(s, "rate({__name__=~\"a|b\"}[2m])", 0, 40 * 60_000L, 60_000);
    assertEquals(1, r.series().size());
    assertEquals(Labels.of("job", "x"), r.series().get(0).labels());
  }

  @Test
  void seriesThatCollideAtTheSameStepAreAnError() {
    InMemoryStorage s = new InMemoryStorage();
    for (int m = 0; m <= 10; m++) {
      s.add(Labels.of("__name__", "a", "job", "x"), m * 60_000L, m);
      s.add(Labels.of("__name__", "b", "job", "x"), (m + 5) * 60_000L, m);
    }
    QueryExecutionException e = assertThrows(QueryExecutionException.class,
        () -> ENGINE.rangeQuery(s, "rate({__name__=~\"a|b\"}[2m])", 0, 20 * 60_000L, 60_000));
    assertEquals("vector cannot contain metrics with the same labelset", e.getMessage());
  }

  @Test
  void rateOverCounterResetsEqualsTheStepByStepAnswer() {
    InMemoryStorage s = new InMemoryStorage();
    Labels l = Labels.of("__name__", "c", "job", "x");
    double v = 0;
    for (int i = 0; i < 2_000; i++) {
      v = i % 97 == 0 ? i % 13 : v + (i % 7) * 1.37;
      s.add(l, i * 15_000L, v);
    }
    for (String q : List.of("rate(c[5m])", "increase(c[17m])", "sum(rate(c[1h]))", "resets(c[10m])", "irate(c[1m])")) {
      assertSame(StepByStep.rangeQuery(ENGINE, s, PromQL.parse(q), 0, 30_000_000L, 37_000),
          ENGINE.rangeQuery(s, q, 0, 30_000_000L, 37_000));
    }
  }
}
