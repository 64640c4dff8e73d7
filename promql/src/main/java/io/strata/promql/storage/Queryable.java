package io.strata.promql.storage;

import io.strata.schemas.model.LabelMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The storage the PromQL engine reads. Implemented by the TSDB, by the Flink rule job's state, and by
 * {@link InMemoryStorage} for tests.
 *
 * <p>Contract: return every series whose labels satisfy all matchers (a missing label matches as ""),
 * with at least the samples in {@code [hints.startMs(), hints.endMs()]} (more is allowed; the engine
 * trims), timestamps strictly increasing, stale markers included. Series may come in any order and
 * must have distinct label sets. A store that fails throws {@link StorageException}.
 */
public interface Queryable {
  List<SeriesData> select(SelectHints hints, List<LabelMatcher> matchers);

  /**
   * The same selection streamed: each series {@link #select} would return is handed to a
   * {@link SeriesFunction} as soon as it is read, and its samples may be dropped right after, so the
   * caller never holds every sample of the selection at once. Returns the functions' non-null results, in
   * any order.
   *
   * <p>A store may apply the functions on several threads at once: it asks {@code functions} for one
   * function per task (a task is a share of the series, handled by one thread at a time), so a function
   * may keep per-task state (scratch buffers, counters) without locking; the caller combines that state
   * afterwards. An exception thrown by a function ends the call and is thrown from it.
   *
   * <p>The default reads everything with {@link #select} and applies one function in order on the calling
   * thread, so every store supports it; stores that read series one by one override it.
   */
  default <R> List<R> selectEach(SelectHints hints, List<LabelMatcher> matchers,
      Supplier<? extends SeriesFunction<? extends R>> functions) {
    SeriesFunction<? extends R> f = functions.get();
    List<R> out = new ArrayList<>();
    for (SeriesData s : select(hints, matchers)) {
      R r = f.apply(s);
      if (r != null) {
        out.add(r);
      }
    }
    return out;
  }

  /**
   * A range function whose value depends only on the {@link io.strata.schemas.model.SampleSummary} of the
   * samples in its window ({@link #SUMMARIZABLE}), evaluated from summaries the store computes: a store that
   * keeps pre-aggregated windows (rollups) answers from them and reads raw samples only where a step's window
   * edge cuts through a stored window. {@code refs[k]} is the end of step k's window (offset and {@code @}
   * applied), its window {@code [refs[k] - rangeMs, refs[k]]} (closed, as Prometheus 2.42's ranges);
   * {@code hints} are those {@link #selectEach} would get. The functions are applied as in
   * {@link #selectEach} (one per store task); returns their non-null results in any order.
   *
   * <p>Returns null when the store does not answer this selection from summaries (the default, and raw
   * resolution): the caller then reads samples with {@link #selectEach}. The answer must equal the one from
   * the raw samples up to the order of floating-point additions.
   */
  default <R> List<R> summarizeEach(SelectHints hints, List<LabelMatcher> matchers, long[] refs, long rangeMs,
      Supplier<? extends SummaryFunction<? extends R>> functions) {
    return null;
  }

  /**
   * The range functions {@link #summarizeEach} may be asked for. Not {@code avg_over_time}: Prometheus's
   * compensated running mean cannot be reproduced from window sums, and a last-bit difference flips
   * comparisons such as {@code avg_over_time(up[10m]) == 0.5}.
   */
  java.util.Set<String> SUMMARIZABLE = java.util.Set.of("rate", "increase", "delta", "sum_over_time", "count_over_time",
      "min_over_time", "max_over_time", "last_over_time", "present_over_time", "changes", "resets");
}
