package io.strata.query.store;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.query.eval.PairedSelect;
import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import io.strata.tsdb.AppendResult;
import io.strata.tsdb.Resolution;
import io.strata.tsdb.RollupPoint;
import io.strata.tsdb.Store;
import io.strata.tsdb.SampleColumns;
import io.strata.tsdb.StoredSeries;
import io.strata.tsdb.WindowColumns;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Several stores read as one (query/README.md, "Fan-out"): every read goes to all stores in parallel through the
 * store API, and the answers are merged by label set. A series that several stores hold (a partition whose sink
 * task moved to another worker: the old store keeps what it wrote until retention) is one series whose samples
 * are the union of the copies, one per timestamp ({@link RemoteSeries#merge}). HA replicas are series with other
 * labels; {@code dedup/ReplicaDedup} above the engine merges them as it does over a single store.
 *
 * <p>Read-only. A store that fails is handled per request ({@link #forRequest}): with partial responses, the
 * answer is made of the stores that answered plus a warning naming the one that did not; without, the read
 * fails with {@link StoreUnavailableException} naming it. When no store answers, the read fails either way. The plain {@link Store} methods use the default given
 * at construction and drop warnings.
 */
public final class FanoutStore implements Store {
  private final List<RemoteStore> stores;
  private final boolean partialByDefault;
  private final Duration timeout;
  private final ExecutorService pool;
  private final Counter requests;

  /**
   * @param urls the stores' base URLs ({@code http://host:9090}), in order of preference: where two hold a sample
   *     at the same timestamp, the first store's is kept
   * @param partialByDefault whether a request without {@code partial_response} accepts a partial answer
   * @param timeout how long one store may take to answer one read
   */
  public FanoutStore(List<URI> urls, boolean partialByDefault, Duration timeout, PrometheusRegistry metrics) {
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("query.stores: at least one store URL is needed");
    }
    List<RemoteStore> s = new ArrayList<>();
    for (URI u : urls) {
      if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
        throw new IllegalArgumentException("query.stores: \"" + u + "\" is not an http(s)://host:port URL");
      }
      s.add(new RemoteStore(u, timeout));
    }
    this.stores = List.copyOf(s);
    this.partialByDefault = partialByDefault;
    this.timeout = timeout;
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "strata-query-fanout-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.requests = Counter.builder().name("strata_query_store_requests_total")
        .help("reads sent to the stores of the fan-out, by result (ok, error)").labelNames("result").register(metrics);
  }

  /** The stores' URLs (without credentials), in order. */
  public List<String> storeNames() {
    return stores.stream().map(RemoteStore::name).toList();
  }

  public boolean partialByDefault() {
    return partialByDefault;
  }

  /**
   * The fan-out as one request reads it: {@code partial} null takes the default; warnings about stores that did not
   * answer go to {@code warnings}, once per store.
   */
  public Store forRequest(Boolean partial, Consumer<String> warnings) {
    return new View(partial == null ? partialByDefault : partial, warnings);
  }

  @Override
  public List<StoredSeries> select(String tenant, Resolution resolution, long minT, long maxT, List<LabelMatcher> matchers) {
    return new View(partialByDefault, w -> { }).select(tenant, resolution, minT, maxT, matchers);
  }

  @Override
  public List<StoredSeries> selectLazy(String tenant, Resolution resolution, long minT, long maxT, List<LabelMatcher> matchers) {
    return new View(partialByDefault, w -> { }).selectLazy(tenant, resolution, minT, maxT, matchers);
  }

  @Override
  public List<String> labelNames(String tenant, long minT, long maxT, List<LabelMatcher> matchers) {
    return new View(partialByDefault, w -> { }).labelNames(tenant, minT, maxT, matchers);
  }

  @Override
  public List<String> labelValues(String tenant, String name, long minT, long maxT, List<LabelMatcher> matchers) {
    return new View(partialByDefault, w -> { }).labelValues(tenant, name, minT, maxT, matchers);
  }

  @Override
  public AppendResult append(String tenant, Labels labels, long timestampMs, double value) {
    throw readOnly();
  }

  @Override
  public AppendResult appendRollup(String tenant, Labels labels, Resolution resolution, RollupPoint point) {
    throw readOnly();
  }

  @Override
  public void commit(Map<String, Long> sourceOffsets) {
    throw readOnly();
  }

  @Override
  public Map<String, Long> committedOffsets() {
    return Map.of();
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }

  private static UnsupportedOperationException readOnly() {
    return new UnsupportedOperationException("a fan-out over remote stores is read-only: write to the stores' sinks");
  }

  /** One read on every store. */
  private interface Read<T> {
    T from(RemoteStore s) throws IOException;
  }

  private final class View implements Store, PairedSelect {
    private final boolean partial;
    private final Consumer<String> warnings;
    private final java.util.Set<String> warned = new java.util.HashSet<>();

    View(boolean partial, Consumer<String> warnings) {
      this.partial = partial;
      this.warnings = warnings;
    }

    /** The answers of the stores that answered, in store order; see the class comment for the others. */
    private <T> List<T> all(Read<T> read) {
      List<Future<T>> futures = new ArrayList<>(stores.size());
      for (RemoteStore s : stores) {
        futures.add(pool.submit(() -> read.from(s)));
      }
      List<T> out = new ArrayList<>(stores.size());
      List<String> failed = new ArrayList<>();
      // the HTTP timeout covers the answer's headers; this one also a store that stalls in the middle of its answer
      long deadline = System.nanoTime() + timeout.toNanos();
      for (int i = 0; i < stores.size(); i++) {
        try {
          out.add(futures.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
          requests.labelValues("ok").inc();
        } catch (ExecutionException | TimeoutException e) {
          requests.labelValues("error").inc();
          Throwable c = e instanceof ExecutionException ? e.getCause() : new IOException("no whole answer within " + timeout.toMillis() + " ms");
          futures.get(i).cancel(true);
          String why = "store " + stores.get(i).name() + " did not answer: " + (c.getMessage() == null ? c.toString() : c.getMessage());
          if (!partial) {
            futures.forEach(f -> f.cancel(true));
            throw new StoreUnavailableException(why);
          }
          failed.add(why);
          synchronized (warned) {
            if (warned.add(stores.get(i).name())) {
              warnings.accept(why + " (partial response: its series are missing)");
            }
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          futures.forEach(f -> f.cancel(true));
          throw new StoreUnavailableException("interrupted while reading the stores");
        }
      }
      if (out.isEmpty()) {
        // nothing to answer from: an empty result with warnings would read as "no such series"
        throw new StoreUnavailableException("no store answered: " + String.join("; ", failed));
      }
      return out;
    }

    @Override
    public List<StoredSeries> select(String tenant, Resolution resolution, long minT, long maxT, List<LabelMatcher> matchers) {
      List<StoredSeries> out = new ArrayList<>();
      SampleColumns samples = new SampleColumns(64, false);
      WindowColumns windows = new WindowColumns(64);
      for (StoredSeries s : selectLazy(tenant, resolution, minT, maxT, matchers)) {
        samples.truncate(0);
        windows.truncate(0);
        if (resolution.isRaw() ? s.readSamples(minT, maxT, samples) > 0 : s.readWindows(minT, maxT, windows) > 0) {
          out.add(s);
        }
      }
      return out;
    }

    /** The series whose chunks overlap the range, as the stores' lazy selects give them: the engine's reads. */
    @Override
    public List<StoredSeries> selectLazy(String tenant, Resolution resolution, long minT, long maxT, List<LabelMatcher> matchers) {
      List<StoredSeries> out = new ArrayList<>();
      for (RemoteSeries r : merged(tenant, resolution, StoreApi.WithRaw.NONE, minT, maxT, matchers)) {
        out.add(resolution.isRaw() ? r.raw(minT, maxT) : r.rolled(resolution, minT, maxT));
      }
      return out;
    }

    @Override
    public List<StoredSeries[]> selectPaired(String tenant, Resolution res, long from, long to, List<LabelMatcher> matchers,
        boolean rawOutsideWindowsOnly) {
      StoreApi.WithRaw w = rawOutsideWindowsOnly ? StoreApi.WithRaw.OUTSIDE_WINDOWS : StoreApi.WithRaw.ALL;
      List<StoredSeries[]> out = new ArrayList<>();
      for (RemoteSeries r : merged(tenant, res, w, from, to, matchers)) {
        out.add(new StoredSeries[] {r.raw(from, to), r.rolled(res, from - res.millis() + 1, to)});
      }
      return out;
    }

    /** One select on every store, the copies of a series merged, by labels. */
    private java.util.Collection<RemoteSeries> merged(String tenant, Resolution res, StoreApi.WithRaw withRaw, long minT, long maxT,
        List<LabelMatcher> matchers) {
      TreeMap<Labels, RemoteSeries> merged = new TreeMap<>();
      for (List<RemoteSeries> answer : all(s -> {
        List<RemoteSeries> l = new ArrayList<>();
        s.select(tenant, res, withRaw, minT, maxT, matchers, w -> l.add(new RemoteSeries(w)));
        return l;
      })) {
        for (RemoteSeries r : answer) {
          merged.merge(r.labels(), r, RemoteSeries::merge);
        }
      }
      return merged.values();
    }

    @Override
    public List<String> labelNames(String tenant, long minT, long maxT, List<LabelMatcher> matchers) {
      TreeSet<String> out = new TreeSet<>();
      all(s -> s.labelNames(tenant, minT, maxT, matchers)).forEach(out::addAll);
      return new ArrayList<>(out);
    }

    @Override
    public List<String> labelValues(String tenant, String name, long minT, long maxT, List<LabelMatcher> matchers) {
      TreeSet<String> out = new TreeSet<>();
      all(s -> s.labelValues(tenant, name, minT, maxT, matchers)).forEach(out::addAll);
      return new ArrayList<>(out);
    }

    @Override
    public AppendResult append(String tenant, Labels labels, long timestampMs, double value) {
      throw readOnly();
    }

    @Override
    public AppendResult appendRollup(String tenant, Labels labels, Resolution resolution, RollupPoint point) {
      throw readOnly();
    }

    @Override
    public void commit(Map<String, Long> sourceOffsets) {
      throw readOnly();
    }

    @Override
    public Map<String, Long> committedOffsets() {
      return Map.of();
    }

    @Override
    public void close() {}
  }
}
