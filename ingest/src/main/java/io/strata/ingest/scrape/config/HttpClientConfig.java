package io.strata.ingest.scrape.config;

import io.strata.schemas.http.TlsContexts;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * The HTTP client settings Prometheus shares between scrape configs and SD configs ({@code basic_auth},
 * {@code authorization}, legacy {@code bearer_token}/{@code bearer_token_file}, {@code tls_config}),
 * validated as Prometheus does. Secrets in files are read at every request, so rotated files take effect
 * without a reload.
 */
public record HttpClientConfig(BasicAuth basicAuth, Authorization authorization, TlsConfig tlsConfig) {
  public static final HttpClientConfig NONE = new HttpClientConfig(null, null, null);

  public HttpClientConfig {
    tlsConfig = tlsConfig == null ? TlsConfig.DEFAULT : tlsConfig;
  }

  /** Validates the combination; legacy bearer tokens become an {@link Authorization} of type Bearer. */
  public static HttpClientConfig of(BasicAuth basicAuth, Authorization authorization, String bearerToken,
      String bearerTokenFile, TlsConfig tls) {
    String bt = bearerToken == null ? "" : bearerToken;
    String btf = bearerTokenFile == null ? "" : bearerTokenFile;
    if (!bt.isEmpty() && !btf.isEmpty()) {
      throw new IllegalArgumentException("at most one of bearer_token & bearer_token_file must be configured");
    }
    if (authorization != null && (!bt.isEmpty() || !btf.isEmpty())) {
      throw new IllegalArgumentException("authorization is not compatible with bearer_token & bearer_token_file");
    }
    if (basicAuth != null && (authorization != null || !bt.isEmpty() || !btf.isEmpty())) {
      throw new IllegalArgumentException("at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured");
    }
    if (authorization == null && (!bt.isEmpty() || !btf.isEmpty())) {
      authorization = new Authorization("Bearer", bt, btf);
    }
    return new HttpClientConfig(basicAuth, authorization, tls);
  }

  /** A client following redirects, with this TLS configuration when {@code https} or TLS settings are given. */
  public HttpClient newClient(Executor executor, Duration connectTimeout, boolean https) {
    HttpClient.Builder b = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(connectTimeout);
    if (executor != null) {
      b.executor(executor);
    }
    if (https || !tlsConfig.equals(TlsConfig.DEFAULT)) {
      TlsContexts.configure(b, tlsConfig.caFile(), tlsConfig.certFile(), tlsConfig.keyFile(), tlsConfig.serverName(),
          tlsConfig.insecureSkipVerify());
    }
    return b.build();
  }

  /** The {@code Authorization} header value, or null. */
  public String authorizationHeader() throws IOException {
    if (basicAuth != null) {
      String pw = basicAuth.passwordFile().isEmpty() ? basicAuth.password() : readSecret(basicAuth.passwordFile());
      return "Basic " + Base64.getEncoder().encodeToString((basicAuth.username() + ":" + pw).getBytes(StandardCharsets.UTF_8));
    }
    if (authorization != null) {
      String cred = authorization.credentialsFile().isEmpty() ? authorization.credentials() : readSecret(authorization.credentialsFile());
      return authorization.type() + " " + cred;
    }
    return null;
  }

  /** A secret file's content without surrounding white space. */
  public static String readSecret(String file) throws IOException {
    try {
      return Files.readString(Path.of(file)).trim();
    } catch (IOException e) {
      throw new IOException("unable to read secret file " + file + ": " + e.getMessage(), e);
    }
  }
}
