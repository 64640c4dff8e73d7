package io.strata.schemas.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a user checks on a port behind a web config, as one map from case to outcome, so the same map can be
 * compared between Strata and Prometheus: the status code (with the {@code WWW-Authenticate} value on 401),
 * or {@code refused} when the TLS handshake or connection failed.
 */
final class WebProbe {
  private WebProbe() {}

  /** Cases over TLS with a client that trusts {@code certs.ca()}; {@code mtls}: also the client certificate cases. */
  static Map<String, String> tls(int port, TestCerts certs, String user, String password, boolean mtls) throws InterruptedException {
    String https = "https://localhost:" + port + "/metrics";
    Map<String, String> out = new LinkedHashMap<>();
    HttpClient good = client(certs, certs.clientCert(), certs.clientKey());
    out.put("no credentials", send(good, https, null));
    out.put("wrong password", send(good, https, basic(user, password + "x")));
    out.put("unknown user", send(good, https, basic(user + "x", password)));
    out.put("right password", send(good, https, basic(user, password)));
    out.put("plain HTTP on the TLS port", send(HttpClient.newHttpClient(), "http://127.0.0.1:" + port + "/metrics", basic(user, password)));
    if (mtls) {
      out.put("no client certificate", send(client(certs, null, null), https, basic(user, password)));
      out.put("client certificate of another CA", send(client(certs, certs.rogueCert(), certs.rogueKey()), https, basic(user, password)));
    }
    return out;
  }

  static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  static HttpClient client(TestCerts certs, Path cert, Path key) {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1);
    TlsContexts.configure(b, certs.ca().toString(), cert == null ? "" : cert.toString(), key == null ? "" : key.toString(), "", false);
    return b.build();
  }

  static String send(HttpClient c, String url, String authorization) throws InterruptedException {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
    if (authorization != null) {
      r.header("Authorization", authorization);
    }
    try {
      HttpResponse<String> resp = c.send(r.build(), HttpResponse.BodyHandlers.ofString());
      String s = Integer.toString(resp.statusCode());
      if (resp.statusCode() == 401) {
        s += " WWW-Authenticate: " + resp.headers().firstValue("WWW-Authenticate").orElse("(none)");
      }
      if (resp.statusCode() == 400) {
        s += " " + resp.body().trim();
      }
      return s;
    } catch (IOException e) {
      return "refused";
    }
  }
}
