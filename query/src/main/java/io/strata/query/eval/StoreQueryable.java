package io.strata.query.eval;

import io.strata.promql.storage.Queryable;
import io.strata.promql.storage.SelectHints;
import io.strata.promql.storage.SeriesData;
import io.strata.schemas.model.LabelMatcher;
import io.strata.tsdb.Resolution;
import io.strata.tsdb.SampleCursor;
import io.strata.tsdb.Store;
import io.strata.tsdb.StoredSeries;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The store as the PromQL engine reads it: one tenant's raw samples in the range the engine asks for. */
public final class StoreQueryable implements Queryable {
  private final Store store;
  private final String tenant;

  public StoreQueryable(Store store, String tenant) {
    this.store = store;
    this.tenant = tenant;
  }

  @Override
  public List<SeriesData> select(SelectHints hints, List<LabelMatcher> matchers) {
    List<StoredSeries> found = store.select(tenant, Resolution.RAW, hints.startMs(), hints.endMs(), matchers);
    List<SeriesData> out = new ArrayList<>(found.size());
    for (StoredSeries s : found) {
      long[] ts = new long[16];
      double[] vs = new double[16];
      int n = 0;
      SampleCursor c = s.samples();
      while (c.next()) {
        if (n == ts.length) {
          ts = Arrays.copyOf(ts, n * 2);
          vs = Arrays.copyOf(vs, n * 2);
        }
        ts[n] = c.timestamp();
        vs[n] = c.value();
        n++;
      }
      out.add(new SeriesData(s.labels(), ts, vs, n));
    }
    return out;
  }
}
