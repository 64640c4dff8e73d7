package io.strata.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.embedded.Ports;
import io.strata.embedded.junit.StrataTest;
import io.strata.embedded.junit.TestCluster;
import io.strata.schemas.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata streams} and {@code strata delivery} as the loopback cluster starts them: child processes on one broker
 * and registry, through the common stage options ({@code StageOptions}) and life cycle ({@code StageRun}): each prints
 * its URLs and {@code ready}, answers {@code /-/ready} 200 once working, and stops cleanly on SIGTERM.
 */
@StrataTest(realRegistry = true)
class StageCommandsIT {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void streamsAndDeliveryPrintTheirUrlsAndReadyThenServeAndStopOnSigterm(TestCluster cluster, @TempDir Path work) throws Exception {
    String prefix = cluster.uniquePrefix();
    for (Topics.Spec t : Topics.all(prefix, List.of("1m"))) {
      cluster.createTopic(t.name(), 1);
    }
    int[] ports = Ports.free(2);
    // streams from a strata.yml as strata up reads it: the prefix, its own directory, 60s named as its topic (1m)
    Path strataYml = Files.writeString(work.resolve("strata.yml"),
        "kafka: {topic_prefix: '" + prefix + "'}\ndata_dir: streams-1\nrollups: {resolutions: [60s]}\n");
    List<String> streamsArgs = List.of("--config", strataYml.toString(), "--bootstrap", cluster.bootstrapServers(), "--registry-url",
        cluster.registryUrl(), "--port", Integer.toString(ports[0]), "--application-id", prefix + "rollups");
    String hook = "http://127.0.0.1:" + Ports.free() + "/hook";
    Path alerting = Files.writeString(work.resolve("alerting.yml"), "alerting:\n  webhooks:\n    - url: " + hook + "\n");
    List<String> deliveryArgs = List.of("--config", alerting.toString(), "--bootstrap-server", cluster.bootstrapServers(), "--registry-url",
        cluster.registryUrl(), "--topic-prefix", prefix, "--port", Integer.toString(ports[1]), "--data-dir", work.resolve("delivery-1").toString());
    try (StageProcess streams = StageProcess.launch("streams", streamsArgs); StageProcess delivery = StageProcess.launch("delivery", deliveryArgs)) {
      streams.awaitReady(); // started side by side
      delivery.awaitReady();
      String s = "http://127.0.0.1:" + ports[0];
      String d = "http://127.0.0.1:" + ports[1];
      assertTrue(streams.output().contains("  metrics            " + s + "/metrics   (health: /-/healthy, /-/ready)"), String.join("\n", streams.output()));
      assertTrue(streams.output().contains("  state              " + work.resolve("streams-1").resolve("streams")), String.join("\n", streams.output()));
      assertTrue(streams.output().stream().anyMatch(l -> l.startsWith("strata streams is up (") && l.contains(prefix + "metrics.samples into rollups [1m]")),
          String.join("\n", streams.output()));
      assertTrue(delivery.output().contains("  sending to         " + hook), String.join("\n", delivery.output()));
      assertTrue(delivery.output().contains("  metrics            " + d + "/metrics   (health: /-/healthy, /-/ready)"), String.join("\n", delivery.output()));
      assertTrue(delivery.output().stream().anyMatch(l -> l.startsWith("strata delivery is up (")
          && l.endsWith(" ms): reading " + prefix + "metrics.alerts from " + cluster.bootstrapServers())), String.join("\n", delivery.output()));

      awaitReady(s + "/-/ready"); // the Streams client RUNNING
      awaitReady(d + "/-/ready"); // the alerts topic read to its end
      for (String base : List.of(s, d)) { // every stage's port: the process and JVM metrics as well as its own
        HttpResponse<String> metrics = get(base + "/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("\nprocess_cpu_seconds_total ") && metrics.body().contains("\njvm_threads_current "), metrics.body());
      }
      // strata registry adds no port of its own: Apicurio's answers health and metrics (app/README.md)
      String registry = cluster.registryUrl().replaceFirst("/apis/.*$", "");
      assertEquals(200, get(registry + "/health/ready").statusCode());
      assertEquals(200, get(registry + "/health/live").statusCode());
      assertTrue(get(registry + "/metrics").body().contains("jvm_"), "Apicurio's Prometheus metrics");

      streams.stop();
      delivery.stop();
      for (var p : List.of(streams, delivery)) {
        List<String> out = p.output();
        int stopping = out.indexOf(out.stream().filter(l -> l.endsWith(": stopping ...")).findFirst().orElse("none"));
        assertTrue(stopping > out.indexOf("ready") && out.get(out.size() - 1).endsWith(": stopped"), String.join("\n", out));
      }
    }
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private void awaitReady(String url) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    HttpResponse<String> r = get(url);
    while (r.statusCode() != 200 && System.nanoTime() < deadline) {
      Thread.sleep(250);
      r = get(url);
    }
    assertEquals(200, r.statusCode(), url + ": " + r.body());
  }
}
