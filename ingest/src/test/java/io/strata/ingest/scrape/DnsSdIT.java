package io.strata.ingest.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.ingest.scrape.config.PrometheusConfigLoader;
import io.strata.schemas.model.Labels;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dns_sd_configs against Debian's dnsmasq on a loopback address: SRV, A and MX records, changed while the
 * engine runs, and the server going away. With root, {@code unshare} and Debian's Prometheus, the same
 * prometheus.yml runs in Prometheus 2.42 (its /etc/resolv.conf bind-mounted to name the same dnsmasq) and
 * the discovered and target labels of both are compared.
 */
class DnsSdIT {
  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

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

  private static String jobs(int port, String refresh) {
    return """
        scrape_configs:
          - job_name: srv
            dns_sd_configs: [{names: [_node._tcp.strata.test], refresh_interval: %2$s}]
            relabel_configs:
              - {source_labels: [__meta_dns_srv_record_target], target_label: srv_target}
              - {source_labels: [__meta_dns_srv_record_port], target_label: srv_port}
          - job_name: a
            dns_sd_configs: [{names: [a.strata.test, missing.strata.test], type: A, port: %1$d, refresh_interval: %2$s}]
            relabel_configs: [{source_labels: [__meta_dns_name], target_label: dns_name}]
          - job_name: mx
            dns_sd_configs: [{names: [strata.test], type: MX, port: %1$d, refresh_interval: %2$s}]
            relabel_configs: [{source_labels: [__meta_dns_mx_record_target], target_label: mx}]
        """.formatted(port, refresh);
  }

  @Test
  void targetsFollowRecordChangesAndSurviveTheServerGoingAway() throws Exception {
    Dnsmasq.assumeInstalled();
    String addr = "127.0.0.153";
    try (ExpositionServer web = new ExpositionServer(); ExpositionServer web2 = new ExpositionServer();
        Dnsmasq dns = new Dnsmasq(dir, addr, Dnsmasq.freeUdpPort(addr))) {
      web.route("/metrics").body("m 1\n");
      web2.route("/metrics").body("m 2\n");
      int p1 = Integer.parseInt(web.address().split(":")[1]);
      int p2 = Integer.parseInt(web2.address().split(":")[1]);
      Files.writeString(dns.hosts, "127.0.0.1 a.strata.test\n");
      dns.restart(List.of("--srv-host=_node._tcp.strata.test,localhost," + p1, "--mx-host=strata.test,localhost,10"));

      RecordingSink sink = new RecordingSink();
      PrometheusRegistry registry = new PrometheusRegistry();
      ScrapeEngineSettings settings = ScrapeEngineSettings.defaults().withDnsServers(List.of(addr + ":" + dns.port));
      try (ScrapeEngine engine = new ScrapeEngine(settings, sink, registry)) {
        engine.apply(PrometheusConfigLoader.parse("global: {scrape_interval: 250ms}\n" + jobs(p1, "200ms")));
        RecordingSink.Scrape s = sink.next(x -> x.job().equals("srv") && x.up(), 5000);
        assertEquals("localhost.", s.target().get("srv_target"));
        assertEquals(Integer.toString(p1), s.target().get("srv_port"));
        assertEquals("localhost:" + p1, s.target().get("instance"));
        s = sink.next(x -> x.job().equals("a") && x.up(), 5000);
        assertEquals("a.strata.test", s.target().get("dns_name"));
        assertEquals("127.0.0.1:" + p1, s.target().get("instance"));
        s = sink.next(x -> x.job().equals("mx") && x.up(), 5000);
        assertEquals("localhost.", s.target().get("mx"));
        assertEquals(1.0, s.value("m"));

        // A records change: dnsmasq re-reads its hosts file on SIGHUP
        Files.writeString(dns.hosts, "127.0.0.1 a.strata.test\n127.0.0.2 a.strata.test\n");
        dns.reloadHosts();
        await(() -> instances(engine, "a").equals(Set.of("127.0.0.1:" + p1, "127.0.0.2:" + p1)), 5000,
            () -> "second A record, have " + instances(engine, "a"));
        Files.writeString(dns.hosts, "127.0.0.2 a.strata.test\n");
        dns.reloadHosts();
        await(() -> instances(engine, "a").equals(Set.of("127.0.0.2:" + p1)), 5000, () -> "first A record to go");
        // the target that went away writes stale markers for its series
        RecordingSink.Scrape gone = sink.next(x -> ("127.0.0.1:" + p1).equals(x.target().get("instance"))
            && x.job().equals("a") && !x.staleSeries().isEmpty(), 5000);
        assertTrue(gone.staleSeries().stream().anyMatch(l -> "m".equals(l.metricName())));

        // SRV record changes (dnsmasq reads those at start only)
        dns.restart(List.of("--srv-host=_node._tcp.strata.test,localhost," + p2, "--mx-host=strata.test,localhost,10"));
        await(() -> instances(engine, "srv").equals(Set.of("localhost:" + p2)), 5000, () -> "SRV port change");
        assertEquals(2.0, sink.next(x -> ("localhost:" + p2).equals(x.target().get("instance")) && x.up(), 5000).value("m"));

        // the DNS server goes away: every job keeps its targets and reports the failure
        dns.stop();
        await(() -> engine.discoveryErrors().keySet().equals(Set.of("a", "mx", "srv")), 10_000,
            () -> "discovery errors, have " + engine.discoveryErrors());
        assertTrue(engine.discoveryErrors().get("srv").get("dns").contains("could not resolve \"_node._tcp.strata.test\""),
            engine.discoveryErrors().toString());
        assertEquals(Set.of("localhost:" + p2), instances(engine, "srv"));
        assertEquals(Set.of("127.0.0.2:" + p1), instances(engine, "a"));
        assertEquals(Set.of("localhost:" + p1), instances(engine, "mx"));
        assertTrue(failures(registry) > 0, "strata_scrape_discovery_failures_total{mechanism=dns}");

        // back again: errors clear, records are followed again
        Files.writeString(dns.hosts, "127.0.0.3 a.strata.test\n");
        dns.restart(List.of("--srv-host=_node._tcp.strata.test,localhost," + p2, "--mx-host=strata.test,localhost,10"));
        await(() -> engine.discoveryErrors().isEmpty() && instances(engine, "a").equals(Set.of("127.0.0.3:" + p1)), 10_000,
            () -> "recovery, errors " + engine.discoveryErrors());
      }
    }
  }

