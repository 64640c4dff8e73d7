package io.strata.ingest.scrape;

import io.strata.ingest.exposition.Format;
import io.strata.ingest.scrape.config.ScrapeConfig;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** The HTTP side of scraping for one job: client with TLS, request with Accept/auth headers. */
final class ScrapeHttp {
  static final String USER_AGENT = "Strata/0.1.0";

  private final ScrapeConfig cfg;
  private final HttpClient client;

  ScrapeHttp(ScrapeConfig cfg, Executor executor) {
    this.cfg = cfg;
    this.client = cfg.httpClientConfig().newClient(executor, cfg.scrapeTimeout(), cfg.scheme().equals("https"));
  }

  HttpClient client() {
    return client;
  }

  /** Starts a scrape; the body lands in {@code body}. */
  CompletableFuture<HttpResponse<BodyBuffer>> fetch(Target t, BodyBuffer body) throws IOException {
    Duration timeout = t.timeout();
    HttpRequest.Builder rb = HttpRequest.newBuilder(t.url())
        .timeout(timeout)
        .header("Accept", Format.SCRAPE_ACCEPT_HEADER)
        .header("Accept-Encoding", "gzip")
        .header("User-Agent", USER_AGENT)
        .header("X-Prometheus-Scrape-Timeout-Seconds", Double.toString(timeout.toMillis() / 1000.0))
        .GET();
    String auth = authorizationHeader();
    if (auth != null) {
      rb.header("Authorization", auth);
    }
    return client.sendAsync(rb.build(), body.handler(cfg.bodySizeLimit()));
  }

  /** Secrets in files are read at every scrape (rotated files take effect without a reload). */
  private String authorizationHeader() throws IOException {
    return cfg.httpClientConfig().authorizationHeader();
  }
}
