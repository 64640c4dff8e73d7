package io.strata.ingest.scrape;

import io.strata.ingest.relabel.Relabeler;
import io.strata.ingest.scrape.config.ConsulSdConfig;
import io.strata.ingest.scrape.config.DnsSdConfig;
import io.strata.ingest.scrape.config.KubernetesSdConfig;
import io.strata.ingest.scrape.config.FileSdConfig;
import io.strata.ingest.scrape.config.HttpSdConfig;
import io.strata.ingest.scrape.config.ScrapeConfig;
import io.strata.ingest.scrape.discovery.ConsulSdDiscoverer;
import io.strata.ingest.scrape.discovery.Discoverer;
import io.strata.ingest.scrape.discovery.DiscoveryErrors;
import io.strata.ingest.scrape.discovery.DnsSdDiscoverer;
import io.strata.ingest.scrape.discovery.KubernetesSdDiscoverer;
import io.strata.ingest.scrape.discovery.FileSdDiscoverer;
import io.strata.ingest.scrape.discovery.HttpSdDiscoverer;
import io.strata.ingest.scrape.discovery.StaticDiscoverer;
import io.strata.ingest.scrape.discovery.TargetGroup;
import io.strata.schemas.model.Labels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The targets of one job: runs the job's discoverers, turns their groups into targets, keeps one loop per
 * target. On reload with a changed config the loops restart with the new config and keep their series
 * (no stale markers for targets that stay).
 */
final class ScrapePool {
  private static final Logger LOG = LoggerFactory.getLogger(ScrapePool.class);

  private final ScrapeEngine engine;
  private ScrapeConfig cfg;
  private ScrapeHttp http;
  private final List<Discoverer> discoverers = new ArrayList<>();
  private final Map<Integer, List<TargetGroup>> groups = new HashMap<>();
  private final Map<Labels, ScrapeLoop> loops = new LinkedHashMap<>();
  private final Map<ScrapeLoop, ScrapeConfig> loopConfig = new HashMap<>();
  private boolean stopped;
  /** Last discovery error by mechanism, cleared by that mechanism's next good refresh. */
  private final Map<String, String> discoveryErrors = new java.util.concurrent.ConcurrentHashMap<>();
  private final DiscoveryErrors errors = new DiscoveryErrors() {
    @Override
    public void failed(String mechanism, String message) {
      discoveryErrors.put(mechanism, message);
      engine.discoveryFailed(mechanism, "job " + cfg.jobName() + ": " + message);
    }

    @Override
    public void succeeded(String mechanism) {
      discoveryErrors.remove(mechanism);
    }
  };

  ScrapePool(ScrapeEngine engine, ScrapeConfig cfg) {
    this.engine = engine;
    this.cfg = cfg;
    this.http = new ScrapeHttp(cfg, engine.workers());
  }

  ScrapeConfig config() {
    return cfg;
  }

  synchronized void start() {
    startDiscoverers();
  }

  private void startDiscoverers() {
    List<Discoverer> ds = new ArrayList<>();
    if (!cfg.staticConfigs().isEmpty()) {
      ds.add(new StaticDiscoverer(cfg.staticConfigs()));
    }
    for (FileSdConfig f : cfg.fileSdConfigs()) {
      ds.add(new FileSdDiscoverer(f, msg -> errors.failed("file", msg)));
    }
    for (HttpSdConfig h : cfg.httpSdConfigs()) {
      ds.add(new HttpSdDiscoverer(h, http.client(), engine.scheduler(), engine.workers(), errors));
    }
    for (DnsSdConfig d : cfg.dnsSdConfigs()) {
      ds.add(new DnsSdDiscoverer(d, engine.dnsResolver(), engine.scheduler(), engine.workers(), errors));
    }
    for (ConsulSdConfig c : cfg.consulSdConfigs()) {
      ds.add(new ConsulSdDiscoverer(c, engine.scheduler(), engine.workers(), errors));
    }
    for (KubernetesSdConfig k : cfg.kubernetesSdConfigs()) {
      ds.add(new KubernetesSdDiscoverer(k, errors));
    }
    for (int i = 0; i < ds.size(); i++) {
      int id = i;
      discoverers.add(ds.get(i));
      ds.get(i).start(update -> onUpdate(id, update));
    }
  }

