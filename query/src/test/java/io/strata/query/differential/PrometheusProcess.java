package io.strata.query.differential;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus (Debian's {@code prometheus} 2.42) over blocks that {@code promtool tsdb
 * create-blocks-from openmetrics} made from a file: no scrape targets, retention long enough that the
 * fixed 2026 test data is kept, default lookback (5 m) and query limits. {@link #close()} stops it.
 */
public final class PrometheusProcess implements AutoCloseable {
  static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  static final Path PROMTOOL = Path.of("/usr/bin/promtool");

  private final Process process;
  private final int port;

  private PrometheusProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static boolean installed() {
    return Files.isExecutable(PROMETHEUS) && Files.isExecutable(PROMTOOL);
  }

  /** Backfills {@code openMetrics} into {@code work/data} and starts Prometheus on a free port. */
  static PrometheusProcess start(Path openMetrics, Path work) throws IOException, InterruptedException {
    Path data = work.resolve("data");
    Files.createDirectories(data);
    Path backfillLog = work.resolve("promtool.log");
    Process promtool = new ProcessBuilder(PROMTOOL.toString(), "tsdb", "create-blocks-from", "openmetrics",
        openMetrics.toString(), data.toString())
        .redirectErrorStream(true).redirectOutput(backfillLog.toFile()).start();
    if (!promtool.waitFor(120, TimeUnit.SECONDS)) {
      promtool.destroyForcibly();
      throw new IllegalStateException("promtool backfill did not finish in 120 s; see " + backfillLog);
    }
    if (promtool.exitValue() != 0) {
      throw new IllegalStateException("promtool backfill failed (exit " + promtool.exitValue() + "): " + Files.readString(backfillLog));
    }
    return startWithConfig("global:\n  scrape_interval: 15s\n  evaluation_interval: 1m\n", work);
  }

  /** Starts Prometheus with this {@code prometheus.yml} on a free port, its TSDB in {@code work/data}. */
  public static PrometheusProcess startWithConfig(String prometheusYml, Path work, String... extraFlags) throws IOException, InterruptedException {
    Path data = work.resolve("data");
    Files.createDirectories(data);
    Path config = work.resolve("prometheus.yml");
    Files.writeString(config, prometheusYml, StandardCharsets.UTF_8);
    int port = freePort();
    List<String> cmd = new java.util.ArrayList<>(List.of(PROMETHEUS.toString(),
        "--config.file=" + config,
        "--storage.tsdb.path=" + data,
        "--storage.tsdb.retention.time=100y",
        "--web.listen-address=127.0.0.1:" + port,
        "--log.level=warn"));
    cmd.addAll(List.of(extraFlags));
    Process p = new ProcessBuilder(cmd)
        .redirectErrorStream(true).redirectOutput(work.resolve("prometheus.log").toFile()).start();
    PrometheusProcess prom = new PrometheusProcess(p, port);
    try {
      prom.awaitReady(work.resolve("prometheus.log"));
    } catch (RuntimeException | IOException | InterruptedException e) {
      prom.close();
      throw e;
    }
    return prom;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  private void awaitReady(Path log) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("prometheus exited with " + process.exitValue() + ": " + Files.readString(log));
      }
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/-/ready")).build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("prometheus not ready after 30 s: " + Files.readString(log));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
