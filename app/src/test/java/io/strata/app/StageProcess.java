package io.strata.app;

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

/** A per-stage command ({@code strata ingest}, {@code streams}, ...) as a child JVM (logs in {@code target/}), started until its {@code ready} line. */
public final class StageProcess implements AutoCloseable {
  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();
  private final Thread reader;
  private final String stage;
  private final CompletableFuture<Boolean> ready;

  private StageProcess(String stage, Process process, CompletableFuture<Boolean> ready) {
    this.stage = "strata " + stage;
    this.ready = ready;
    this.process = process;
    this.reader = new Thread(() -> {
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
    }, "strata-" + stage + "-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code strata <stage> args} and waits at most 90 s for {@code ready}. */
  public static StageProcess start(String stage, List<String> args) throws Exception {
    return launch(stage, args).awaitReady();
  }

  /** Starts {@code strata <stage> args}; {@link #awaitReady} waits for it (several start side by side). */
  public static StageProcess launch(String stage, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-cp", System.getProperty("java.class.path"), "io.strata.app.Main", stage,
        "--log-dir", Path.of("target", stage + "cmd-logs").toAbsolutePath().toString()));
    cmd.addAll(args);
    return new StageProcess(stage, new ProcessBuilder(cmd).redirectErrorStream(true).start(), new CompletableFuture<>());
  }

  /** Waits at most 90 s for the {@code ready} line; stops the process and fails when it exits first. */
  public StageProcess awaitReady() throws Exception {
    boolean up;
    try {
      up = ready.get(90, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      close();
      throw new AssertionError(stage + " not ready in 90 s:\n" + String.join("\n", output), e);
    }
    if (!up) {
      close();
      throw new AssertionError(stage + " exited before ready:\n" + String.join("\n", output));
    }
    return this;
  }

  /** Everything it printed; after {@link #stop}, up to its last line. */
  public List<String> output() {
    return output;
  }

  public long pid() {
    return process.pid();
  }

  /** SIGTERM (through the handle: {@code Process.destroy} would close the pipe before the last lines are read); the exit code. */
  public int stop() throws InterruptedException {
    process.toHandle().destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    reader.join(10_000);
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop();
    }
  }
}
