package io.strata.ingest.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.ingest.scrape.config.PrometheusConfigLoader;
import io.strata.schemas.model.Labels;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scrapes a real node_exporter with our engine and with Debian's Prometheus, same job config, and
 * compares the series (label sets) each produced. Skipped when the binaries are not installed.
 */
class PrometheusComparisonTest {
  private static final Path NODE_EXPORTER = Path.of("/usr/bin/prometheus-node-exporter");
  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir
  Path dir;

  @Test
  void sameSeriesAsPrometheus() throws Exception {
    assumeTrue(Files.isExecutable(NODE_EXPORTER) && Files.isExecutable(PROMETHEUS), "node_exporter/prometheus not installed");
    int nodePort = freePort();
    int promPort = freePort();
    String target = "127.0.0.1:" + nodePort;
    // metric_relabel_configs run on both sides: a rename proves relabeling matches too.
    String job = """
        scrape_configs:
          - job_name: node
            scrape_interval: 1s
            scrape_timeout: 1s
            static_configs: [{targets: ['%s'], labels: {env: compare}}]
            metric_relabel_configs:
              - {source_labels: [__name__], regex: 'go_(.*)', target_label: __name__, replacement: 'golang_$1'}
              - {source_labels: [__name__], regex: 'promhttp_.*', action: drop}
        """.formatted(target);
    Files.writeString(dir.resolve("prometheus.yml"), job);
    List<Process> procs = new ArrayList<>();
    try {
      procs.add(start(NODE_EXPORTER.toString(), "--web.listen-address=" + target));
      procs.add(start(PROMETHEUS.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
          "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + promPort));
      waitFor("http://" + target + "/metrics");
      waitFor("http://127.0.0.1:" + promPort + "/-/ready");

      RecordingSink sink = new RecordingSink();
      Set<String> ours = new TreeSet<>();
      try (ScrapeEngine engine = new ScrapeEngine(ScrapeEngineSettings.defaults(), sink, new PrometheusRegistry())) {
        engine.apply(PrometheusConfigLoader.parse(job));
        RecordingSink.Scrape s = sink.next(RecordingSink.Scrape::up, 5000);
        for (RecordingSink.Sample x : s.samples()) {
          if (!x.stale()) {
            ours.add(x.labels().toString());
          }
        }
      }
      Set<String> theirs = prometheusSeries(promPort);
      Set<String> onlyOurs = new TreeSet<>(ours);
      onlyOurs.removeAll(theirs);
      Set<String> onlyTheirs = new TreeSet<>(theirs);
      onlyTheirs.removeAll(ours);
      System.out.println("compared " + ours.size() + " series (ours) with " + theirs.size() + " (Prometheus)");
      assertEquals(Set.of(), onlyOurs, "series only Strata produced");
      assertEquals(Set.of(), onlyTheirs, "series only Prometheus produced");
    } finally {
      for (Process p : procs) {
        p.destroy();
      }
      for (Process p : procs) {
        if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
  }

  /** Series Prometheus stored for the job, once it has scraped at least twice. */
  private Set<String> prometheusSeries(int port) throws Exception {
    ObjectMapper json = new ObjectMapper();
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (true) {
      String q = URLEncoder.encode("scrape_samples_scraped{job=\"node\"}", StandardCharsets.UTF_8);
      JsonNode r = json.readTree(get("http://127.0.0.1:" + port + "/api/v1/query?query=count_over_time(" + q + "[1m])"));
      JsonNode res = r.path("data").path("result");
      if (res.size() > 0 && res.get(0).path("value").get(1).asDouble() >= 2) {
        break;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Prometheus did not scrape node_exporter: " + r);
      }
      Thread.sleep(200);
    }
    // The series present in Prometheus's latest scrape: an instant query of every series of the job.
    String q = URLEncoder.encode("{job=\"node\"}", StandardCharsets.UTF_8);
    JsonNode r = json.readTree(get("http://127.0.0.1:" + port + "/api/v1/query?query=" + q));
    Set<String> out = new TreeSet<>();
    for (JsonNode s : r.path("data").path("result")) {
      Map<String, String> m = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = s.path("metric").fields(); it.hasNext(); ) {
        var e = it.next();
        m.put(e.getKey(), e.getValue().asText());
      }
      out.add(Labels.fromMap(m).toString());
    }
    return out;
  }

  private static Process start(String... cmd) throws IOException {
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }

  private static String get(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private static void waitFor(String url) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (true) {
      try {
        HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not up yet
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(url + " did not come up");
      }
      Thread.sleep(100);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
