package io.strata.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.embedded.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Debian Alertmanager 0.25 on a free loopback port, clustering off, routing everything to a receiver
 * that notifies nobody ({@code group_wait: 1s}): the test reads what it holds through {@code GET /api/v2/alerts}.
 * (sinks has a webhook-routing twin in its test scope; test classes are not shared between modules.)
 */
final class AlertmanagerProcess implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/prometheus-alertmanager");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final int port = Ports.free();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Process process;

  AlertmanagerProcess(Path dir) {
    this.dir = dir;
  }

  static boolean installed() {
    return Files.isExecutable(BINARY);
  }

  /** {@code 127.0.0.1:<port>}, as an {@code alerting.alertmanagers[].static_configs[].targets} entry. */
  String target() {
    return "127.0.0.1:" + port;
  }

  AlertmanagerProcess start() throws IOException, InterruptedException {
    Files.createDirectories(dir.resolve("data"));
    Path config = Files.writeString(dir.resolve("alertmanager.yml"), """
        route:
          receiver: "null"
          group_by: ['alertname']
          group_wait: 1s
          group_interval: 1s
          repeat_interval: 1h
        receivers:
          - name: "null"
        """);
    process = new ProcessBuilder(BINARY.toString(), "--config.file=" + config, "--storage.path=" + dir.resolve("data"),
        "--web.listen-address=" + target(), "--cluster.listen-address=", "--log.level=warn")
        .redirectErrorStream(true).redirectOutput(dir.resolve("alertmanager.log").toFile()).start();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("alertmanager exited: " + log());
      }
      try {
        if (http.send(HttpRequest.newBuilder(URI.create("http://" + target() + "/-/ready")).build(), HttpResponse.BodyHandlers.discarding())
            .statusCode() == 200) {
          return this;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("alertmanager on " + target() + " not ready within 30 s: " + log());
  }

  /** {@code GET /api/v2/alerts}: the alerts it holds whose {@code endsAt} has not passed. */
  JsonNode alerts() throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + target() + "/api/v2/alerts"))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("GET /api/v2/alerts answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }

  /** The alerts it holds now, or why they cannot be read: for failure messages. */
  String describeAlerts() {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(alerts());
    } catch (IOException | InterruptedException e) {
      return "(cannot read: " + e + ")";
    }
  }

  String log() {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("alertmanager.log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
