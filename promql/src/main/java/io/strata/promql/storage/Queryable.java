package io.strata.promql.storage;

import io.strata.schemas.model.LabelMatcher;
import java.util.List;

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
}
