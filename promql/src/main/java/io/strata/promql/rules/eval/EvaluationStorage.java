package io.strata.promql.rules.eval;

import io.strata.promql.storage.InMemoryStorage;
import io.strata.promql.storage.Queryable;
import io.strata.promql.storage.SelectHints;
import io.strata.promql.storage.SeriesData;
import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The storage one group evaluation reads and writes: the series it is given (a rule unit test's input
 * series, or the Flink rule job's keyed state), plus what the evaluation's rules write (so later rules of
 * the same evaluation read it). Writes are refused as
 * Prometheus's head refuses them: a sample older than the series' newest ({@code out of order sample}), or
 * another value at its timestamp ({@code duplicate sample for timestamp}); the same value again is ignored.
 */
public final class EvaluationStorage implements Queryable, SampleSink {
  /** One sample a rule wrote. */
  public record Written(Labels labels, long timestampMs, double value) {}

  private final InMemoryStorage data = new InMemoryStorage();
  private final Map<Labels, long[]> last = new HashMap<>(); // {timestamp, value bits}
  private final List<Written> written = new ArrayList<>();

  /** Adds a kept series (timestamps ascending). */
  public void load(Labels labels, long[] ts, double[] vs) {
    data.addAll(labels, ts, vs);
    if (ts.length > 0) {
      last.put(labels, new long[] {ts[ts.length - 1], Double.doubleToRawLongBits(vs[ts.length - 1])});
    }
  }

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
    written.add(new Written(labels, timestampMs, value));
  }

  /** What the rules wrote, in order. */
  public List<Written> written() {
    return written;
  }

  @Override
  public List<SeriesData> select(SelectHints hints, List<LabelMatcher> matchers) {
    return data.select(hints, matchers);
  }
}
