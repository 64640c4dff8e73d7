package io.strata.tsdb.engine;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import io.strata.tsdb.AppendResult;
import io.strata.tsdb.Resolution;
import io.strata.tsdb.RollupPoint;
import io.strata.tsdb.StoredSeries;
import io.strata.tsdb.Store;
import io.strata.tsdb.TsdbConfig;
import io.strata.tsdb.format.BlockMeta;
import io.strata.tsdb.format.Keys;
import io.strata.tsdb.format.StoreRecord;
import io.strata.tsdb.format.TombstoneRecord;
import io.strata.tsdb.head.HeadContext;
import io.strata.tsdb.head.MemSeries;
import io.strata.tsdb.head.RollupHead;
import io.strata.tsdb.head.SeriesHead;
import io.strata.tsdb.index.SeriesTable;
import io.strata.tsdb.index.TenantIndex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.Range;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.Slice;
import org.rocksdb.SizeApproximationFlag;
import org.rocksdb.WriteOptions;

/**
 * The storage engine: Gorilla chunks in a per-series head, persisted with the Kafka offsets they came
 * from in one fsynced RocksDB batch per commit, into time-partitioned blocks that compact into larger
 * ones; a postings index per label pair; retention per resolution. See tsdb/README.md.
 */
public final class StrataStore implements Store {
  static {
    RocksDB.loadLibrary();
  }

  private final TsdbConfig config;
  private final LRUCache cache;
  private final Options options;
  private final RocksDB db;
  private final HeadContext headContext;
  private final ConcurrentHashMap<String, TenantIndex> tenants = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, String> symbols = new ConcurrentHashMap<>();
  private final SeriesTable table = new SeriesTable();
  private final AtomicLong nextId = new AtomicLong(1);
  private final ConcurrentHashMap<Long, ResolutionState> resolutions = new ConcurrentHashMap<>();
  private final ResolutionState raw;
  private final BlockDirectory blocks;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final StoreMetrics metrics;
  private final ChunkReader reader;
  private final ChunkCache chunkCache;
  private final HeadFlusher flusher;
  private final Compactor compactor;
  private final Querier querier;
  private final Tombstones tombstones = new Tombstones();
  private final Set<ReadContext.Handle> snapshots = new HashSet<>();
  /** The snapshots taken on this thread inside its open {@link #readScope}, released when it closes. */
  private final ThreadLocal<List<ReadContext.Handle>> scope = new ThreadLocal<>();
  private final ExecutorService background;
  private final AtomicBoolean backgroundQueued = new AtomicBoolean();
  private volatile Map<String, Long> offsets;
  private volatile boolean closed;

