package io.strata.ingest.scrape;

import io.strata.ingest.exposition.Format;
import io.strata.ingest.scrape.config.Authorization;
import io.strata.ingest.scrape.config.BasicAuth;
import io.strata.ingest.scrape.config.ScrapeConfig;
import io.strata.ingest.scrape.config.TlsConfig;
import io.strata.schemas.http.TlsContexts;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** The HTTP side of scraping for one job: client with TLS, request with Accept/auth headers. */
final class ScrapeHttp {
  static final String USER_AGENT = "Strata/0.1.0";

  private final ScrapeConfig cfg;
  private final HttpClient client;

  ScrapeHttp(ScrapeConfig cfg, Executor executor) {
    this.cfg = cfg;
    HttpClient.Builder b = HttpClient.newBuilder()
        .executor(executor)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(cfg.scrapeTimeout());
    if (cfg.scheme().equals("https") || !cfg.tlsConfig().equals(TlsConfig.DEFAULT)) {
      TlsConfig tls = cfg.tlsConfig();
      TlsContexts.configure(b, tls.caFile(), tls.certFile(), tls.keyFile(), tls.serverName(), tls.insecureSkipVerify());
    }
    this.client = b.build();
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
    BasicAuth ba = cfg.basicAuth();
    if (ba != null) {
      String pw = ba.passwordFile().isEmpty() ? ba.password() : readSecret(ba.passwordFile());
      return "Basic " + Base64.getEncoder().encodeToString((ba.username() + ":" + pw).getBytes(StandardCharsets.UTF_8));
    }
    Authorization a = cfg.authorization();
    if (a != null) {
      String cred = a.credentialsFile().isEmpty() ? a.credentials() : readSecret(a.credentialsFile());
      return a.type() + " " + cred;
    }
    return null;
  }

  private static String readSecret(String file) throws IOException {
    try {
      return Files.readString(Path.of(file)).trim();
    } catch (IOException e) {
      throw new IOException("unable to read secret file " + file + ": " + e.getMessage(), e);
    }
  }
}
