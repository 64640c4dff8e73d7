package io.strata.app;

import io.strata.embedded.Ports;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** `strata up` as a child JVM on free ports, as a user runs it; killable with SIGKILL. */
final class StrataProcess implements AutoCloseable {
  final Path dataDir;
  private final int[] ports = Ports.free(6);
  final int queryPort = ports[0];
  final int ingestPort = ports[1];
  final int kafkaPort = ports[2];
  final int controllerPort = ports[3];
  final int registryPort = ports[4];
  final int connectPort = ports[5];
  private final List<String> extraArgs;
  private Process process;
  private Thread reader;
  private final List<String> output = new CopyOnWriteArrayList<>();

  StrataProcess(Path dataDir, List<String> extraArgs) {
    this.dataDir = dataDir;
    this.extraArgs = extraArgs;
  }

  /** Runs a `strata up` that is expected to exit by itself (a refused config); returns its exit code. */
  int runToExit() throws IOException, InterruptedException {
    process = new ProcessBuilder(command()).redirectErrorStream(true).start();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        output.add(line);
      }
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("strata up did not exit:\n" + String.join("\n", output));
    }
    return process.exitValue();
  }

  private List<String> command() {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-XX:+UseParallelGC", // the ./strata default
        "-Dstrata.registry.home=" + System.getProperty("strata.registry.home"),
        "-cp", System.getProperty("java.class.path"), "io.strata.app.Main", "up",
        "--data-dir", dataDir.toString(),
        "--query-port", Integer.toString(queryPort), "--ingest-port", Integer.toString(ingestPort),
        "--kafka-port", Integer.toString(kafkaPort), "--kafka-controller-port", Integer.toString(controllerPort),
        "--registry-port", Integer.toString(registryPort), "--connect-port", Integer.toString(connectPort)));
    cmd.addAll(extraArgs);
    return cmd;
  }

  /**
   * Starts and waits for the `ready` line ({@link SharedStrata#READY_SECONDS} at most: the app ITs run in two
   * forks on a shared 2-core machine, where a start-up has been seen to take over 150 s); returns the
   * milliseconds it took.
   */
  long start() throws IOException, InterruptedException {
    return start(SharedStrata.READY_SECONDS);
  }

  /** Starts and waits for the `ready` line at most {@code readySeconds}; returns the milliseconds it took. */
  long start(int readySeconds) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    process = new ProcessBuilder(command()).redirectErrorStream(true).start();
    CompletableFuture<Boolean> ready = new CompletableFuture<>();
    reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          output.add(line);
          if (line.equals("ready")) {
            ready.complete(true);
          }
        }
      } catch (IOException e) {
        // process gone
      }
      ready.complete(false);
    }, "strata-output");
    reader.setDaemon(true);
    reader.start();
    try {
      if (!ready.get(readySeconds, TimeUnit.SECONDS)) {
        throw new AssertionError("strata up exited before ready:\n" + String.join("\n", output));
      }
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new AssertionError("strata up not ready in time:\n" + String.join("\n", output), e);
    }
    return (System.nanoTime() - t0) / 1_000_000;
  }

  /** Everything the process printed; after {@link #stop} or {@link #kill}, up to its last line. */
  List<String> output() {
    return output;
  }

  private void drainOutput() throws InterruptedException {
    if (reader != null) {
      reader.join(10_000); // the pipe closes when the process is gone: read its last lines
    }
  }

  /** True while the `strata up` started last runs. */
  boolean alive() {
    return process != null && process.isAlive();
  }

  /** The process id of the running `strata up`. */
  long pid() {
    return process.pid();
  }

  String query() {
    return "http://127.0.0.1:" + queryPort;
  }

  String ingest() {
    return "http://127.0.0.1:" + ingestPort;
  }

  String registryUrl() {
    return "http://127.0.0.1:" + registryPort + "/apis/ccompat/v7";
  }

  String kafka() {
    return "127.0.0.1:" + kafkaPort;
  }

  /** SIGHUP: what makes Prometheus reload its config. */
  void hangup() throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new AssertionError("kill -HUP " + process.pid() + " failed");
    }
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
    drainOutput();
  }

  /** SIGTERM: the clean shutdown path (Ctrl-C). Returns the exit code. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
    drainOutput();
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      stop();
    }
  }
}
