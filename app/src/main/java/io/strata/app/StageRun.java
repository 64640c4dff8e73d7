package io.strata.app;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

/**
 * The life cycle every per-stage command shares: refuse bad settings ({@code strata <stage>: <flag or key>: <problem>},
 * exit 2), start parts (a failure stops what started, in reverse order), print {@code strata <stage> is up}, the URLs
 * and {@code ready}, and on SIGTERM (shutdown hook) stop every part in reverse order, then return 0.
 */
public final class StageRun {
  private final String stage;
  private final PrintStream out;
  private final long t0 = System.nanoTime();
  private final Deque<AutoCloseable> started = new ArrayDeque<>();

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
  public <T extends AutoCloseable> T started(T part) {
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
   * @param base scheme, host and port of the stage's HTTP port
   */
  public int serve(String what, String base, Consumer<PrintStream> lines) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      out.println("strata " + stage + ": stopping ...");
      stopAll();
      out.println("strata " + stage + ": stopped");
      out.flush();
      stopped.countDown();
    }, "strata-" + stage + "-shutdown"));
    out.println("strata " + stage + " is up (" + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms): " + what);
    lines.accept(out);
    out.println(line("metrics", base + "/metrics   (health: /-/healthy, /-/ready)"));
    out.println("ready");
    out.flush();
    stopped.await();
    return 0;
  }

  private void stopAll() {
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
