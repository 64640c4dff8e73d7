package io.strata.app;

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
 * A real Debian Prometheus 2.42 on a free loopback port with its remote-write receiver on
 * ({@code /api/v1/write}), a prometheus.yml given by the test and a fresh data directory.
 */
final class PrometheusProcess implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/prometheus");

  private final Path dir;
  private final int port = Ports.free();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Process process;

  PrometheusProcess(Path dir) {
    this.dir = dir;
  }

  static boolean installed() {
    return Files.isExecutable(BINARY);
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  /** Starts with {@code config} as its prometheus.yml (written to {@code dir}) and waits for {@code /-/ready}. */
  PrometheusProcess start(Path config) throws IOException, InterruptedException {
    Files.createDirectories(dir.resolve("data"));
    process = new ProcessBuilder(BINARY.toString(), "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port, "--web.enable-remote-write-receiver", "--log.level=warn")
        .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("prometheus exited: " + log());
      }
      try {
        if (http.send(HttpRequest.newBuilder(URI.create(url() + "/-/ready")).build(), HttpResponse.BodyHandlers.discarding())
            .statusCode() == 200) {
          return this;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("prometheus on port " + port + " not ready within 60 s: " + log());
  }

  String log() {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("prometheus.log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
