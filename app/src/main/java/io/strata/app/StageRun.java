package io.strata.app;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * The life cycle every per-stage command shares: refuse bad settings ({@code strata <stage>: <flag or key>: <problem>},
 * exit 2), start parts (a failure stops what started, in reverse order), print {@code strata <stage> is up}, the URLs
 * and {@code ready}, and on SIGTERM (shutdown hook, installed with the first part, so a SIGTERM while starting stops
 * what started too) stop every part in reverse order, then return 0.
 */
public final class StageRun {
  private final String stage;
  private final PrintStream out;
  private final long t0 = System.nanoTime();
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean stopping;
  private boolean hooked;

  public StageRun(String stage) {
    this.stage = stage;
    this.out = System.out;
  }

  /** A setting the stage cannot use (nothing started yet): the message on stderr, exit code 2. */
  public int refuse(RuntimeException e) {
    return fail(2, e.getMessage());
  }

  /** Stops what started, prints {@code strata <stage>: message} on stderr, returns {@code code}. */
  public int fail(int code, String message) {
    stopAll();
    System.err.println("strata " + stage + ": " + message);
    return code;
  }

  /** A part that started: stopped on SIGTERM or when a later part fails, the last started first. */
  public synchronized <T extends AutoCloseable> T started(T part) {
    if (!hooked) {
      hooked = true;
      Runtime.getRuntime().addShutdownHook(new Thread(this::stopOnSignal, "strata-" + stage + "-shutdown"));
    }
    started.push(part);
    return part;
  }

  /** A console line {@code strata <stage>: line}. */
  public void say(String line) {
    out.println("strata " + stage + ": " + line);
  }

  /** A URL line of the banner, aligned as {@code strata up}'s. */
  public static String line(String label, String value) {
    return String.format("  %-18s %s", label, value);
  }

  /**
   * Prints {@code strata <stage> is up (N ms): what}, the stage's lines, its metrics URL and {@code ready}, and waits
   * until SIGTERM (or Ctrl-C) has stopped every part.
   *
   * @param base scheme, host and port of the stage's HTTP port; null for a stage without one (no metrics line)
   */
  public int serve(String what, String base, Consumer<PrintStream> lines) throws InterruptedException {
    return serve(what, base, lines, () -> null);
  }

  /**
   * As {@link #serve(String, String, Consumer)}. {@code failure}, asked every second, names a part that ended by
   * itself (a child process that exited, a Flink cluster that stopped on a fatal error): then every part is stopped,
   * {@code strata <stage>: <failure>} goes to stderr and the exit code is 1, so a supervisor sees it.
   */
  public int serve(String what, String base, Consumer<PrintStream> lines, Supplier<String> failure) throws InterruptedException {
    out.println("strata " + stage + " is up (" + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms): " + what);
    lines.accept(out);
    if (base != null) {
      out.println(line("metrics", base + "/metrics   (health: /-/healthy, /-/ready)"));
    }
    out.println("ready");
    out.flush();
    while (!stopped.await(1, TimeUnit.SECONDS)) {
      String failed = stopping ? null : failure.get();
      if (failed != null && !stopping) {
        return fail(1, failed);
      }
    }
    return 0;
  }

  /** The shutdown hook: silent when nothing is left to stop (after a refusal or a failure). */
  private void stopOnSignal() {
    stopping = true;
    if (hasParts()) {
      out.println("strata " + stage + ": stopping ...");
      stopAll();
      out.println("strata " + stage + ": stopped");
      out.flush();
    }
    stopped.countDown();
  }

  private synchronized boolean hasParts() {
    return !started.isEmpty();
  }

  private synchronized void stopAll() {
    while (!started.isEmpty()) {
      AutoCloseable part = started.pop();
      try {
        part.close();
      } catch (Exception e) { // the logger only now: it must not be made before --log-dir is applied
        LoggerFactory.getLogger(StageRun.class).warn("strata {}: stopping {} failed: {}", stage, part.getClass().getSimpleName(), e.toString());
      }
    }
  }
}
