package io.strata.streams.rollup;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * The {@code rollup-series-v2} store of one task: the persistent key-value store (RocksDB, changelog; the
 * layout of {@link SeriesState}) with a write-back cache of decoded {@link SeriesState}s in front, in place of
 * Kafka Streams' record cache. The processor gets a series' state, changes it in place and marks it dirty;
 * each dirty state is encoded and written to the store (and so to its changelog) once, when Streams flushes
 * the caches while preparing a commit, before the transaction commits with the input offsets. What a
 * transaction commits is therefore exactly what Streams' own caching store would commit.
 *
 * <p>Streams' record cache keeps encoded values in a sorted map of the keys (long series keys sharing their
 * first tens of bytes), and the stage then decoded and re-encoded a series' whole state for every input batch;
 * here a series costs one hash lookup per batch, and one encode and store write per commit interval.
 *
 * <p>This plugs into Streams' commit through its internal {@link CachedStateStore} interface
 * ({@code ProcessorStateManager.flushCache}, called by {@code StreamTask.prepareCommit}), as Streams' caching
 * stores do; a Kafka upgrade must keep that contract (the topology tests and ITs check it). After a failed or
 * aborted transaction Streams closes the task dirty and re-initializes its stores, restoring them from the
 * changelog: {@link #close}, {@link #init} and {@link #clearCache} drop the cache, so nothing of an aborted
 * transaction survives in memory.
 *
 * <p>Bounded: once the decoded states of every store of the topology (one {@link Budget}) exceed its bytes, a
 * store holding more than its fair share (the bytes divided by the open stores) evicts its least recently used
 * states; a dirty state is written to the store when evicted (in the open transaction, as Streams' cache evicts).
 * A store can only evict its own states (each belongs to one stream thread), so the share keeps a busy task's
 * cache from pushing a quiet one's down to one entry; the total may pass the budget by what stores below their
 * share hold, at most one share.
 */
public final class SeriesStateStore implements StateStore, CachedStateStore<Bytes, byte[]> {
  /** Bytes of decoded states the cache of every store of one topology may hold, shared by its stream threads. */
  public static final class Budget {
    private final long maxBytes;
    private final AtomicLong used = new AtomicLong();
    private final AtomicInteger open = new AtomicInteger();

    public Budget(long maxBytes) {
      this.maxBytes = maxBytes;
    }

    long used() {
      return used.get();
    }

    void add(long bytes) {
      used.addAndGet(bytes);
    }

    /** Whether a store holding {@code ownBytes} must evict: the budget is exceeded and it holds more than its share. */
    boolean mustEvict(long ownBytes) {
      return used.get() > maxBytes && ownBytes > maxBytes / Math.max(1, open.get());
    }

    void opened() {
      open.incrementAndGet();
    }

    void closed() {
      open.decrementAndGet();
    }
  }

  private static final class Entry {
    final SeriesState state;
    long bytes;
    /** The context of the record that last changed it, null when the store holds it as it is. */
    ProcessorRecordContext dirty;

    Entry(SeriesState state, long bytes) {
      this.state = state;
      this.bytes = bytes;
    }
  }

  private final KeyValueStore<Bytes, byte[]> inner;
  private final long[] coarserMillis;
  private final Budget budget;
  /** Access order: the eldest is the least recently used. */
  private final LinkedHashMap<Bytes, Entry> cache = new LinkedHashMap<>(1024, 0.75f, true);
  private final List<Map.Entry<Bytes, Entry>> dirty = new ArrayList<>();
  private InternalProcessorContext<?, ?> context;
  /** The key and entry of the last {@link #get}. */
  private Bytes lastKey;
  private Entry last;
  /** Bytes of this store's cached states (its part of the budget's). */
  private long ownBytes;
  private boolean open;

  SeriesStateStore(KeyValueStore<Bytes, byte[]> inner, long[] coarserMillis, Budget budget) {
    this.inner = inner;
    this.coarserMillis = coarserMillis.clone();
    this.budget = budget;
  }

  /**
   * The builder {@code Topology.addStateStore} takes: RocksDB with a changelog (logging enabled, Streams'
   * record cache disabled) under this cache.
   *
   * @param coarserMillis the resolutions after the finest one, in ms (the {@link SeriesState} layout)
   */
  public static StoreBuilder<SeriesStateStore> builder(String name, long[] coarserMillis, Budget budget) {
    StoreBuilder<KeyValueStore<Bytes, byte[]>> inner = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name),
        Serdes.Bytes(), Serdes.ByteArray()).withCachingDisabled().withLoggingEnabled(Map.of());
    return new StoreBuilder<>() {
      @Override
      public StoreBuilder<SeriesStateStore> withCachingEnabled() {
        return this; // Streams' record cache is never used: the store is its own cache
      }

      @Override
      public StoreBuilder<SeriesStateStore> withCachingDisabled() {
        return this; // Streams' record cache is never used: the store is its own cache
      }

      @Override
      public StoreBuilder<SeriesStateStore> withLoggingEnabled(Map<String, String> config) {
        throw new UnsupportedOperationException("the series store always has a changelog");
      }

      @Override
      public StoreBuilder<SeriesStateStore> withLoggingDisabled() {
        throw new UnsupportedOperationException("the series store always has a changelog");
      }

      @Override
      public SeriesStateStore build() {
        return new SeriesStateStore(inner.build(), coarserMillis, budget);
      }

      @Override
      public Map<String, String> logConfig() {
        return inner.logConfig();
      }

      @Override
      public boolean loggingEnabled() {
        return inner.loggingEnabled();
      }

      @Override
      public String name() {
        return inner.name();
      }
    };
  }

  /**
   * The state of a series, to change in place and then pass to {@link #put}: the cached one, else the stored
   * one decoded, else an empty one (a series never seen).
   */
  public SeriesState get(Bytes key) {
    Entry e = cache.get(key);
    if (e == null) {
      SeriesState s = new SeriesState(coarserMillis).decode(inner.get(key));
      e = new Entry(s, estimate(key, s));
      cache.put(key, e);
      account(e.bytes);
      evict();
    }
    lastKey = key;
    last = e;
    return e.state;
  }

  /** Marks the series' state (the instance {@link #get} returned, changed) to be written at the next commit. */
  public void put(Bytes key, SeriesState state) {
    Entry e = key == lastKey ? last : cache.get(key); // the processor puts what it just got: no second lookup
    if (e == null || e.state != state) {
      throw new IllegalStateException("BUG: put of a series state that get did not return");
    }
    if (e.dirty == null) {
      dirty.add(Map.entry(key, e));
    }
    e.dirty = context.recordContext();
    long bytes = estimate(key, state);
    account(bytes - e.bytes);
    e.bytes = bytes;
    evict();
  }

  /** The persistent store under the cache: every state as of the last flush (after a commit, all of them). */
  public KeyValueStore<Bytes, byte[]> persisted() {
    return inner;
  }

  /** Entries cached (for tests). */
  int cached() {
    return cache.size();
  }

  private static long estimate(Bytes key, SeriesState s) {
    return 160 + key.get().length + s.heapBytes();
  }

  private void account(long delta) {
    ownBytes += delta;
    budget.add(delta);
  }

  private void evict() {
    if (!budget.mustEvict(ownBytes)) {
      return;
    }
    Iterator<Map.Entry<Bytes, Entry>> it = cache.entrySet().iterator();
    // never the most recently used: the processor holds it
    while (budget.mustEvict(ownBytes) && cache.size() > 1) {
      Map.Entry<Bytes, Entry> eldest = it.next();
      Entry e = eldest.getValue();
      if (e.dirty != null) {
        write(eldest.getKey(), e);
      }
      it.remove();
      account(-e.bytes);
    }
  }

  /** Writes one dirty state to the store (and its changelog) stamped with the record that last changed it. */
  private void write(Bytes key, Entry e) {
    ProcessorRecordContext current = context.recordContext();
    context.setRecordContext(e.dirty);
    try {
      inner.put(key, e.state.encode());
    } finally {
      context.setRecordContext(current);
    }
    e.dirty = null;
  }

  /** Called by Streams while preparing a commit: writes every dirty state, so the transaction holds them. */
  @Override
  public void flushCache() {
    for (Map.Entry<Bytes, Entry> d : dirty) {
      if (d.getValue().dirty != null) { // not written by an eviction since
        write(d.getKey(), d.getValue());
      }
    }
    dirty.clear();
  }

  /** Drops every cached state, dirty ones too: Streams restores the store from its changelog after this. */
  @Override
  public void clearCache() {
    account(-ownBytes);
    cache.clear();
    dirty.clear();
    lastKey = null;
    last = null;
  }

  @Override
  public boolean setFlushListener(CacheFlushListener<Bytes, byte[]> listener, boolean sendOldValues) {
    return false; // nothing is forwarded downstream on flush
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public void init(StateStoreContext stateStoreContext, StateStore root) {
    clearCache();
    if (!open) {
      open = true;
      budget.opened();
    }
    context = (InternalProcessorContext<?, ?>) stateStoreContext;
    inner.init(stateStoreContext, root);
  }

  @Override
  public void flush() {
    flushCache();
    inner.flush();
  }

  @Override
  public void close() {
    clearCache();
    if (open) {
      open = false;
      budget.closed();
    }
    inner.close();
  }

  @Override
  public boolean persistent() {
    return inner.persistent();
  }

  @Override
  public boolean isOpen() {
    return inner.isOpen();
  }

  @Override
  public Position getPosition() {
    return inner.getPosition();
  }
}
