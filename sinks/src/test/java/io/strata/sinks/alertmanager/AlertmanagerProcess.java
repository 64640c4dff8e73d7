package io.strata.sinks.alertmanager;

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
import java.util.Map;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A real Debian Alertmanager 0.25 on a free loopback port, clustering off (each replica on its own, as a
 * pair that Prometheus sends to separately), routing everything to one webhook receiver with short group
 * timers so notifications come within seconds.
 */
final class AlertmanagerProcess implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/prometheus-alertmanager");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final int port;
  private final String webhookUrl;
  private final String webConfig;
  private final HttpClient http;
  private Process process;

  AlertmanagerProcess(Path dir, int port, String webhookUrl) {
    this(dir, port, webhookUrl, null, HttpClient.newHttpClient());
  }

  /**
   * @param webConfig Alertmanager's {@code --web.config.file} content (TLS), or null
   * @param http the client this test reads the Alertmanager's API with (TLS settings to match)
   */
  AlertmanagerProcess(Path dir, int port, String webhookUrl, String webConfig, HttpClient http) {
    this.dir = dir;
    this.port = port;
    this.webhookUrl = webhookUrl;
    this.webConfig = webConfig;
    this.http = http;
  }

  private String base() {
    return (webConfig == null ? "http://" : "https://") + target();
  }

  static boolean installed() {
    return Files.isExecutable(BINARY);
  }

  /** {@code 127.0.0.1:<port>}, as a static_configs target. */
  String target() {
    return "127.0.0.1:" + port;
  }

  AlertmanagerProcess start() throws IOException, InterruptedException {
    Files.createDirectories(dir.resolve("data"));
    Path config = dir.resolve("alertmanager.yml");
    Files.writeString(config, """
        route:
          receiver: test
          group_by: ['alertname']
          group_wait: 1s
          group_interval: 1s
          repeat_interval: 1h
        receivers:
          - name: test
            webhook_configs:
              - url: %s
                send_resolved: true
        """.formatted(webhookUrl));
    List<String> cmd = new java.util.ArrayList<>(List.of(BINARY.toString(), "--config.file=" + config, "--storage.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=", "--log.level=warn"));
    if (webConfig != null) {
      cmd.add("--web.config.file=" + Files.writeString(dir.resolve("web-config.yml"), webConfig));
    }
    process = new ProcessBuilder(cmd)
        .redirectErrorStream(true).redirectOutput(dir.resolve("alertmanager.log").toFile()).start();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("alertmanager exited: " + Files.readString(dir.resolve("alertmanager.log")));
      }
      try {
        if (http.send(HttpRequest.newBuilder(URI.create(base() + "/-/ready")).build(), HttpResponse.BodyHandlers.discarding())
            .statusCode() == 200) {
          return this;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("alertmanager on " + target() + " not ready within 30 s");
  }

  /** {@code GET /api/v2/alerts}: the alerts it holds that have not ended. */
  @SuppressWarnings("unchecked")
  List<Map<String, Object>> alerts() throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/api/v2/alerts")).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("GET /api/v2/alerts answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readValue(r.body(), List.class);
  }

  @Override
  public void close() {
    if (process != null) {
      process.destroy();
      try {
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static int freePort() {
    return Ports.free();
  }
}
