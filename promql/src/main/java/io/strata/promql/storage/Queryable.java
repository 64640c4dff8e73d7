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
}
