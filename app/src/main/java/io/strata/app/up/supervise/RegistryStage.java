package io.strata.app.up.supervise;

import io.strata.embedded.RegistryProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The schema registry child process. Dead (killed, crashed): started again on the same port and H2 file, so
 * every schema id stays what it was. Alive but not answering {@code /subjects} for {@link #HUNG_AFTER}: stopped
 * and started again.
 */
public final class RegistryStage implements SupervisedStage {
  /** Start-up takes 5-20 s on a busy 2-core machine; a registry silent for a minute is stuck, not slow. */
  static final Duration HUNG_AFTER = Duration.ofMinutes(1);
  private final Supplier<RegistryProcess> starter;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private volatile RegistryProcess current;
  private long failingSince = Long.MIN_VALUE;

  /** @param starter starts a registry and returns it once it answers (the first one included) */
  public RegistryStage(Supplier<RegistryProcess> starter) {
    this.starter = starter;
    this.current = starter.get();
  }

  public String url() {
    return current.url();
  }

  @Override
  public String name() {
    return "registry";
  }

  @Override
  public Check check() {
    RegistryProcess r = current;
    if (!r.isAlive()) {
      return Check.repair("the registry process exited (code " + r.exitCode() + ")", "starting the registry again", this::restart);
    }
    String problem;
    try {
      HttpResponse<Void> resp = http.send(HttpRequest.newBuilder(URI.create(r.url() + "/subjects")).timeout(Duration.ofSeconds(5)).GET().build(),
          HttpResponse.BodyHandlers.discarding());
      problem = resp.statusCode() == 200 ? null : "GET /subjects answered " + resp.statusCode();
    } catch (java.io.IOException e) {
      problem = "GET /subjects failed: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Check.problem("interrupted");
    }
    long now = System.nanoTime();
    if (problem == null) {
      failingSince = Long.MIN_VALUE;
      return Check.OK;
    }
    if (failingSince == Long.MIN_VALUE) {
      failingSince = now;
    }
    if (now - failingSince >= HUNG_AFTER.toNanos()) {
      return Check.repair(problem + " for " + HUNG_AFTER.toSeconds() + " s", "stopping and starting the registry again", this::restart);
    }
    return Check.problem(problem);
  }

  private void restart() {
    current.close();
    failingSince = Long.MIN_VALUE;
    current = starter.get();
  }

  @Override
  public void close() {
    current.close();
  }
}
