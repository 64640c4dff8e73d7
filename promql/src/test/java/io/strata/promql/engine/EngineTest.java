package io.strata.promql.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.promql.storage.InMemoryStorage;
import io.strata.promql.storage.Queryable;
import io.strata.promql.storage.SelectHints;
import io.strata.schemas.model.Labels;
import java.io.IOException;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EngineTest {
  private static final long T0 = 0;

  private static InMemoryStorage counters(int series, int minutes) {
    InMemoryStorage s = new InMemoryStorage();
    for (int i = 0; i < series; i++) {
      Labels l = Labels.of("__name__", "http_requests_total", "job", "api", "instance", Integer.toString(i));
      for (int m = 0; m <= minutes; m++) {
        s.add(l, T0 + m * 60_000L, m * 10.0 * (i + 1));
      }
    }
    return s;
  }

  @Test
  void storageSeesRangeStepAndEnclosingFunction() {
    InMemoryStorage data = counters(1, 30);
    List<SelectHints> seen = new ArrayList<>();
    Queryable spy = (hints, matchers) -> {
      seen.add(hints);
      return data.select(hints, matchers);
    };
    new Engine().rangeQuery(spy, "rate(http_requests_total[5m] offset 1m)", 600_000, 1_200_000, 60_000);
    assertEquals(1, seen.size());
    SelectHints h = seen.get(0);
    assertEquals("rate", h.function());
    assertEquals(300_000, h.rangeMs());
    assertEquals(60_000, h.stepMs());
    assertEquals(600_000 - 60_000 - 300_000, h.startMs());
    assertEquals(1_200_000 - 60_000, h.endMs());
  }

  @Test
  void instantSelectorLooksBackTheConfiguredDelta() {
    InMemoryStorage data = new InMemoryStorage().add(Labels.of("__name__", "x"), 0, 1);
    assertEquals(1, ((Vector) new Engine().instantQuery(data, "x", 300_000)).samples().size());
    assertEquals(0, ((Vector) new Engine().instantQuery(data, "x", 300_001)).samples().size());
    Engine shortLookback = new Engine(EngineOptions.DEFAULTS.withLookbackDeltaMs(60_000));
    assertEquals(0, ((Vector) shortLookback.instantQuery(data, "x", 60_001)).samples().size());
  }

  @Test
  void instantQueryOfARangeReturnsAMatrixOfRawPoints() {
    Value v = new Engine().instantQuery(counters(2, 10), "http_requests_total[2m]", 600_000);
    Matrix m = assertInstanceOf(Matrix.class, v);
    assertEquals(2, m.series().size());
    assertEquals(3, m.series().get(0).size());
    assertEquals(480_000, m.series().get(0).timestamps()[0]);
    assertEquals("matrix", v.resultType());
  }

  @Test
  void scalarAndStringResults() {
    Value s = new Engine().instantQuery(new InMemoryStorage(), "1 + 2", 5_000);
    assertEquals(new Scalar(5_000, 3), s);
    Value str = new Engine().instantQuery(new InMemoryStorage(), "\"hello\"", 5_000);
    assertEquals(new StringValue(5_000, "hello"), str);
  }

  @Test
  void tooManySamplesIsAnExecutionError() {
    Engine small = new Engine(EngineOptions.DEFAULTS.withMaxSamples(100));
    QueryExecutionException e = assertThrows(QueryExecutionException.class,
        () -> small.instantQuery(counters(10, 60), "sum_over_time(http_requests_total[1h])", 3_600_000));
    assertEquals("query processing would load too many samples into memory in query execution", e.getMessage());
    assertEquals(422, e.httpStatus());
    assertEquals("execution", e.errorType());
    // the same query fits when the limit allows it
    new Engine(EngineOptions.DEFAULTS.withMaxSamples(1_000)).instantQuery(counters(10, 60),
        "sum_over_time(http_requests_total[1h])", 3_600_000);
  }

  @Test
  void rangeQueryResultPointsCountTowardsMaxSamples() {
    Engine small = new Engine(EngineOptions.DEFAULTS.withMaxSamples(50));
    assertThrows(QueryExecutionException.class,
        () -> small.rangeQuery(counters(5, 60), "http_requests_total", 0, 3_600_000, 60_000));
  }

  @Test
  void slowStoragePastTheTimeoutIsATimeout() {
    Queryable slow = (hints, matchers) -> {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return List.of();
    };
    Engine e = new Engine(EngineOptions.DEFAULTS.withTimeoutMs(1));
    QueryTimeoutException ex = assertThrows(QueryTimeoutException.class, () -> e.instantQuery(slow, "up", 0));
    assertEquals("query timed out in query execution", ex.getMessage());
    assertEquals(503, ex.httpStatus());
  }

  @Test
  void elevenThousandPointsIsTheLimitPerSeries() {
    InMemoryStorage data = counters(1, 2);
    Matrix ok = new Engine().rangeQuery(data, "vector(1)", 0, 10_999_000, 1_000);
    assertEquals(11_000, ok.series().get(0).size());
    Matrix edge = new Engine().rangeQuery(data, "vector(1)", 0, 11_000_000, 1_000);
    assertEquals(11_001, edge.series().get(0).size());
    BadQueryException e = assertThrows(BadQueryException.class,
        () -> new Engine().rangeQuery(data, "vector(1)", 0, 11_001_000, 1_000));
    assertEquals("exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)",
        e.getMessage());
    assertEquals(400, e.httpStatus());
  }

  @Test
  void rangeQueryOfARangeVectorIsBadData() {
    BadQueryException e = assertThrows(BadQueryException.class,
        () -> new Engine().rangeQuery(counters(1, 2), "http_requests_total[5m]", 0, 60_000, 1_000));
    assertEquals("invalid expression type \"range vector\" for range query, must be Scalar or instant Vector", e.getMessage());
  }

  @Test
  void rangeQueryIsSortedByLabels() {
    Matrix m = new Engine().rangeQuery(counters(3, 10), "sort_desc(http_requests_total)", 0, 600_000, 60_000);
    assertEquals("0", m.series().get(0).labels().get("instance"));
    assertEquals("2", m.series().get(2).labels().get("instance"));
  }

  @Test
  void staleMarkerEndsTheSeries() {
    InMemoryStorage s = new InMemoryStorage()
        .add(Labels.of("__name__", "x"), 0, 1)
        .add(Labels.of("__name__", "x"), 60_000, io.strata.schemas.model.StaleMarker.VALUE);
    assertEquals(1, ((Vector) new Engine().instantQuery(s, "x", 59_000)).samples().size());
    assertEquals(0, ((Vector) new Engine().instantQuery(s, "x", 60_000)).samples().size());
  }

  @Test
  void scriptsHoldAtLeastFourHundredCases() throws IOException, URISyntaxException {
    assertTrue(PromqlScriptTest.countEvals() >= 400, "script cases: " + PromqlScriptTest.countEvals());
  }
}
