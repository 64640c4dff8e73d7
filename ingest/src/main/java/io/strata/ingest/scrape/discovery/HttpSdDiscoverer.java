package io.strata.ingest.scrape.discovery;

import io.strata.ingest.scrape.config.HttpSdConfig;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * {@code http_sd_configs}: GETs the URL every refresh interval; expects HTTP 200 and
 * {@code application/json} holding a list of target groups. On any failure the previous groups stay
 * (as Prometheus does) and the error is reported. Groups carry {@code __meta_url}.
 */
public final class HttpSdDiscoverer extends RefreshDiscoverer {
  private final HttpSdConfig config;
  private final HttpClient client;

  public HttpSdDiscoverer(HttpSdConfig config, HttpClient client, ScheduledExecutorService scheduler, Executor executor,
      DiscoveryErrors onError) {
    super("http", config.refreshInterval(), scheduler, executor, onError);
    this.config = config;
    this.client = client;
  }

  @Override
  protected List<TargetGroup> refresh() throws IOException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(config.url())
        .timeout(Duration.ofMillis(Math.max(1000, config.refreshInterval().toMillis())))
        .header("Accept", "application/json")
        .header("X-Prometheus-Refresh-Interval-Seconds", Long.toString(config.refreshInterval().toSeconds()))
        .GET().build();
    HttpResponse<byte[]> resp = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
    if (resp.statusCode() != 200) {
      throw new IOException("error refreshing " + config.url() + ": server returned HTTP status " + resp.statusCode());
    }
    String ct = resp.headers().firstValue("Content-Type").orElse("");
    if (!ct.trim().toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw new IOException("error refreshing " + config.url() + ": unsupported content type \"" + ct + "\"");
    }
    return TargetGroupReader.read(resp.body(), false, config.url().toString(), "__meta_url", config.url().toString());
  }
}
