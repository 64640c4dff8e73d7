package io.strata.ingest.scrape.discovery;

import io.strata.ingest.scrape.config.HttpSdConfig;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code http_sd_configs}: GETs the URL every refresh interval; expects HTTP 200 and
 * {@code application/json} holding a list of target groups. On any failure the previous groups stay
 * (as Prometheus does) and the error is reported. Groups carry {@code __meta_url}.
 */
public final class HttpSdDiscoverer implements Discoverer {
  private final HttpSdConfig config;
  private final HttpClient client;
  private final ScheduledExecutorService scheduler;
  private final java.util.concurrent.Executor executor;
  private final Consumer<String> onError;
  private ScheduledFuture<?> task;
  private List<TargetGroup> lastSent;
  private volatile boolean closed;

  /** Refreshes are timed by {@code scheduler} and run (blocking) on {@code executor}. */
  public HttpSdDiscoverer(HttpSdConfig config, HttpClient client, ScheduledExecutorService scheduler,
      java.util.concurrent.Executor executor, Consumer<String> onError) {
    this.config = config;
    this.client = client;
    this.scheduler = scheduler;
    this.executor = executor;
    this.onError = onError;
  }

  @Override
  public void start(Consumer<List<TargetGroup>> onUpdate) {
    long ms = config.refreshInterval().toMillis();
    task = scheduler.scheduleWithFixedDelay(() -> {
      try {
        executor.execute(() -> refresh(onUpdate));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // engine shutting down
      }
    }, 0, ms, TimeUnit.MILLISECONDS);
  }

  synchronized void refresh(Consumer<List<TargetGroup>> onUpdate) {
    if (closed) {
      return;
    }
    try {
      HttpRequest req = HttpRequest.newBuilder(config.url())
          .timeout(Duration.ofMillis(Math.max(1000, config.refreshInterval().toMillis())))
          .header("Accept", "application/json")
          .header("X-Prometheus-Refresh-Interval-Seconds", Long.toString(config.refreshInterval().toSeconds()))
          .GET().build();
      HttpResponse<byte[]> resp = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
      if (resp.statusCode() != 200) {
        throw new java.io.IOException("server returned HTTP status " + resp.statusCode());
      }
      String ct = resp.headers().firstValue("Content-Type").orElse("");
      if (!ct.trim().toLowerCase(Locale.ROOT).startsWith("application/json")) {
        throw new java.io.IOException("unsupported content type \"" + ct + "\"");
      }
      List<TargetGroup> groups = TargetGroupReader.read(resp.body(), false, config.url().toString(), "__meta_url",
          config.url().toString());
      if (!groups.equals(lastSent)) {
        lastSent = groups;
        onUpdate.accept(groups);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      onError.accept("http_sd: error refreshing " + config.url() + ": " + e.getMessage());
    }
  }

  @Override
  public void close() {
    closed = true;
    if (task != null) {
      task.cancel(false);
    }
  }
}
