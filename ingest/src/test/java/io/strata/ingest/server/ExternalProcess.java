package io.strata.ingest.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A Debian binary (prometheus, prometheus-pushgateway) run for a test; always stopped by close(). */
final class ExternalProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private ExternalProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static boolean installed(String binary) {
    return Files.isExecutable(Path.of(binary));
  }

  static ExternalProcess start(List<String> command, Path dir) throws IOException {
    Path log = dir.resolve("process.log");
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new ExternalProcess(p, log);
  }

  /** Waits until GET url answers 200. */
  void awaitReady(String url, Duration timeout) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("process exited with " + process.exitValue() + ":\n" + output());
      }
      try {
        if (http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(url + " not ready within " + timeout + ":\n" + output());
  }

  String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
