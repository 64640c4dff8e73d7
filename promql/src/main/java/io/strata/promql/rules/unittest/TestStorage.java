package io.strata.promql.rules.unittest;

import io.strata.promql.rules.eval.SampleSink;
import io.strata.promql.storage.InMemoryStorage;
import io.strata.promql.storage.Queryable;
import io.strata.promql.storage.SelectHints;
import io.strata.promql.storage.SeriesData;
import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The storage of one rule unit test: input series and rule output in memory, refusing what Prometheus's
 * head refuses (a sample older than the series' last one: "out of order sample"; another value at the last
 * one's timestamp: "duplicate sample for timestamp"; the same value again is accepted and ignored).
 */
final class TestStorage implements Queryable, SampleSink {
  private final InMemoryStorage data = new InMemoryStorage();
  private final Map<Labels, long[]> last = new HashMap<>(); // {timestamp, value bits}

  @Override
  public void append(Labels labels, long timestampMs, double value) {
    long bits = Double.doubleToRawLongBits(value);
    long[] l = last.get(labels);
    if (l != null) {
      if (timestampMs < l[0]) {
        throw new IllegalArgumentException("out of order sample");
      }
      if (timestampMs == l[0]) {
        if (bits != l[1]) {
          throw new IllegalArgumentException("duplicate sample for timestamp");
        }
        return;
      }
    }
    last.put(labels, new long[] {timestampMs, bits});
    data.add(labels, timestampMs, value);
  }

  @Override
  public List<SeriesData> select(SelectHints hints, List<LabelMatcher> matchers) {
    return data.select(hints, matchers);
  }
}
