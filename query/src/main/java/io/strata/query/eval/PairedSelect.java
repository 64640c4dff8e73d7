package io.strata.query.eval;

import io.strata.schemas.model.LabelMatcher;
import io.strata.tsdb.Resolution;
import io.strata.tsdb.Store;
import io.strata.tsdb.StoredSeries;
import java.util.ArrayList;
import java.util.List;

/**
 * The two selections a rollup read ({@link StoreQueryable#summarizeEach}) composes, side by side by labels: each
 * element is {raw series or null, rollup series or null}, the raw one over [from, to], the rollup one over the
 * windows starting in [from - res + 1, to]. A store that answers both in one go (the fan-out: one request per store)
 * implements this; {@link #of} reads any other store.
 */
public interface PairedSelect {
  /**
   * @param rawOutsideWindowsOnly the reader needs no raw sample inside a series' final windows (its ranges cut no
   *     window: they and the steps are multiples of the resolution), only before its first and from the end of its
   *     last window on; a series with a legacy window in the range needs all. A store may then leave the others out
   */
  List<StoredSeries[]> selectPaired(String tenant, Resolution res, long from, long to, List<LabelMatcher> matchers,
      boolean rawOutsideWindowsOnly);

  /** The paired selections of {@code store}: its own when it is a {@link PairedSelect}, else two lazy selects. */
  static List<StoredSeries[]> of(Store store, String tenant, Resolution res, long from, long to, List<LabelMatcher> matchers,
      boolean rawOutsideWindowsOnly) {
    if (store instanceof PairedSelect p) {
      return p.selectPaired(tenant, res, from, to, matchers, rawOutsideWindowsOnly);
    }
    List<StoredSeries> raw = store.selectLazy(tenant, Resolution.RAW, from, to, matchers);
    List<StoredSeries> rolled = store.selectLazy(tenant, res, from - res.millis() + 1, to, matchers);
    List<StoredSeries[]> out = new ArrayList<>(Math.max(raw.size(), rolled.size()));
    int i = 0;
    int j = 0;
    while (i < raw.size() || j < rolled.size()) {
      int c = i == raw.size() ? 1 : j == rolled.size() ? -1 : raw.get(i).labels().compareTo(rolled.get(j).labels());
      if (c < 0) {
        out.add(new StoredSeries[] {raw.get(i++), null});
      } else if (c > 0) {
        out.add(new StoredSeries[] {null, rolled.get(j++)});
      } else {
        out.add(new StoredSeries[] {raw.get(i++), rolled.get(j++)});
      }
    }
    return out;
  }
}