  private void onUpdate(int discoverer, List<TargetGroup> update) {
    synchronized (this) {
      if (stopped) {
        return;
      }
      groups.put(discoverer, update);
      sync();
    }
  }

  /** Applies a changed config: new HTTP client, loops restarted, discovery restarted if it changed. */
  synchronized void reload(ScrapeConfig newCfg) {
    boolean sdChanged = !newCfg.sameDiscovery(cfg);
    cfg = newCfg;
    http = new ScrapeHttp(newCfg, engine.workers());
    if (sdChanged) {
      for (Discoverer d : discoverers) {
        d.close();
      }
      discoverers.clear();
      groups.clear();
      discoveryErrors.clear();
      sync(); // targets of the old discovery go away now (stale markers); new ones arrive with the first update
      startDiscoverers();
    } else {
      sync();
    }
  }

  private void sync() {
    Map<Labels, Target> want = new LinkedHashMap<>();
    for (List<TargetGroup> gs : groups.values()) {
      for (TargetGroup g : gs) {
        for (Map<String, String> t : g.targets()) {
          Map<String, String> merged = new HashMap<>(g.labels());
          merged.putAll(t);
          Target target;
          try {
            target = TargetBuilder.build(cfg, merged);
          } catch (IllegalArgumentException e) {
            engine.targetFailed(cfg.jobName(), "creating target failed for " + merged + ": " + e.getMessage());
            continue;
          }
          if (target == null || !engine.ownsShard(target)) {
            continue;
          }
          want.putIfAbsent(target.internalLabels(), target);
        }
      }
    }
    for (var it = loops.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!want.containsKey(e.getKey())) {
        e.getValue().stop(true);
        loopConfig.remove(e.getValue());
        it.remove();
      }
    }
    for (var e : want.entrySet()) {
      ScrapeLoop old = loops.get(e.getKey());
      if (old != null && loopConfig.get(old) == cfg) {
        old.discoveredLabels(e.getValue().discoveredLabels());
        continue;
      }
      ScrapeLoop loop = engine.newLoop(e.getValue(), cfg, http);
      if (old != null) {
        old.stop(false);
        loop.inherit(old);
        loopConfig.remove(old);
      }
      loops.put(e.getKey(), loop);
      loopConfig.put(loop, cfg);
      loop.start();
    }
    LOG.debug("job {}: {} targets", cfg.jobName(), loops.size());
  }

  /** Stops everything; with {@code staleMarkers} every target writes end-of-run stale markers. */
  synchronized void stop(boolean staleMarkers) {
    stopped = true;
    for (Discoverer d : discoverers) {
      d.close();
    }
    for (ScrapeLoop l : loops.values()) {
      l.stop(staleMarkers);
    }
    loops.clear();
    loopConfig.clear();
  }

  /** Targets the job's discoverers give now, before relabeling. */
  synchronized int discoveredTargets() {
    int n = 0;
    for (List<TargetGroup> gs : groups.values()) {
      for (TargetGroup g : gs) {
        n += g.targets().size();
      }
    }
    return n;
  }

  /** The last error of each discovery mechanism of this job that is failing now, by mechanism. */
  Map<String, String> discoveryErrors() {
    return new java.util.TreeMap<>(discoveryErrors);
  }

  synchronized List<ScrapeLoop> loops() {
    return new ArrayList<>(loops.values());
  }

  static boolean inShard(Target t, int count, int index) {
    if (count <= 1) {
      return true;
    }
    String addr = t.internalLabels().get(TargetBuilder.ADDRESS);
    return Relabeler.hashmod(addr == null ? "" : addr, count) == index;
  }
}
