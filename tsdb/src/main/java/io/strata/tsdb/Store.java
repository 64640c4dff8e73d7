package io.strata.tsdb;

import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import java.io.Closeable;
import java.util.List;
import java.util.Map;

/**
 * The storage engine as the sink and the query layer see it. Writes are idempotent; durability is
 * explicit: {@link #commit} makes everything appended so far durable together with the Kafka offsets it
 * came from, so Kafka is the write-ahead log and a restart resumes from {@link #committedOffsets}.
 * Implementations are safe for concurrent use by several sink tasks and query threads.
 */
public interface Store extends Closeable {

  /** Appends one raw sample. */
  AppendResult append(String tenant, Labels labels, long timestampMs, double value);

  /** Appends one closed rollup window at a non-raw resolution. */
  AppendResult appendRollup(String tenant, Labels labels, Resolution resolution, RollupPoint point);

  /**
   * Makes all data appended so far durable, then records the offsets (key {@code topic/partition}, value
   * the next offset to consume). On return a crash loses neither.
   */
  void commit(Map<String, Long> sourceOffsets);

  /** The offsets recorded by the last {@link #commit}, as they were made durable. */
  Map<String, Long> committedOffsets();

  /** Series of the tenant matching all matchers with data in [minT, maxT] at that resolution, sorted by labels. */
  List<StoredSeries> select(String tenant, Resolution resolution, long minT, long maxT, List<LabelMatcher> matchers);

  /**
   * Like {@link #select}, but cheaper: the series whose time bounds overlap [minT, maxT] (at that resolution),
   * without reading anything to check that a sample lies inside; reading one may yield nothing. For readers
   * that read parts of the range and drop empty series themselves. The default is {@link #select}.
   */
  default List<StoredSeries> selectLazy(String tenant, Resolution resolution, long minT, long maxT, List<LabelMatcher> matchers) {
    return select(tenant, resolution, minT, maxT, matchers);
  }

  /**
   * Opens a read scope on this thread. What the selects made on this thread hold for their reads (a RocksDB
   * snapshot each) is released when the scope closes, instead of when the garbage collector finds their results
   * unreachable: a held snapshot keeps every version it sees on disk, so compaction (and the admin flush) cannot
   * drop them. Results of those selects must not be read after the scope closed. A scope opened inside another
   * on the same thread does nothing; the outer one releases. The query server closes one per request.
   */
  default ReadScope readScope() {
    return ReadScope.NONE;
  }

  /** See {@link #readScope}. */
  interface ReadScope extends AutoCloseable {
    ReadScope NONE = () -> {};

    @Override
    void close();
  }

  /** Label names of the matching series (all series when no matcher), sorted. */
  List<String> labelNames(String tenant, long minT, long maxT, List<LabelMatcher> matchers);

  /** Values of one label over the matching series, sorted. */
  List<String> labelValues(String tenant, String name, long minT, long maxT, List<LabelMatcher> matchers);

  /**
   * Persists everything held in memory and compacts, so that on-disk size is final (the admin flush
   * endpoint and benchmarks call it). Offsets are not changed. The default does nothing.
   */
  default void flush() {}

  /**
   * Deletes the tenant's data in [minT, maxT] (inclusive) of every series matching all matchers, at every
   * resolution (a rollup window is deleted when it reaches into the range): from the next select on, no read
   * returns it. Recorded as durable tombstones; the data leaves the disk at the next compaction of its block
   * group or at {@link #cleanTombstones}. Returns how many series got a tombstone.
   */
  default int deleteSeries(String tenant, List<LabelMatcher> matchers, long minT, long maxT) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot delete series");
  }

  /** Removes the data {@link #deleteSeries} deleted in the tenant from disk, then the tombstones no longer needed. */
  default void cleanTombstones(String tenant) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot clean tombstones");
  }

  /**
   * Writes a consistent copy of the store (hard links where the file system allows) into a new directory
   * {@code <data dir>/snapshots/<name>}, which opens as a store; {@code withHead} persists the data still in
   * memory first, so the copy holds everything appended so far. Returns the name, Prometheus's form
   * ({@code 20060102T150405Z-<16 hex digits>}).
   */
  default String snapshot(boolean withHead) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot take snapshots");
  }
}
