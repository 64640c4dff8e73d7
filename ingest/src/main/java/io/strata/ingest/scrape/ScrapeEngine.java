package io.strata.ingest.scrape;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.ingest.scrape.config.ConfigException;
import io.strata.ingest.scrape.config.PrometheusConfig;
import io.strata.ingest.scrape.config.PrometheusConfigLoader;
import io.strata.ingest.scrape.config.ScrapeConfig;
import io.strata.ingest.scrape.discovery.DnsResolver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scrape engine: one pool per job of a prometheus.yml, one loop per target, results to a
 * {@link ScrapeSink}. {@link #apply} starts or reloads: unchanged jobs keep running untouched, changed
 * jobs restart their loops keeping series state, removed jobs and targets get end-of-run stale markers.
 * {@link #reload(Path)} rejects an invalid file with the reason and leaves the running config alone.
 */
public final class ScrapeEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ScrapeEngine.class);

  private final ScrapeEngineSettings settings;
  private final ScrapeSink sink;
  private final ScrapeMetrics metrics;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService workers;
  private final Map<String, ScrapePool> pools = new LinkedHashMap<>();
  private final DnsResolver dnsResolver;
  private PrometheusConfig config;
  private long offsetSeed;
  private boolean closed;

  public ScrapeEngine(ScrapeEngineSettings settings, ScrapeSink sink, PrometheusRegistry registry) {
    this.settings = settings;
    this.sink = sink;
    this.metrics = new ScrapeMetrics(registry == null ? new PrometheusRegistry() : registry, this::targetCounts,
        this::discoveredCounts);
    ScheduledThreadPoolExecutor sched = new ScheduledThreadPoolExecutor(1, daemon("strata-scrape-scheduler"));
    sched.setRemoveOnCancelPolicy(true);
    this.scheduler = sched;
    this.workers = Executors.newFixedThreadPool(settings.workerThreads(), daemon("strata-scrape-worker"));
    this.dnsResolver = new DnsResolver(settings.dnsServers());
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Loads prometheus.yml and applies it; on error the running config stays and the reason is thrown. */
  public void reload(Path file) throws ConfigException {
    PrometheusConfig c;
    try {
      c = PrometheusConfigLoader.load(file);
    } catch (ConfigException e) {
      metrics.reloads.labelValues("failure").inc();
      LOG.error("config reload rejected, keeping the running config: {}", e.getMessage());
      throw e;
    }
    apply(c);
  }

  /** As {@link #reload(Path)} with YAML text. */
  public void reload(String yaml) throws ConfigException {
    PrometheusConfig c;
    try {
      c = PrometheusConfigLoader.parse(yaml);
    } catch (ConfigException e) {
      metrics.reloads.labelValues("failure").inc();
      throw e;
    }
    apply(c);
  }

  /** Starts scraping with {@code newConfig} or moves to it. */
  public synchronized void apply(PrometheusConfig newConfig) {
    if (closed) {
      throw new IllegalStateException("scrape engine is closed");
    }
    long seed = newConfig.global().externalLabels().hashCode();
    boolean seedChanged = config != null && seed != offsetSeed;
    offsetSeed = seed;
    Map<String, ScrapeConfig> wanted = new LinkedHashMap<>();
    for (ScrapeConfig sc : newConfig.scrapeConfigs()) {
      wanted.put(sc.jobName(), sc);
    }
    for (var it = pools.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!wanted.containsKey(e.getKey())) {
        e.getValue().stop(true);
        it.remove();
      }
    }
    for (ScrapeConfig sc : wanted.values()) {
      ScrapePool pool = pools.get(sc.jobName());
      if (pool == null) {
        pool = new ScrapePool(this, sc);
        pools.put(sc.jobName(), pool);
        pool.start();
      } else if (!pool.config().equals(sc) || seedChanged) {
        pool.reload(sc);
      }
    }
    config = newConfig;
    metrics.reloads.labelValues("success").inc();
  }

  /** The config currently running, or null before the first {@link #apply}. */
  public synchronized PrometheusConfig config() {
    return config;
  }

  /** Status of every active target, by job then URL. */
  public List<TargetStatus> targets() {
    List<ScrapePool> ps;
    synchronized (this) {
      ps = new ArrayList<>(pools.values());
    }
    List<TargetStatus> out = new ArrayList<>();
    for (ScrapePool p : ps) {
      for (ScrapeLoop l : p.loops()) {
        out.add(l.status());
      }
    }
    return out;
  }

  /**
   * Jobs whose service discovery is failing now: job → mechanism → last error. Their targets are the last
   * ones discovered before the failure.
   */
  public Map<String, Map<String, String>> discoveryErrors() {
    List<ScrapePool> ps;
    synchronized (this) {
      ps = new ArrayList<>(pools.values());
    }
    Map<String, Map<String, String>> out = new TreeMap<>();
    for (ScrapePool p : ps) {
      Map<String, String> e = p.discoveryErrors();
      if (!e.isEmpty()) {
        out.put(p.config().jobName(), e);
      }
    }
    return out;
  }

  private Map<String, Integer> discoveredCounts() {
    Map<String, Integer> m = new TreeMap<>();
    List<ScrapePool> ps;
    synchronized (this) {
      ps = new ArrayList<>(pools.values());
    }
    for (ScrapePool p : ps) {
      m.put(p.config().jobName(), p.discoveredTargets());
    }
    return m;
  }

  private Map<String, Integer> targetCounts() {
    Map<String, Integer> m = new TreeMap<>();
    List<ScrapePool> ps;
    synchronized (this) {
      ps = new ArrayList<>(pools.values());
    }
    for (ScrapePool p : ps) {
      m.put(p.config().jobName(), p.loops().size());
    }
    return m;
  }

  /** Stops all scraping without stale markers (a restart continues the series). */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      for (ScrapePool p : pools.values()) {
        p.stop(false);
      }
      pools.clear();
    }
    scheduler.shutdownNow();
    workers.shutdown();
    try {
      if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  // ---- for pools and loops ----

  ScrapeLoop newLoop(Target t, ScrapeConfig cfg, ScrapeHttp http) {
    return new ScrapeLoop(t, cfg, http, sink, settings.tenant(), scheduler, workers, metrics, settings.clock(), offsetSeed);
  }

  boolean ownsShard(Target t) {
    return ScrapePool.inShard(t, settings.shardCount(), settings.shardIndex());
  }

  ExecutorService workers() {
    return workers;
  }

  DnsResolver dnsResolver() {
    return dnsResolver;
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  void discoveryFailed(String mechanism, String message) {
    metrics.sdFailures.labelValues(mechanism).inc();
    LOG.warn("{}", message);
  }

  void targetFailed(String job, String message) {
    metrics.targetErrors.labelValues(job).inc();
    LOG.warn("job {}: {}", job, message);
  }
}
