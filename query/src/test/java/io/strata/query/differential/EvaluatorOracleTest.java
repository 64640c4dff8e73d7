package io.strata.query.differential;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.promql.Durations;
import io.strata.promql.PromQL;
import io.strata.promql.ast.Expr;
import io.strata.promql.engine.Engine;
import io.strata.promql.engine.StepByStep;
import io.strata.promql.parser.PromQLParseException;
import io.strata.query.eval.StoreQueryable;
import io.strata.tsdb.Store;
import io.strata.tsdb.Stores;
import io.strata.tsdb.TsdbConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine against promql's step-by-step oracle ({@link StepByStep}, test scope) over the corpus the
 * differential test compares with Prometheus 2.42 ({@link DifferentialQueries}, {@link GeneratedSubqueries}):
 * every instant and range query of {@code PrometheusDifferentialIT} (expressions of every family at its
 * times and ranges, and the generated subqueries), evaluated by both over the same data set in the real
 * TSDB engine ({@link StoreQueryable}, so the engine streams selectors through the store as it does when
 * serving). Both must give the same values bit for bit, the same labels and timestamps, an instant vector
 * in the same order, or fail with the same error. No Prometheus needed.
 */
class EvaluatorOracleTest {
  @Test
  void theEngineAnswersAsTheStepByStepOracleOverTheDifferentialCorpus(@TempDir Path dir) throws Exception {
    DifferentialDataSet data = new DifferentialDataSet(20260101L);
    Engine engine = new Engine();
    try (Store store = Stores.open(TsdbConfig.defaults(dir).withBackgroundCompaction(false))) {
      data.load(store, "default");
      StoreQueryable source = new StoreQueryable(store, "default");
      List<ApiCall> calls = new ArrayList<>(DifferentialQueries.queryCalls());
      calls.addAll(GeneratedSubqueries.calls(16L, 200));
      Map<String, String> differences = new LinkedHashMap<>();
      int instants = 0;
      int ranges = 0;
      List<String> expressions = new ArrayList<>();
      for (ApiCall c : calls) {
        Map<String, String> p = new LinkedHashMap<>();
        for (String[] kv : c.params()) {
          p.put(kv[0], kv[1]);
        }
        Expr expr;
        try {
          expr = PromQL.parse(p.get("query"));
        } catch (PromQLParseException e) {
          continue; // one parser for both
        }
        if (!expressions.contains(p.get("query"))) {
          expressions.add(p.get("query"));
        }
        String d;
        if (c.path().equals("/api/v1/query")) {
          instants++;
          d = StepByStep.instantDifference(engine, source, expr, millis(p.get("time")));
        } else {
          ranges++;
          d = StepByStep.rangeDifference(engine, source, expr, millis(p.get("start")), millis(p.get("end")), step(p.get("step")));
        }
        if (d != null) {
          differences.put(c.describe(), d);
        }
      }
      System.out.printf("oracle corpus: %d expressions, %d instant and %d range queries, %d differences%n",
          expressions.size(), instants, ranges, differences.size());
      assertTrue(instants + ranges > 3_000, "corpus size " + (instants + ranges));
      StringBuilder report = new StringBuilder();
      differences.entrySet().stream().limit(20)
          .forEach(e -> report.append("\n* ").append(e.getKey()).append("\n    ").append(e.getValue()));
      assertTrue(differences.isEmpty(), differences.size() + " queries answer differently from the oracle:" + report);
    }
  }

  private static long millis(String seconds) {
    return Math.round(Double.parseDouble(seconds) * 1000);
  }

  private static long step(String s) {
    return s.endsWith("s") || s.endsWith("m") ? Durations.parse(s) : millis(s);
  }
}
