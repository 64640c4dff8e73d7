package io.strata.query.eval;

import io.strata.promql.PromQL;
import io.strata.promql.ast.Expr;
import io.strata.promql.ast.ParenExpr;
import io.strata.promql.ast.VectorSelector;
import io.strata.promql.parser.PromQLParseException;
import io.strata.query.api.ApiException;
import io.strata.schemas.model.StaleMarker;
import io.strata.tsdb.Resolution;
import io.strata.tsdb.SampleCursor;
import io.strata.tsdb.Store;
import io.strata.tsdb.StoredSeries;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Evaluates plain vector selectors (with {@code offset}) over the store with Prometheus's lookback: at
 * each evaluation time t a series takes its newest sample in [t - lookback, t], and a stale marker there
 * ends it. Other expressions are refused with 422 until the full PromQL engine is wired in.
 */
public final class SelectorEvaluator {
  /** A series of the result: points at evaluation times. */
  public record SeriesResult(io.strata.schemas.model.Labels labels, long[] timestamps, double[] values, int count) {}

  private final Store store;
  private final long lookbackMs;

  public SelectorEvaluator(Store store, long lookbackMs) {
    this.store = store;
    this.lookbackMs = lookbackMs;
  }

  private static VectorSelector selector(String query) {
    Expr e;
    try {
      e = PromQL.parse(query);
    } catch (PromQLParseException ex) {
      throw ApiException.badData(ex.getMessage());
    }
    while (e instanceof ParenExpr p) {
      e = p.expr();
    }
    if (e instanceof VectorSelector vs && vs.at() == null) {
      return vs;
    }
    throw new ApiException(ApiException.Type.EXECUTION, "only plain series selectors are evaluated so far; got " + e);
  }

  /** Evaluates at every step from start to end inclusive (an instant query has start == end). */
  public List<SeriesResult> evaluate(String tenant, String query, long start, long end, long step) {
    VectorSelector vs = selector(query);
    long offset = vs.offsetMs();
    List<SeriesResult> out = new ArrayList<>();
    for (StoredSeries s : store.select(tenant, Resolution.RAW, start - offset - lookbackMs, end - offset, vs.matchers())) {
      // samples of the selected range, in time order
      long[] st = new long[64];
      double[] sv = new double[64];
      int n = 0;
      SampleCursor c = s.samples();
      while (c.next()) {
        if (n == st.length) {
          st = Arrays.copyOf(st, n * 2);
          sv = Arrays.copyOf(sv, n * 2);
        }
        st[n] = c.timestamp();
        sv[n] = c.value();
        n++;
      }
      int points = (int) ((end - start) / step) + 1;
      long[] rt = new long[points];
      double[] rv = new double[points];
      int m = 0;
      int i = 0;
      for (long t = start; t <= end; t += step) {
        long at = t - offset;
        while (i < n && st[i] <= at) {
          i++;
        }
        // newest sample at or before `at` is i-1
        if (i > 0 && st[i - 1] >= at - lookbackMs && !StaleMarker.isStale(sv[i - 1])) {
          rt[m] = t;
          rv[m] = sv[i - 1];
          m++;
        }
      }
      if (m > 0) {
        out.add(new SeriesResult(s.labels(), rt, rv, m));
      }
    }
    return out;
  }
}
