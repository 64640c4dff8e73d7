package io.strata.ingest.scrape;

import io.strata.ingest.exposition.ExpositionParseException;
import io.strata.ingest.exposition.ExpositionParser;
import io.strata.ingest.exposition.FamilyMetadata;
import io.strata.ingest.exposition.Format;
import io.strata.ingest.exposition.MetricType;
import io.strata.ingest.exposition.SampleView;
import io.strata.ingest.exposition.SampleVisitor;
import io.strata.ingest.scrape.config.ScrapeConfig;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.StaleMarker;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scrapes one target at its interval, at a fixed phase derived from the target's hash (so scrapes of
 * many targets spread over the interval and replicas with the same seed scrape at the same moments).
 * A tick that finds the previous scrape still running is skipped. Each scrape ends in exactly one
 * {@link ScrapeSink#accept} call.
 */
final class ScrapeLoop implements SampleVisitor {
  private static final Logger LOG = LoggerFactory.getLogger(ScrapeLoop.class);

  static final String UP = "up";
  static final String DURATION = "scrape_duration_seconds";
  static final String SAMPLES_SCRAPED = "scrape_samples_scraped";
  static final String SAMPLES_POST_RELABEL = "scrape_samples_post_metric_relabeling";
  static final String SERIES_ADDED = "scrape_series_added";

  final Target target;
  private volatile Labels discovered;
  private final ScrapeConfig cfg;
  private final ScrapeHttp http;
  private final ScrapeSink sink;
  private final String tenant;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService workers;
  private final ScrapeMetrics metrics;
  private final Clock clock;
  private final long phaseMs;
  private final long intervalMs;

  private final Object lock = new Object();
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile boolean stopped;
  private ScheduledFuture<?> tickTask;

  // Scrape state, guarded by lock.
  private final SeriesCache cache = new SeriesCache();
  private List<SeriesCache.Series> prev = new ArrayList<>();
  private List<SeriesCache.Series> cur = new ArrayList<>();
  private long iteration;
  private BodyBuffer body = new BodyBuffer();
  private final BodyBuffer unzipped = new BodyBuffer();
  private final ExpositionParser parser = new ExpositionParser();
  private final ScrapeBatch batch;
  private final Labels[] reportLabels;
  private final Map<String, String[]> familyMeta = new LinkedHashMap<>();
  private final boolean[] isNew = new boolean[1];
  private long scrapeTs;
  private int total;
  private int added;
  private int seriesAdded;
  private int duplicates;
  private boolean sampleLimitHit;

  // Status for the targets API.
  private volatile TargetStatus.Health health = TargetStatus.Health.UNKNOWN;
  private volatile String lastError = "";
  private volatile long lastScrapeMs;
  private volatile double lastDuration;

  ScrapeLoop(Target target, ScrapeConfig cfg, ScrapeHttp http, ScrapeSink sink, String tenant,
      ScheduledExecutorService scheduler, ExecutorService workers, ScrapeMetrics metrics, Clock clock, long offsetSeed) {
    this.target = target;
    this.discovered = target.discoveredLabels();
    this.cfg = cfg;
    this.http = http;
    this.sink = sink;
    this.tenant = tenant;
    this.scheduler = scheduler;
    this.workers = workers;
    this.metrics = metrics;
    this.clock = clock;
    this.intervalMs = target.interval().toMillis();
    this.phaseMs = Math.floorMod(target.hash() ^ offsetSeed, intervalMs);
    this.batch = new ScrapeBatch(target.job(), target.labels());
    String[] names = {UP, DURATION, SAMPLES_SCRAPED, SAMPLES_POST_RELABEL, SERIES_ADDED};
    reportLabels = new Labels[names.length];
    for (int i = 0; i < names.length; i++) {
      reportLabels[i] = target.labels().with(Labels.METRIC_NAME, names[i]);
    }
  }

  /** Carries the previous scrape's series over from the loop this one replaces (config reload). */
  void inherit(ScrapeLoop old) {
    List<Labels> carried = new ArrayList<>();
    synchronized (old.lock) {
      for (SeriesCache.Series s : old.prev) {
        carried.add(s.labels);
      }
    }
    synchronized (lock) {
      for (Labels l : carried) {
        prev.add(cache.adopt(l));
      }
    }
  }

  void start() {
    long delay = Math.floorMod(phaseMs - clock.millis(), intervalMs);
    tickTask = scheduler.scheduleAtFixedRate(this::tick, delay, intervalMs, TimeUnit.MILLISECONDS);
  }

  /**
   * Stops the loop. With {@code staleMarkers}, at the time the next scrape would have happened, writes
   * stale markers for every series of the last scrape and for the report series (target gone); without,
   * the loop just ends (engine shutdown, or replaced by a loop that inherited its series).
   */
  void stop(boolean staleMarkers) {
    stopped = true;
    if (tickTask != null) {
      tickTask.cancel(false);
    }
    if (staleMarkers) {
      long delay = Math.floorMod(phaseMs - clock.millis(), intervalMs);
      try {
        scheduler.schedule(() -> runOnWorkers(this::endOfRun), delay, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        LOG.debug("engine shut down before end-of-run stale markers of {}", target.url());
      }
    }
  }

  private void runOnWorkers(Runnable r) {
    try {
      workers.execute(r);
    } catch (RejectedExecutionException e) {
      LOG.debug("engine shut down, dropping work for {}", target.url());
    }
  }

  private void tick() {
    if (stopped || !running.compareAndSet(false, true)) {
      return; // the previous scrape is still running: skip this tick, as Prometheus does
    }
    long start = clock.millis();
    long startNanos = System.nanoTime();
    BodyBuffer buf = body;
    CompletableFuture<HttpResponse<BodyBuffer>> f;
    try {
      f = http.fetch(target, buf);
    } catch (Exception e) {
      runOnWorkers(() -> finish(null, e, start, startNanos));
      return;
    }
    f.orTimeout(target.timeout().toMillis(), TimeUnit.MILLISECONDS).whenComplete((resp, err) -> {
      if (err != null && unwrap(err) instanceof TimeoutException) {
        f.cancel(true);
        synchronized (lock) {
          if (body == buf) {
            body = new BodyBuffer(); // the cancelled exchange may still write into the old one
          }
        }
      }
      runOnWorkers(() -> finish(resp, err, start, startNanos));
    });
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private void finish(HttpResponse<BodyBuffer> resp, Throwable err, long start, long startNanos) {
    try {
      synchronized (lock) {
        if (stopped) {
          return;
        }
        scrape(resp, err, start, startNanos);
      }
    } catch (RuntimeException e) {
      LOG.error("BUG: scrape of {} failed unexpectedly", target.url(), e);
    } finally {
      running.set(false);
    }
  }

  private void scrape(HttpResponse<BodyBuffer> resp, Throwable err, long start, long startNanos) {
    iteration++;
    batch.clear();
    familyMeta.clear();
    cur.clear();
    scrapeTs = start;
    total = 0;
    added = 0;
    seriesAdded = 0;
    duplicates = 0;
    sampleLimitHit = false;
    String failure = null;
    if (err != null) {
      failure = describe(unwrap(err));
    } else if (resp.statusCode() != 200) {
      failure = "server returned HTTP status " + resp.statusCode();
    } else {
      failure = parseBody(resp);
    }
    boolean ok = failure == null;
    if (!ok) {
      batch.clear(); // a failed scrape is an empty scrape: nothing it parsed is kept
      cur.clear();
    } else {
      for (var e : familyMeta.entrySet()) {
        String[] m = e.getValue();
        batch.addMetadata(new FamilyMetadata(e.getKey(), m[0] == null ? MetricType.UNKNOWN : MetricType.valueOf(m[0]), m[1], m[2]));
      }
    }
    int appended = batch.size();
    for (SeriesCache.Series s : prev) {
      if (!ok || s.trackedIteration != iteration) {
        batch.add(s.labels, scrapeTs, StaleMarker.VALUE);
      }
    }
    double duration = (System.nanoTime() - startNanos) / 1e9;
    batch.add(reportLabels[0], scrapeTs, ok ? 1 : 0);
    batch.add(reportLabels[1], scrapeTs, duration);
    batch.add(reportLabels[2], scrapeTs, total);
    batch.add(reportLabels[3], scrapeTs, added);
    batch.add(reportLabels[4], scrapeTs, seriesAdded);
    health = ok ? TargetStatus.Health.UP : TargetStatus.Health.DOWN;
    lastError = ok ? "" : failure;
    lastScrapeMs = start;
    lastDuration = duration;
    boolean delivered = false;
    try {
      sink.accept(tenant, batch);
      delivered = true;
    } catch (Exception e) {
      metrics.sinkFailures.labelValues(target.job()).inc();
      LOG.warn("sink rejected the scrape of {}: {}", target.url(), e.toString());
    }
    if (delivered) {
      List<SeriesCache.Series> t = prev;
      prev = cur;
      cur = t;
      cur.clear();
      metrics.samples.labelValues(target.job()).inc(appended);
      if (duplicates > 0) {
        metrics.rejected.labelValues(target.job(), "duplicate").inc(duplicates);
      }
    }
    cache.evict(iteration, prev);
    batch.clear();
    metrics.scrapes.labelValues(target.job(), ok ? "success" : "failure").inc();
    if (!ok) {
      LOG.debug("scrape of {} failed: {}", target.url(), failure);
    }
  }

  private String parseBody(HttpResponse<BodyBuffer> resp) {
    BodyBuffer b = resp.body();
    byte[] data = b.buf;
    int len = b.len;
    try {
      if (resp.headers().firstValue("Content-Encoding").map(v -> v.trim().equalsIgnoreCase("gzip")).orElse(false)) {
        unzipped.gunzip(data, len, cfg.bodySizeLimit());
        data = unzipped.buf;
        len = unzipped.len;
      }
    } catch (java.io.IOException e) {
      return e.getMessage() != null && e.getMessage().contains("body size limit") ? e.getMessage()
          : "error decompressing gzip body: " + e.getMessage();
    }
    Format format = Format.forContentType(resp.headers().firstValue("Content-Type").orElse(null));
    try {
      parser.parse(data, 0, len, format, this);
    } catch (ExpositionParseException e) {
      return e.getMessage();
    } catch (AbortScrape e) {
      return e.getMessage();
    }
    return sampleLimitHit ? "sample limit exceeded" : null;
  }

  private static String describe(Throwable t) {
    if (t instanceof TimeoutException || t instanceof HttpTimeoutException) {
      return "context deadline exceeded (scrape timeout)";
    }
    String m = t.getMessage();
    if (m != null && m.equals("body size limit exceeded")) {
      return m;
    }
    if (t instanceof java.net.ConnectException) {
      return "connection refused" + (m == null ? "" : " (" + m + ")");
    }
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  // ---- per-sample path (inside the parser callback) ----

  @Override
  public void help(String family, String help) {
    familyMeta.computeIfAbsent(family, k -> new String[3])[1] = help;
  }

  @Override
  public void type(String family, MetricType type) {
    familyMeta.computeIfAbsent(family, k -> new String[3])[0] = type.name();
  }

  @Override
  public void unit(String family, String unit) {
    familyMeta.computeIfAbsent(family, k -> new String[3])[2] = unit;
  }

  @Override
  public void sample(SampleView s) {
    total++;
    SeriesCache.Entry e = cache.get(s.buffer(), s.seriesStart(), s.seriesEnd(), s.seriesHash());
    if (e == null) {
      Labels l = SampleLabels.build(s, target.labels(), cfg);
      if (l != null) {
        SampleLabels.checkLimits(l, cfg);
      }
      e = cache.put(l, isNew);
      if (isNew[0]) {
        seriesAdded++;
      }
    }
    e.lastUsed = iteration;
    SeriesCache.Series series = e.series;
    if (series == null) {
      return; // dropped by metric_relabel_configs
    }
    added++;
    if (cfg.sampleLimit() > 0 && added > cfg.sampleLimit()) {
      sampleLimitHit = true; // keep counting so scrape_samples_scraped is right; the scrape fails
      return;
    }
    boolean explicitTs = cfg.honorTimestamps() && s.hasTimestamp();
    long ts = explicitTs ? s.timestampMs() : scrapeTs;
    if (series.seenIteration == iteration && series.seenTimestamp == ts) {
      duplicates++;
      return; // same series twice at one timestamp: Prometheus keeps the first
    }
    series.seenIteration = iteration;
    series.seenTimestamp = ts;
    if (!explicitTs && series.trackedIteration != iteration) {
      // Series with exposed timestamps get no stale markers, as in Prometheus.
      series.trackedIteration = iteration;
      cur.add(series);
    }
    batch.add(series.labels, ts, s.value());
  }

  /** Aborts parsing: the scrape fails with this message. */
  static final class AbortScrape extends RuntimeException {
    AbortScrape(String message) {
      super(message, null, false, false);
    }
  }

  private void endOfRun() {
    synchronized (lock) {
      batch.clear();
      long ts = clock.millis();
      for (SeriesCache.Series s : prev) {
        batch.add(s.labels, ts, StaleMarker.VALUE);
      }
      for (Labels l : reportLabels) {
        batch.add(l, ts, StaleMarker.VALUE);
      }
      try {
        sink.accept(tenant, batch);
      } catch (Exception e) {
        metrics.sinkFailures.labelValues(target.job()).inc();
        LOG.warn("sink rejected end-of-run stale markers of {}: {}", target.url(), e.toString());
      }
      prev.clear();
      batch.clear();
    }
  }

  /**
   * Discovery gave the same target with other labels before relabeling (e.g. a changed meta label that
   * relabeling drops): the loop goes on, the status shows the newest labels, as Prometheus does.
   */
  void discoveredLabels(Labels discovered) {
    this.discovered = discovered;
  }

  TargetStatus status() {
    return new TargetStatus(target.job(), target.url().toString(), target.labels(), discovered, health,
        lastError, lastScrapeMs, lastDuration, intervalMs, target.timeout().toMillis());
  }
}
