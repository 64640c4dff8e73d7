package io.strata.tsdb.engine;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.tsdb.AppendResult;
import java.util.concurrent.atomic.LongAdder;

/**
 * The store's own metrics. The append path only bumps {@link LongAdder}s; the Prometheus metrics read
 * them through callbacks at scrape time, so appends pay no label lookups and no exemplar sampling.
 */
final class StoreMetrics {
  /** Per kind (0 raw, 1 rollup) and {@link AppendResult} ordinal. */
  final LongAdder[][] appends = new LongAdder[2][AppendResult.values().length];
  final LongAdder commits = new LongAdder();
  final LongAdder compactions = new LongAdder();
  final LongAdder compactionFailures = new LongAdder();
  final LongAdder retentionDeletedBlocks = new LongAdder();
  final LongAdder corruptions = new LongAdder();
  final Histogram commitSeconds;
  final Histogram compactionSeconds;

  StoreMetrics(PrometheusRegistry registry, StrataStore store) {
    for (int k = 0; k < 2; k++) {
      for (int r = 0; r < appends[k].length; r++) {
        appends[k][r] = new LongAdder();
      }
    }
    CounterWithCallback.builder().name("strata_tsdb_appends_total").help("Samples (kind=raw) and rollup windows (kind=rollup) offered to the store, by result")
        .labelNames("kind", "result").callback(cb -> {
          for (int k = 0; k < 2; k++) {
            for (AppendResult r : AppendResult.values()) {
              cb.call(appends[k][r.ordinal()].sum(), k == 0 ? "raw" : "rollup", r.name().toLowerCase(java.util.Locale.ROOT));
            }
          }
        }).register(registry);
    CounterWithCallback.builder().name("strata_tsdb_commits_total").help("Commits of data and offsets").callback(cb -> cb.call(commits.sum())).register(registry);
    CounterWithCallback.builder().name("strata_tsdb_compactions_total").help("Block compactions run").callback(cb -> cb.call(compactions.sum())).register(registry);
    CounterWithCallback.builder().name("strata_tsdb_compaction_failures_total").help("Block compactions that failed").callback(cb -> cb.call(compactionFailures.sum())).register(registry);
    CounterWithCallback.builder().name("strata_tsdb_retention_deleted_blocks_total").help("Blocks deleted by retention").callback(cb -> cb.call(retentionDeletedBlocks.sum())).register(registry);
    CounterWithCallback.builder().name("strata_tsdb_corruptions_total").help("Damaged records found on read (checksum or RocksDB corruption); each is skipped")
        .callback(cb -> cb.call(corruptions.sum())).register(registry);
    CounterWithCallback.builder().name("strata_tsdb_chunk_cache_requests_total").help("Lookups of a series' chunks in a block in the chunk cache, by result")
        .labelNames("result").callback(cb -> {
          cb.call(store.chunkCache().hits.sum(), "hit");
          cb.call(store.chunkCache().misses.sum(), "miss");
        }).register(registry);
    GaugeWithCallback.builder().name("strata_tsdb_chunk_cache_bytes").help("Bytes of chunks (and per-chunk overheads) held by the chunk cache")
        .callback(cb -> cb.call(store.chunkCache().weightedBytes())).register(registry);
    commitSeconds = Histogram.builder().name("strata_tsdb_commit_duration_seconds").help("Time to make appended data and offsets durable").register(registry);
    compactionSeconds = Histogram.builder().name("strata_tsdb_compaction_duration_seconds").help("Time of one block compaction").register(registry);
    GaugeWithCallback.builder().name("strata_tsdb_series").help("Series known to the store").callback(cb -> cb.call(store.seriesCount())).register(registry);
    GaugeWithCallback.builder().name("strata_tsdb_head_chunks").help("Chunks held in memory (open, cut and out-of-order)").callback(cb -> cb.call(store.headStats()[0])).register(registry);
    GaugeWithCallback.builder().name("strata_tsdb_head_chunk_bytes").help("Heap bytes of the chunks held in memory").callback(cb -> cb.call(store.headStats()[1])).register(registry);
    GaugeWithCallback.builder().name("strata_tsdb_rollup_lag_seconds")
        .help("Newest raw sample minus the end of the newest rollup window, in data time, by resolution: about the out-of-order window plus one resolution when the rollup stage keeps up; queries read raw samples after each series' last window")
        .labelNames("resolution").callback(cb -> {
          for (var e : store.rollupLagMillis().entrySet()) {
            cb.call(e.getValue() / 1000.0, e.getKey());
          }
        }).register(registry);
    GaugeWithCallback.builder().name("strata_tsdb_blocks").help("Persisted blocks by resolution").labelNames("resolution").callback(cb -> {
      for (var e : store.blockStats().entrySet()) {
        cb.call(e.getValue()[0], e.getKey());
      }
    }).register(registry);
    GaugeWithCallback.builder().name("strata_tsdb_chunks").help("Persisted chunks by resolution").labelNames("resolution").callback(cb -> {
      for (var e : store.blockStats().entrySet()) {
        cb.call(e.getValue()[1], e.getKey());
      }
    }).register(registry);
    GaugeWithCallback.builder().name("strata_tsdb_samples").help("Persisted samples (raw) or windows (rollups) by resolution").labelNames("resolution").callback(cb -> {
      for (var e : store.blockStats().entrySet()) {
        cb.call(e.getValue()[2], e.getKey());
      }
    }).register(registry);
    GaugeWithCallback.builder().name("strata_tsdb_storage_bytes").help("Bytes on disk by resolution (RocksDB's estimate for the resolution's chunk keys, compressed, in SST files and memtables)")
        .labelNames("resolution").callback(cb -> {
          for (var e : store.diskBytes().entrySet()) {
            cb.call(e.getValue(), e.getKey());
          }
        }).register(registry);
  }

  void append(int kind, AppendResult r) {
    appends[kind][r.ordinal()].increment();
  }
}
