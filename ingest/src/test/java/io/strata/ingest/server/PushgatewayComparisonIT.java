package io.strata.ingest.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.embedded.Ports;
import io.strata.embedded.junit.StrataTest;
import io.strata.embedded.junit.TestCluster;
import io.strata.ingest.exposition.ExpositionParser;
import io.strata.ingest.exposition.Format;
import io.strata.ingest.exposition.ParsedSample;
import io.strata.ingest.kafka.SampleBatchProducer;
import io.strata.ingest.pushgateway.MetricFamilyProto;
import io.strata.schemas.Topics;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.StaleMarker;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same Pushgateway calls against Debian's prometheus-pushgateway (1.5) and against Strata: the same
 * status codes, and the same series as Prometheus stores scraping the real one with honor_labels (its
 * exposition parsed, its own go_/process_/pushgateway_ series left out, empty labels dropped) as Strata
 * emits onto metrics.samples. Skipped when the binary is not installed.
 */
@StrataTest
class PushgatewayComparisonIT {
  private static final String BINARY = "/usr/bin/prometheus-pushgateway";
  private final HttpClient http = HttpClient.newHttpClient();

  private record Call(String method, String path, byte[] body, String contentType, String contentEncoding) {}

  private static Call text(String method, String path, String body) {
    return new Call(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), null, null);
  }

  private static List<Call> calls() throws Exception {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (var out = new GZIPOutputStream(gz)) {
      out.write("gz 1\n".getBytes(StandardCharsets.UTF_8));
    }
    byte[] proto = new MetricFamilyProto().simple("jobs_done_total", "Jobs done.", 0, 5, -1, "queue", "a")
        .histogram("batch_duration_seconds", "Duration.", new double[] {0.5, 1, 2.5}, new long[] {1, 2, 3}, 3, 4.5).bytes();
    return List.of(
        text("PUT", "/metrics/job/some_job/instance/some_instance",
            "# TYPE some_metric counter\n# HELP some_metric Just an example.\nsome_metric{label=\"val1\"} 42\nanother_metric 2398\n"),
        text("POST", "/metrics/job/some_job/instance/some_instance", "some_metric{label=\"val2\"} 43\n"),
        text("PUT", "/metrics/job@base64/YmF0Y2gvam9i/path@base64/L3Zhci90bXA=/empty@base64/=", "z 1\n"),
        text("PUT", "/metrics/job/x/a@base64/YQ", "z 2\n"),
        text("PUT", "/metrics/job/hist", "# TYPE lat histogram\nlat_bucket{le=\"0.5\"} 1\nlat_bucket{le=\"1.0\"} 2\nlat_bucket{le=\"1000000\"} 3\n"
            + "lat_sum 3\nlat_count 3\n# TYPE q summary\nq{quantile=\"0.50\"} 1\nq_sum 2\nq_count 3\n"),
        text("PUT", "/metrics/job/other", "# TYPE some_metric gauge\nsome_metric 1\n"),
        text("PUT", "/metrics/job/ts", "x_metric 1 1700000000000\n"),
        text("PUT", "/metrics/job/jobclash", "x_metric{job=\"wrong\"} 1\n"),
        text("PUT", "/metrics/job/instbody", "y_metric{instance=\"inbody\"} 1\n"),
        text("PUT", "/metrics/job/dup", "dup 1\ndup 2\n"),
        new Call("PUT", "/metrics/job/proto", proto, MetricFamilyProto.CONTENT_TYPE, null),
        new Call("PUT", "/metrics/job/gz", gz.toByteArray(), null, "gzip"),
        text("PUT", "/metrics/job/todelete", "d 1\n"),
        text("DELETE", "/metrics/job/todelete", null),
        text("DELETE", "/metrics/job/nonexistent", null),
        text("POST", "/metrics/job/x/instance", "z 1\n"),
        text("PUT", "/metrics/job/x/__bad/v", "z 1\n"),
        text("PUT", "/metrics/job/bad", "bad metric\n"),
        text("PUT", "/metrics/job/emptybody", ""),
        text("PUT", "/metrics/job/ptime", "push_time_seconds 5\nkept 1\n"),
        text("GET", "/metrics/job/some_job", null));
  }

  private List<Integer> run(int port, List<Call> calls) throws Exception {
    List<Integer> codes = new ArrayList<>();
    for (Call c : calls) {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + c.path()))
          .method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(c.body()));
      if (c.contentType() != null) {
        b.header("Content-Type", c.contentType());
      }
      if (c.contentEncoding() != null) {
        b.header("Content-Encoding", c.contentEncoding());
      }
      // a fresh connection per call: a server may close a keep-alive connection after answering 400 to a
      // body it did not read, and Java's client does not retry a non-idempotent request on a stale one
      HttpClient once = HttpClient.newHttpClient();
      codes.add(once.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode());
    }
    return codes;
  }

  /** Prometheus's view with honor_labels: exposed labels kept, empty ones dropped; the Pushgateway's own series (no job label) left out. */
  private Set<String> scrapeRealPushgateway(int port) throws Exception {
    byte[] body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofByteArray()).body();
    Set<String> out = new TreeSet<>();
    for (ParsedSample s : ExpositionParser.collect(body, Format.PROMETHEUS_TEXT_0_0_4).samples()) {
      if (s.labels().get("job") == null) {
        continue;
      }
      Map<String, String> m = new TreeMap<>(s.labels().toMap());
      m.values().removeIf(String::isEmpty);
      out.add(Labels.fromMap(m).toString());
    }
    return out;
  }

  @Test
  void sameStatusCodesAndSameSeriesAsDebiansPushgateway(TestCluster cluster, @TempDir Path dir) throws Exception {
    assumeTrue(ExternalProcess.installed(BINARY), BINARY + " not installed (apt-get install prometheus-pushgateway)");
    List<Call> calls = calls();
    int pgwPort = Ports.free();
    List<Integer> real;
    Set<String> realSeries;
    try (ExternalProcess pgw = ExternalProcess.start(List.of(BINARY, "--web.listen-address=127.0.0.1:" + pgwPort,
        "--persistence.file=" + Files.createTempFile(dir, "pgw", ".db")), dir)) {
      pgw.awaitReady("http://127.0.0.1:" + pgwPort + "/-/ready", Duration.ofSeconds(20));
      real = run(pgwPort, calls);
      realSeries = scrapeRealPushgateway(pgwPort);
    }

    String prefix = cluster.uniquePrefix();
    cluster.createTopic(prefix + Topics.SAMPLES, 2);
    cluster.createTopic(prefix + Topics.METADATA, 1);
    List<Integer> ours;
    Set<String> ourSeries = new TreeSet<>();
    try (var producer = new SampleBatchProducer(cluster.bootstrapServers(), cluster.registryUrl(), prefix, Map.of(), new PrometheusRegistry());
         var server = new IngestServer(IngestConfig.defaults("127.0.0.1", 0).withPushgateway(true, Duration.ofHours(1)), producer,
             new PrometheusRegistry()).start()) {
      ours = run(server.port(), calls);
      server.pushgateway().emitNow();
    }
    // every push also wrote its group's samples at once; the final emission holds the state to compare
    List<KafkaCheck.Point> points = new KafkaCheck(cluster).samples(prefix + Topics.SAMPLES, 1);
    long last = points.stream().mapToLong(KafkaCheck.Point::timestampMs).max().orElse(-1);
    for (KafkaCheck.Point p : points) {
      if (p.timestampMs() == last && !StaleMarker.isStale(p.value())) {
        ourSeries.add(p.labels().toString());
      }
    }
    assertEquals(real, ours, "status codes of " + calls.stream().map(c -> c.method() + " " + c.path()).toList());
    assertEquals(realSeries, ourSeries);
    System.out.println("pushgateway comparison: " + ours.size() + " calls, " + ourSeries.size() + " series identical");
  }
}