  private StrataStore(TsdbConfig config, PrometheusRegistry registry) throws RocksDBException, IOException {
    this.config = config;
    Files.createDirectories(config.dataDir());
    this.cache = new LRUCache(Math.max(1L << 20, config.blockCacheBytes()));
    this.options = new Options().setCreateIfMissing(true)
        .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache).setBlockSize(16 * 1024))
        // chunks are Gorilla-compressed already; LZ4 is nearly free and still squeezes keys and headers,
        // ZSTD on the last level (where compacted blocks settle) takes a few percent more
        .setCompressionType(CompressionType.LZ4_COMPRESSION)
        .setBottommostCompressionType(CompressionType.ZSTD_COMPRESSION)
        .setKeepLogFileNum(3)
        .setInfoLogLevel(InfoLogLevel.WARN_LEVEL);
    this.db = RocksDB.open(options, config.dataDir().toString());
    this.chunkCache = new ChunkCache(config.chunkCacheBytes());
    this.metrics = new StoreMetrics(registry, this);
    this.reader = new ChunkReader(db, metrics, chunkCache);
    this.headContext = new HeadContext(config.blockDuration().toMillis(), config.outOfOrderWindow().toMillis(), config.chunkSamples(), reader);
    this.blocks = new BlockDirectory(config.blockDuration().toMillis(), config.maxBlockDuration().toMillis());
    this.raw = resolution(0);
    this.flusher = new HeadFlusher(this);
    this.compactor = new Compactor(this);
    this.querier = new Querier(this);
    checkStoreRecord();
    Map<String, Long> loaded = new TreeMap<>();
    new StoreLoader(this).load(loaded);
    loadTombstones();
    this.offsets = Map.copyOf(loaded);
    this.background = config.backgroundCompaction() ? Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "strata-tsdb-compaction");
      t.setDaemon(true);
      return t;
    }) : null;
  }

  /** Opens (or creates) the store in {@code config.dataDir()}, registering its metrics on {@code registry}. */
  public static StrataStore open(TsdbConfig config, PrometheusRegistry registry) {
    try {
      return new StrataStore(config, registry);
    } catch (RocksDBException | IOException e) {
      throw new UncheckedIOException("cannot open store at " + config.dataDir() + ": " + e.getMessage(), new IOException(e));
    }
  }

  private void checkStoreRecord() throws RocksDBException {
    byte[] v = db.get(Keys.store());
    StoreRecord want = new StoreRecord(StoreRecord.LAYOUT_V1, config.blockDuration().toMillis(), config.maxBlockDuration().toMillis());
    if (v == null) {
      try (WriteOptions wo = new WriteOptions().setSync(true)) {
        db.put(wo, Keys.store(), want.encode());
      }
      return;
    }
    StoreRecord have = StoreRecord.decode(v, Keys.describe(Keys.store()));
    if (have.layoutVersion() != StoreRecord.LAYOUT_V1) {
      throw new IllegalStateException("store at " + config.dataDir() + " has layout version " + have.layoutVersion() + "; this build reads " + StoreRecord.LAYOUT_V1);
    }
    if (have.blockDurationMs() != want.blockDurationMs()) {
      throw new IllegalArgumentException(TsdbConfig.BLOCK_DURATION + " is " + config.blockDuration() + " but the store at " + config.dataDir() + " was created with "
          + java.time.Duration.ofMillis(have.blockDurationMs()) + "; blocks are aligned to it, so it cannot change");
    }
    if (have.maxBlockDurationMs() != want.maxBlockDurationMs()) {
      throw new IllegalArgumentException(TsdbConfig.MAX_BLOCK_DURATION + " is " + config.maxBlockDuration() + " but the store at " + config.dataDir()
          + " was created with " + java.time.Duration.ofMillis(have.maxBlockDurationMs()) + "; blocks are aligned to it, so it cannot change");
    }
  }

  // ---- write path

  private MemSeries series(String tenant, Labels labels) {
    TenantIndex ti = tenants.get(tenant);
    if (ti == null) {
      ti = tenants.computeIfAbsent(tenant, k -> new TenantIndex());
    }
    MemSeries s = ti.get(labels);
    return s != null ? s : create(ti, tenant, labels);
  }

  private MemSeries create(TenantIndex ti, String tenant, Labels labels) {
    ensureOpen();
    synchronized (ti) {
      MemSeries s = ti.get(labels);
      if (s == null) {
        s = new MemSeries(nextId.getAndIncrement(), intern(tenant), intern(labels), false);
        table.put(s);
        ti.add(s);
      }
      return s;
    }
  }

  @Override
  public AppendResult append(String tenant, Labels labels, long timestampMs, double value) {
    MemSeries s = series(tenant, labels);
    AppendResult r;
    synchronized (s) {
      r = s.raw().append(s.id(), timestampMs, value, headContext);
    }
    if (r == AppendResult.APPENDED) {
      raw.observe(timestampMs);
    }
    metrics.append(0, r);
    return r;
  }

  @Override
  public AppendResult appendRollup(String tenant, Labels labels, Resolution resolution, RollupPoint point) {
    if (resolution.isRaw()) {
      throw new IllegalArgumentException("appendRollup needs a rollup resolution, got " + resolution);
    }
    ResolutionState rs = resolution(resolution.millis());
    MemSeries s = series(tenant, labels);
    AppendResult r;
    synchronized (s) {
      r = ((RollupHead) s.head(resolution.millis(), true)).append(s.id(), point, headContext);
    }
    if (r == AppendResult.APPENDED) {
      rs.observe(point.windowStartMs());
    }
    metrics.append(1, r);
    return r;
  }

  @Override
  public void commit(Map<String, Long> sourceOffsets) {
    long t0 = System.nanoTime();
    writeLock.lock();
    try {
      ensureOpen();
      flusher.flush(sourceOffsets, false);
      Map<String, Long> merged = new TreeMap<>(offsets);
      merged.putAll(sourceOffsets);
      offsets = Map.copyOf(merged);
      metrics.commits.increment();
    } finally {
      writeLock.unlock();
      metrics.commitSeconds.observe((System.nanoTime() - t0) / 1e9);
    }
    if (background != null && !backgroundQueued.getAndSet(true)) {
      background.execute(() -> {
        backgroundQueued.set(false);
        if (!closed) {
          compactor.run(false);
        }
      });
    }
  }

  /**
   * Persists the whole head (open chunks included, offsets unchanged), applies retention, compacts every
   * block group, and lets RocksDB compact, so on-disk size is final: what an admin flush or a benchmark
   * calls. Data persisted beyond the committed offsets is re-delivered later and then found DUPLICATE.
   */
  @Override
  public void flush() {
    writeLock.lock();
    try {
      ensureOpen();
      flusher.flush(Map.of(), true);
    } finally {
      writeLock.unlock();
    }
    compactor.run(true);
    try (FlushOptions fo = new FlushOptions().setWaitForFlush(true)) {
      db.flush(fo);
      db.compactRange();
    } catch (RocksDBException e) {
      throw new UncheckedIOException("cannot compact " + config.dataDir() + ": " + e.getMessage(), new IOException(e));
    }
  }

  // ---- admin: delete_series, clean_tombstones, snapshot

  private void loadTombstones() {
    byte[] prefix = {Keys.TOMBSTONE};
    try (RocksIterator it = db.newIterator()) {
      for (it.seek(prefix); it.isValid() && Keys.hasPrefix(it.key(), prefix); it.next()) {
        byte[] k = it.key();
        // a damaged record fails the open, like a damaged offset: serving deleted data again would be worse
        tombstones.put(io.strata.tsdb.format.Box.getLong(k, 1), TombstoneRecord.decode(it.value(), Keys.describe(k)));
      }
    }
  }

  @Override
  public int deleteSeries(String tenant, List<LabelMatcher> matchers, long minT, long maxT) {
    if (minT > maxT) {
      return 0;
    }
    writeLock.lock();
    try (WriteBatch batch = new WriteBatch(); WriteOptions sync = new WriteOptions().setSync(true)) {
      ensureOpen();
      TenantIndex ti = tenants.get(tenant);
      if (ti == null) {
        return 0;
      }
      Map<Long, long[]> next = new TreeMap<>();
      for (long id : ti.select(matchers)) {
        MemSeries s = table.get(id);
        if (s != null && s.mayOverlap(minT, maxT)) {
          long[] r = Tombstones.plus(tombstones.get(id), minT, maxT);
          batch.put(Keys.tombstone(id), TombstoneRecord.encode(r));
          next.put(id, r);
        }
      }
      if (!next.isEmpty()) {
        db.write(sync, batch);
        next.forEach(tombstones::put);
      }
      return next.size();
    } catch (RocksDBException e) {
      throw new UncheckedIOException("cannot write tombstones to " + config.dataDir() + ": " + e.getMessage(), new IOException(e));
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Under the compactor's monitor and the write lock (in that order, as every compaction takes them), so that no
   * commit or compaction runs meanwhile: persists the whole head, compacts every block group that holds deleted
   * data of the tenant (the compaction drops it, and any other tenant's deleted data in the same groups), then
   * removes the tenant's tombstones. What was appended before the clean began is then filtered on disk; what is
   * appended from then on is not deleted. A failed compaction keeps every tombstone (and throws).
   */
  @Override
  public void cleanTombstones(String tenant) {
    compactor.exclusively(() -> {
      writeLock.lock();
      try (WriteBatch batch = new WriteBatch(); WriteOptions sync = new WriteOptions().setSync(true)) {
        ensureOpen();
        Map<Long, long[]> cleaning = new TreeMap<>(tombstones.all());
        cleaning.keySet().removeIf(id -> table.get(id) == null || !table.get(id).tenant().equals(tenant));
        if (cleaning.isEmpty()) {
          return;
        }
        flusher.flush(Map.of(), true);
        if (!compactor.rewrite(cleaning.values())) {
          throw new IllegalStateException("clean_tombstones: a compaction failed (see the log); the tombstones are kept");
        }
        for (long id : cleaning.keySet()) {
          batch.delete(Keys.tombstone(id));
        }
        db.write(sync, batch);
        cleaning.keySet().forEach(id -> tombstones.put(id, null));
      } catch (RocksDBException e) {
        throw new UncheckedIOException("cannot remove tombstones from " + config.dataDir() + ": " + e.getMessage(), new IOException(e));
      } finally {
        writeLock.unlock();
      }
    });
  }

  private static final java.time.format.DateTimeFormatter SNAPSHOT_TIME =
      java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(java.time.ZoneOffset.UTC);

  @Override
  public String snapshot(boolean withHead) {
    String name = SNAPSHOT_TIME.format(java.time.Instant.now()) + "-" + String.format("%016x", java.util.concurrent.ThreadLocalRandom.current().nextLong(Long.MAX_VALUE));
    java.nio.file.Path dir = config.dataDir().resolve("snapshots").resolve(name);
    writeLock.lock();
    try (org.rocksdb.Checkpoint cp = org.rocksdb.Checkpoint.create(db)) {
      ensureOpen();
      if (withHead) {
        flusher.flush(Map.of(), false); // cut chunks and a checkpoint of every open chunk: the copy reopens with them
      }
      Files.createDirectories(dir.getParent());
      cp.createCheckpoint(dir.toString()); // hard links to the SST files, a copy of the rest; under the lock: no commit in between
      return name;
    } catch (RocksDBException | IOException e) {
      throw new UncheckedIOException("cannot write snapshot " + dir + ": " + e.getMessage(), e instanceof IOException io ? io : new IOException(e));
    } finally {
      writeLock.unlock();
    }
  }

  Tombstones tombstones() {
    return tombstones;
  }

  /** Runs retention and the compaction of sealed block groups now, on the calling thread. */
  public void compact() {
    ensureOpen();
    compactor.run(false);
  }

  @Override
  public Map<String, Long> committedOffsets() {
    return offsets;
  }

  // ---- read path

  @Override
  public List<StoredSeries> select(String tenant, Resolution resolution, long minT, long maxT, List<LabelMatcher> matchers) {
    ensureOpen();
    return querier.select(tenant, resolution, minT, maxT, matchers, false);
  }

  @Override
  public List<StoredSeries> selectLazy(String tenant, Resolution resolution, long minT, long maxT, List<LabelMatcher> matchers) {
    ensureOpen();
    return querier.select(tenant, resolution, minT, maxT, matchers, true);
  }

  @Override
  public List<String> labelNames(String tenant, long minT, long maxT, List<LabelMatcher> matchers) {
    ensureOpen();
    return querier.labelNames(tenant, minT, maxT, matchers);
  }

  @Override
  public List<String> labelValues(String tenant, String name, long minT, long maxT, List<LabelMatcher> matchers) {
    ensureOpen();
    return querier.labelValues(tenant, name, minT, maxT, matchers);
  }

  // ---- statistics

  public int seriesCount() {
    return table.size();
  }

  /** {chunks in memory, heap bytes of their encoded data}. */
  public long[] headStats() {
    long chunks = 0;
    long bytes = 0;
    long maxId = table.maxId();
    for (long id = 1; id <= maxId; id++) {
      MemSeries s = table.get(id);
      if (s != null) {
        synchronized (s) {
          for (SeriesHead h : s.heads()) {
            chunks += h.chunkCount();
            bytes += h.memoryBytes();
          }
        }
      }
    }
    return new long[] {chunks, bytes};
  }

  /** Per resolution name: {blocks, chunks, samples, bytes} from the block metas. */
  public Map<String, long[]> blockStats() {
    Map<String, long[]> out = new TreeMap<>();
    writeLock.lock();
    try {
      for (long res : blocks.resolutions()) {
        long[] a = out.computeIfAbsent(resolution(res).name, k -> new long[4]);
        for (BlockMeta m : blocks.blocks(res)) {
          a[0]++;
          a[1] += m.chunks();
          a[2] += m.samples();
          a[3] += m.bytes();
        }
      }
    } finally {
      writeLock.unlock();
    }
    return out;
  }

  /** Per resolution name: RocksDB's estimate of the bytes its chunk keys take (SST files and memtables). */
  public Map<String, Long> diskBytes() {
    Map<String, Long> out = new TreeMap<>();
    if (closed) {
      return out;
    }
    for (ResolutionState rs : resolutions.values()) {
      byte[] from = new byte[9];
      from[0] = Keys.CHUNK;
      io.strata.tsdb.format.Box.putLong(from, 1, rs.millis);
      try (Slice a = new Slice(from); Slice b = new Slice(Keys.prefixEnd(from))) {
        long[] sizes = db.getApproximateSizes(List.of(new Range(a, b)), SizeApproximationFlag.INCLUDE_FILES, SizeApproximationFlag.INCLUDE_MEMTABLES);
        out.put(rs.name, sizes[0]);
      }
    }
    return out;
  }

  // ---- internals shared with the engine's parts

  TsdbConfig config() {
    return config;
  }

  RocksDB db() {
    return db;
  }

  SeriesTable table() {
    return table;
  }

  BlockDirectory blocks() {
    return blocks;
  }

  ReentrantLock writeLock() {
    return writeLock;
  }

  StoreMetrics metrics() {
    return metrics;
  }

  ChunkReader reader() {
    return reader;
  }

  ChunkCache chunkCache() {
    return chunkCache;
  }

  /** Marks blocks (res, start) as being written (chunks added or removed); pair with {@link #written}. */
  void writing(Iterable<BlockMeta> touched) {
    for (BlockMeta b : touched) {
      chunkCache.writing(b.res(), b.start());
    }
  }

  /** After the write (applied or failed) of blocks marked by {@link #writing}. */
  void written(Iterable<BlockMeta> touched) {
    long seq = db.getLatestSequenceNumber();
    for (BlockMeta b : touched) {
      chunkCache.written(b.res(), b.start(), seq);
    }
  }

  HeadContext headContext() {
    return headContext;
  }

  TenantIndex tenant(String tenant) {
    return tenants.get(tenant);
  }

  /**
   * Per rollup resolution: how far the newest window end trails the newest raw sample, in data time. The rollup
   * stage emits a window once the series' newest sample is the out-of-order window past its end, so a healthy
   * pipeline shows about that window plus one resolution; more means the rollup stage lags and queries read
   * more raw samples.
   */
  Map<String, Long> rollupLagMillis() {
    Map<String, Long> out = new TreeMap<>();
    long rawMax = raw.maxT.get();
    for (ResolutionState rs : resolutions.values()) {
      long windowStart = rs.maxT.get();
      if (rs.millis > 0 && rawMax != Long.MIN_VALUE && windowStart != Long.MIN_VALUE) {
        out.put(rs.name, Math.max(0, rawMax - (windowStart + rs.millis)));
      }
    }
    return out;
  }

  ResolutionState resolution(long millis) {
    ResolutionState rs = resolutions.get(millis);
    if (rs == null) {
      String name = ResolutionState.nameOf(millis);
      rs = resolutions.computeIfAbsent(millis, m -> new ResolutionState(m, name, config.retentionMillis(m == 0 ? Resolution.RAW : new Resolution(name, m))));
    }
    return rs;
  }

  void addLoadedSeries(MemSeries s) {
    TenantIndex ti = tenants.computeIfAbsent(s.tenant(), k -> new TenantIndex());
    table.put(s);
    ti.add(s);
    reserveId(s.id());
  }

  void reserveId(long id) {
    nextId.accumulateAndGet(id + 1, Math::max);
  }

  String intern(String s) {
    String x = symbols.putIfAbsent(s, s);
    return x == null ? s : x;
  }

  Labels intern(Labels l) {
    String[] pairs = new String[l.size() * 2];
    for (int i = 0; i < l.size(); i++) {
      pairs[2 * i] = intern(l.name(i));
      pairs[2 * i + 1] = intern(l.value(i));
    }
    return Labels.of(pairs);
  }

  ReadContext readContext() {
    synchronized (snapshots) {
      ensureOpen();
      ReadContext rc = new ReadContext(this, db.getSnapshot());
      snapshots.add(rc.handle);
      List<ReadContext.Handle> open = scope.get();
      if (open != null) {
        open.add(rc.handle);
      }
      return rc;
    }
  }

  @Override
  public ReadScope readScope() {
    if (scope.get() != null) {
      return ReadScope.NONE;
    }
    List<ReadContext.Handle> open = new ArrayList<>();
    scope.set(open);
    return () -> {
      scope.remove();
      for (ReadContext.Handle h : open) {
        h.run();
      }
    };
  }

  void release(ReadContext.Handle h) {
    synchronized (snapshots) {
      if (snapshots.remove(h) && !closed) {
        db.releaseSnapshot(h.snapshot);
      }
      h.ro.close();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("store at " + config.dataDir() + " is closed");
    }
  }

  /** Persists the head (without changing offsets) and closes. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    if (background != null) {
      background.shutdown();
      try {
        background.awaitTermination(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    writeLock.lock();
    try {
      flusher.flush(Map.of(), false);
      for (ReadContext.Handle h : new ArrayList<>(snapshots)) {
        h.run();
      }
      closed = true;
      chunkCache.clear();
      db.close();
      options.close();
      cache.close();
    } finally {
      writeLock.unlock();
    }
  }
}
