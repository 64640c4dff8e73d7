package io.strata.app.connect;

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

/** {@code strata connect} in its own JVM, as a user starts it; its output kept; started once it printed {@code ready}. */
final class ConnectChild implements AutoCloseable {
  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Boolean> ready = new CompletableFuture<>();

  private ConnectChild(Process process) {
    this.process = process;
    Thread reader = new Thread(() -> {
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
    }, "strata-connect-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts the child without waiting for it: {@link #awaitReady} does. */
  static ConnectChild launch(String logName, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-cp", System.getProperty("java.class.path"), "io.strata.app.Main", "connect", "--log-dir",
        Path.of("target", logName).toAbsolutePath().toString()));
    cmd.addAll(args);
    return new ConnectChild(new ProcessBuilder(cmd).redirectErrorStream(true).start());
  }

  static ConnectChild start(String logName, List<String> args) throws Exception {
    return launch(logName, args).awaitReady();
  }

  /** Waits for {@code ready}: a few seconds on a quiet machine, far longer on a loaded CI runner. */
  ConnectChild awaitReady() throws Exception {
    boolean up;
    try {
      up = ready.get(180, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      close();
      throw new AssertionError("strata connect not ready within 180 s:\n" + String.join("\n", output));
    }
    if (!up) {
      close();
      throw new AssertionError("strata connect exited before ready:\n" + String.join("\n", output));
    }
    return this;
  }

  List<String> output() {
    return output;
  }

  /** kill -9: no shutdown hook, nothing flushed or committed, its consumers leave the groups only when their sessions expire. */
  void kill() throws InterruptedException {
    process.destroyForcibly(); // SIGKILL
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM (the shutdown hook stops the worker cleanly, so its consumers leave their groups), then SIGKILL if it hangs. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