  private static double failures(PrometheusRegistry registry) {
    for (var snap : registry.scrape()) {
      if (snap.getMetadata().getName().equals("strata_scrape_discovery_failures")) {
        for (var dp : snap.getDataPoints()) {
          if ("dns".equals(dp.getLabels().get("mechanism"))) {
            return ((io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot) dp).getValue();
          }
        }
      }
    }
    return 0;
  }

  /**
   * The same prometheus.yml in Debian's Prometheus 2.42 and in Strata, both resolving through the same
   * dnsmasq: identical discovered labels and target labels per job. Prometheus reads /etc/resolv.conf only
   * (port 53), so dnsmasq listens on port 53 of a loopback address and Prometheus runs in a mount namespace
   * where /etc/resolv.conf names it; that needs root and {@code unshare}.
   */
  @Test
  void sameTargetsAsPrometheus() throws Exception {
    Dnsmasq.assumeInstalled();
    assumeTrue(Files.isExecutable(PROMETHEUS), "prometheus is not installed");
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root: dnsmasq on port 53 and a mount namespace for Prometheus");
    assumeTrue(new ProcessBuilder("unshare", "--mount", "true").start().waitFor() == 0, "unshare --mount does not work here");
    String addr = "127.0.0.154";
    try (java.net.DatagramSocket probe = new java.net.DatagramSocket(new java.net.InetSocketAddress(addr, 53))) {
      // port 53 on this loopback address is free
    } catch (java.net.SocketException e) {
      assumeTrue(false, "port 53 on " + addr + " is taken: " + e.getMessage());
    }
    int promPort = freePort();
    try (ExpositionServer web = new ExpositionServer(); Dnsmasq dns = new Dnsmasq(dir, addr, 53)) {
      web.route("/metrics").body("m 1\n");
      int p1 = Integer.parseInt(web.address().split(":")[1]);
      Files.writeString(dns.hosts, "127.0.0.1 a.strata.test\n127.0.0.2 a.strata.test\n");
      dns.restart(List.of("--srv-host=_node._tcp.strata.test,localhost," + p1 + ",0,5",
          "--srv-host=_node._tcp.strata.test,a.strata.test,9100,1,5", "--mx-host=strata.test,localhost,10"));
      String yaml = "global: {scrape_interval: 1s}\n" + jobs(p1, "1s");
      Files.writeString(dir.resolve("prometheus.yml"), yaml);
      Files.writeString(dir.resolve("resolv.conf"), "nameserver " + addr + "\n");
      Process prom = new ProcessBuilder("unshare", "--mount", "sh", "-c",
          "mount --bind \"$0\" /etc/resolv.conf && exec " + PROMETHEUS + " --config.file=\"$1\" --storage.tsdb.path=\"$2\""
              + " --web.listen-address=127.0.0.1:\"$3\"",
          dir.resolve("resolv.conf").toString(), dir.resolve("prometheus.yml").toString(), dir.resolve("data").toString(),
          Integer.toString(promPort))
          .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
      try (ScrapeEngine engine = new ScrapeEngine(ScrapeEngineSettings.defaults().withDnsServers(List.of(addr)),
          new RecordingSink(), new PrometheusRegistry())) {
        engine.apply(PrometheusConfigLoader.parse(yaml));
        // 2 SRV + 2 A + 1 MX targets
        await(() -> engine.targets().size() == 5, 10_000, () -> "Strata's targets: " + engine.targets());
        Set<String> theirs = new TreeSet<>();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (theirs.size() < 5) {
          theirs = prometheusTargets(promPort);
          if (System.nanoTime() > deadline) {
            throw new AssertionError("Prometheus did not discover 5 targets: " + theirs + "\n" + Files.readString(dir.resolve("prometheus.log")));
          }
          Thread.sleep(200);
        }
        Set<String> ours = new TreeSet<>();
        for (TargetStatus t : engine.targets()) {
          ours.add(t.job() + " discovered=" + t.discoveredLabels() + " labels=" + t.labels());
        }
        System.out.println("compared " + ours.size() + " DNS-discovered targets with Prometheus:\n" + String.join("\n", ours));
        assertEquals(theirs, ours);
      } finally {
        prom.destroy();
        if (!prom.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
          prom.destroyForcibly();
        }
      }
    }
  }

  private static Set<String> prometheusTargets(int port) throws Exception {
    Set<String> out = new TreeSet<>();
    HttpResponse<String> resp;
    try {
      resp = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/targets"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return out; // not up yet
    }
    if (resp.statusCode() != 200) {
      return out; // starting
    }
    String body = resp.body();
    for (JsonNode t : new ObjectMapper().readTree(body).path("data").path("activeTargets")) {
      out.add(t.path("scrapePool").asText() + " discovered=" + labels(t.path("discoveredLabels")) + " labels="
          + labels(t.path("labels")));
    }
    return out;
  }

  private static Labels labels(JsonNode o) {
    Map<String, String> m = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
      var e = it.next();
      m.put(e.getKey(), e.getValue().asText());
    }
    return Labels.fromMap(m);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
