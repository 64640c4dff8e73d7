package io.strata.ingest.scrape;

import static io.strata.ingest.scrape.FakeConsul.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.ingest.scrape.config.PrometheusConfigLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * consul_sd_configs against a server speaking Consul's documented HTTP API: blocking queries, catalog
 * changes followed without a reload, Prometheus 2.42's meta labels, the registry going away.
 */
class ConsulSdIT {
  @TempDir
  Path dir;

  private static void await(Supplier<Boolean> cond, long ms, Supplier<String> what) throws InterruptedException {
    long deadline = System.nanoTime() + ms * 1_000_000L;
    while (!cond.get()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what.get());
      }
      Thread.sleep(20);
    }
  }

  private static Set<String> instances(ScrapeEngine engine, String job) {
    Set<String> s = new TreeSet<>();
    for (TargetStatus t : engine.targets()) {
      if (t.job().equals(job)) {
        s.add(t.labels().get("instance"));
      }
    }
    return s;
  }

  private static Map<String, String> discovered(ScrapeEngine engine, String instance) {
    for (TargetStatus t : engine.targets()) {
      if (instance.equals(t.labels().get("instance"))) {
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < t.discoveredLabels().size(); i++) {
          m.put(t.discoveredLabels().name(i), t.discoveredLabels().value(i));
        }
        return m;
      }
    }
    throw new AssertionError("no target " + instance);
  }

  private static double gauge(PrometheusRegistry registry, String name, String job) {
    for (var snap : registry.scrape()) {
      if (snap.getMetadata().getName().equals(name)) {
        for (var dp : snap.getDataPoints()) {
          if (job.equals(dp.getLabels().get("job"))) {
            return ((io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot) dp).getValue();
          }
        }
      }
    }
    return Double.NaN;
  }

  @Test
  void catalogChangesAreFollowedWithMetaLabelsAsPrometheus() throws Exception {
    try (FakeConsul consul = new FakeConsul("dc1")) {
      consul.put("web",
          entry("node-1", "127.0.0.11", Map.of("rack", "r1", "os-version", "12"), "web-1", "web", "127.0.0.21", 9100,
              List.of("prod", "v1"), Map.of("team", "frontend"), "serfHealth", "passing", "service:web-1", "warning"),
          entry("node-2", "127.0.0.12", Map.of("rack", "r1"), "web-2", "web", "", 9100, List.of("prod"), Map.of(),
              "serfHealth", "passing"));
      consul.put("db", entry("node-1", "127.0.0.11", Map.of("rack", "r1"), "db-1", "db", "", 5432, List.of("prod"), Map.of(),
          "serfHealth", "passing", "service:db-1", "critical"));
      consul.put("cache", entry("node-3", "127.0.0.13", Map.of("rack", "r2"), "cache-1", "cache", "", 6379, List.of("dev"),
          Map.of(), "_node_maintenance", "critical", "service:cache-1", "passing"));

      PrometheusRegistry registry = new PrometheusRegistry();
      try (ScrapeEngine engine = new ScrapeEngine(ScrapeEngineSettings.defaults(), new RecordingSink(), registry)) {
        engine.apply(PrometheusConfigLoader.parse("""
            global: {scrape_interval: 1m}
            scrape_configs:
              - job_name: tagged
                consul_sd_configs:
                  - {server: '%1$s', token: s3cret, tags: [prod], node_meta: {rack: r1}, refresh_interval: 100ms}
              - job_name: fixed
                consul_sd_configs:
                  - {server: '%1$s', services: [cache], datacenter: dc9, allow_stale: false, tag_separator: '|', refresh_interval: 100ms}
            """.formatted(consul.address())));
        await(() -> instances(engine, "tagged").equals(Set.of("127.0.0.21:9100", "127.0.0.12:9100", "127.0.0.11:5432")),
            5000, () -> "tagged targets, have " + instances(engine, "tagged"));
        assertEquals(new TreeMap<>(Map.ofEntries(
            Map.entry("__address__", "127.0.0.21:9100"),
            Map.entry("__meta_consul_address", "127.0.0.11"),
            Map.entry("__meta_consul_dc", "dc1"),
            Map.entry("__meta_consul_health", "warning"),
            Map.entry("__meta_consul_metadata_os_version", "12"),
            Map.entry("__meta_consul_metadata_rack", "r1"),
            Map.entry("__meta_consul_node", "node-1"),
            Map.entry("__meta_consul_service", "web"),
            Map.entry("__meta_consul_service_address", "127.0.0.21"),
            Map.entry("__meta_consul_service_id", "web-1"),
            Map.entry("__meta_consul_service_metadata_team", "frontend"),
            Map.entry("__meta_consul_service_port", "9100"),
            Map.entry("__meta_consul_tagged_address_lan", "127.0.0.11"),
            Map.entry("__meta_consul_tagged_address_wan", "127.0.0.11"),
            Map.entry("__meta_consul_tags", ",prod,v1,"),
            Map.entry("__metrics_path__", "/metrics"),
            Map.entry("__scheme__", "http"),
            Map.entry("__scrape_interval__", "1m"),
            Map.entry("__scrape_timeout__", "10s"),
            Map.entry("job", "tagged"))), discovered(engine, "127.0.0.21:9100"));
        assertEquals("critical", discovered(engine, "127.0.0.11:5432").get("__meta_consul_health"));
        assertEquals(3.0, gauge(registry, "strata_scrape_discovered_targets", "tagged"));
        assertEquals(Set.of("127.0.0.13:6379"), instances(engine, "fixed"));
        Map<String, String> cache = discovered(engine, "127.0.0.13:6379");
        assertEquals("dc9", cache.get("__meta_consul_dc"));
        assertEquals("maintenance", cache.get("__meta_consul_health"));
        assertEquals("|dev|", cache.get("__meta_consul_tags"));

        List<String> reqs = List.copyOf(consul.requests);
        assertTrue(reqs.stream().anyMatch(r -> r.startsWith("/v1/agent/self") && r.endsWith(" token=s3cret")), reqs.toString());
        // the second catalog call blocks on the index of the first
        await(() -> List.copyOf(consul.requests).stream().anyMatch(r -> r.startsWith("/v1/catalog/services?")
            && r.contains("stale=") && r.contains("wait=120000ms") && r.contains("node-meta=rack%3Ar1") && r.contains("index=")),
            5000, () -> "a blocking catalog query, have " + consul.requests);
        assertTrue(reqs.stream().anyMatch(r -> r.startsWith("/v1/health/service/web?tag=prod&")), reqs.toString());
        assertTrue(reqs.stream().anyMatch(r -> r.startsWith("/v1/health/service/cache?dc=dc9&wait=")), reqs.toString());
        assertTrue(reqs.stream().noneMatch(r -> r.contains("/v1/catalog/services?dc=dc9")), "fixed services skip the catalog");

        // a new instance appears through the blocking query, without a reload
        consul.put("web",
            entry("node-2", "127.0.0.12", Map.of("rack", "r1"), "web-2", "web", "", 9100, List.of("prod"), Map.of()),
            entry("node-4", "127.0.0.14", Map.of("rack", "r1"), "web-4", "web", "", 9100, List.of("prod"), Map.of()));
        await(() -> instances(engine, "tagged").equals(Set.of("127.0.0.12:9100", "127.0.0.14:9100", "127.0.0.11:5432")),
            5000, () -> "web change, have " + instances(engine, "tagged"));
        // a service leaving the catalog takes its targets along
        consul.remove("db");
        await(() -> instances(engine, "tagged").equals(Set.of("127.0.0.12:9100", "127.0.0.14:9100")), 5000,
            () -> "db removal, have " + instances(engine, "tagged"));

        // the registry fails: targets stay, the error shows, then clears once it answers again
        consul.down = true;
        consul.put("web", entry("node-2", "127.0.0.12", Map.of("rack", "r1"), "web-2", "web", "", 9100, List.of("prod"), Map.of()));
        await(() -> engine.discoveryErrors().containsKey("tagged"), 5000, () -> "a consul error");
        assertTrue(engine.discoveryErrors().get("tagged").get("consul").contains("Unexpected response code: 500"),
            engine.discoveryErrors().toString());
        assertEquals(Set.of("127.0.0.12:9100", "127.0.0.14:9100"), instances(engine, "tagged"));
        consul.down = false;
        await(() -> engine.discoveryErrors().isEmpty() && instances(engine, "tagged").equals(Set.of("127.0.0.12:9100")), 5000,
            () -> "recovery, errors " + engine.discoveryErrors() + ", targets " + instances(engine, "tagged"));
      }
    }
  }

  /**
   * Debian's vmagent (VictoriaMetrics, which implements consul_sd_configs with Prometheus's meta labels)
   * and Strata read the same prometheus.yml against the same catalog: identical targets and labels after
   * relabeling, also after the catalog changes.
   */
  @Test
  void sameTargetsAsVmagent() throws Exception {
    Vmagent.assumeInstalled();
    try (FakeConsul consul = new FakeConsul("dc1"); ExpositionServer sink = new ExpositionServer()) {
      consul.put("web",
          entry("node-1", "127.0.0.11", Map.of("rack", "r1", "os-version", "12"), "web-1", "web", "127.0.0.21", 9100,
              List.of("prod", "v1"), Map.of("team", "frontend"), "serfHealth", "passing", "service:web-1", "warning"),
          entry("node-2", "127.0.0.12", Map.of("rack", "r1"), "web-2", "web", "", 9100, List.of("prod"), Map.of(),
              "serfHealth", "passing"));
      consul.put("db", entry("node-1", "127.0.0.11", Map.of("rack", "r1"), "db-1", "db", "", 5432, List.of("prod"), Map.of(),
          "serfHealth", "passing", "service:db-1", "critical"));
      consul.put("cache", entry("node-3", "127.0.0.13", Map.of("rack", "r2"), "cache-1", "cache", "", 6379, List.of("dev"),
          Map.of(), "_node_maintenance", "critical", "service:cache-1", "passing"));
      String yaml = """
          global: {scrape_interval: 1m}
          scrape_configs:
            - job_name: tagged
              consul_sd_configs: [{server: '%1$s', tags: [prod], node_meta: {rack: r1}, refresh_interval: 1s}]
              relabel_configs: %2$s
            - job_name: all
              consul_sd_configs: [{server: '%1$s', refresh_interval: 1s}]
              relabel_configs: %2$s
            - job_name: fixed
              consul_sd_configs: [{server: '%1$s', services: [cache, db], datacenter: dc9, tag_separator: '|', refresh_interval: 1s}]
              relabel_configs: %2$s
          """.formatted(consul.address(), "[{action: labelmap, regex: '__meta_consul_(address|dc|health|metadata_.+|node|service"
          + "|service_address|service_id|service_metadata_.+|service_port|tagged_address_.+|tags)', replacement: 'consul_$1'}]");
      sink.route("/api/v1/write").body("");
      try (Vmagent vm = Vmagent.start(dir, yaml, sink.address(), "-promscrape.consulSDCheckInterval=1s",
          "-promscrape.config.strictParse=false");
          ScrapeEngine engine = new ScrapeEngine(ScrapeEngineSettings.defaults(), new RecordingSink(), new PrometheusRegistry())) {
        engine.apply(PrometheusConfigLoader.parse(yaml));
        Vmagent.assertSameTargets(vm, engine, 9);

        consul.put("web", entry("node-4", "127.0.0.14", Map.of("rack", "r1"), "web-4", "web", "", 9100, List.of("prod", "v2"),
            Map.of("version", "2")));
        consul.remove("db");
        Vmagent.assertSameTargets(vm, engine, 4);
      }
    }
  }
}
