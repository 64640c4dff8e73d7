package io.strata.sinks.alertmanager;

import io.strata.schemas.http.TlsContexts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;

/** One target's HTTP client: TLS from {@code tls_config}, {@code basic_auth} header, the target's timeout per request. */
final class HttpTransport implements Transport {
  static final String USER_AGENT = "Strata/0.1.0";
  private final HttpClient client;
  private final DeliveryConfig.BasicAuth basicAuth;

  HttpTransport(DeliveryConfig.Http http) {
    HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(http.timeout());
    DeliveryConfig.Tls t = http.tls();
    if (!t.equals(DeliveryConfig.Tls.NONE)) {
      TlsContexts.configure(b, t.caFile(), t.certFile(), t.keyFile(), t.serverName(), t.insecureSkipVerify());
    }
    this.client = b.build();
    this.basicAuth = http.basicAuth();
  }

  @Override
  public int post(URI url, byte[] json, Duration timeout) throws IOException, InterruptedException {
    HttpRequest.Builder rb = HttpRequest.newBuilder(url).timeout(timeout)
        .header("Content-Type", "application/json")
        .header("User-Agent", USER_AGENT)
        .POST(HttpRequest.BodyPublishers.ofByteArray(json));
    if (basicAuth != null) {
      // a password file is read at every request, so a rotated secret needs no reload (as Prometheus)
      String pw = basicAuth.passwordFile() == null ? basicAuth.password() : Files.readString(basicAuth.passwordFile()).trim();
      rb.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((basicAuth.username() + ":" + pw).getBytes(StandardCharsets.UTF_8)));
    }
    return client.send(rb.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
