package io.strata.schemas.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Builds an HTTP client's SSLContext from Prometheus's {@code tls_config}: PEM CA bundle, PEM client
 * certificate and PKCS#8 PEM key ({@code BEGIN PRIVATE KEY}), SNI server name, and
 * {@code insecure_skip_verify}, which disables both chain and host name checks as in Prometheus. Shared by
 * every stage that makes outgoing HTTPS calls (scraping, alert delivery); its PEM readers also serve
 * {@link WebTls}, the server side of web-config.yml.
 */
public final class TlsContexts {
  private TlsContexts() {}

  private static final Pattern PEM_KEY = Pattern.compile(
      "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  /**
   * Sets the SSL context and parameters of {@code b}. Empty strings mean "not set": no CA file trusts the
   * JVM's default CAs, no certificate file sends no client certificate, no server name keeps the URL's host.
   *
   * @throws IllegalArgumentException naming {@code tls_config} and the file that cannot be used
   */
  public static void configure(HttpClient.Builder b, String caFile, String certFile, String keyFile, String serverName,
      boolean insecureSkipVerify) {
    try {
      TrustManager[] tms = insecureSkipVerify ? new TrustManager[] {new TrustAll()} : trustManagers(caFile);
      KeyManager[] kms = certFile.isEmpty() ? null : keyManagers(certFile, keyFile);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kms, tms, null);
      b.sslContext(ctx);
      SSLParameters params = ctx.getDefaultSSLParameters();
      if (!serverName.isEmpty()) {
        params.setServerNames(List.of(new SNIHostName(serverName)));
      }
      b.sslParameters(params);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("tls_config: " + e.getMessage(), e);
    }
  }

  private static TrustManager[] trustManagers(String caFile) throws IOException, GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    if (caFile.isEmpty()) {
      tmf.init((KeyStore) null);
      return tmf.getTrustManagers();
    }
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    int i = 0;
    for (Certificate c : certificates(caFile)) {
      ks.setCertificateEntry("ca" + i++, c);
    }
    if (i == 0) {
      throw new IOException("no certificate in ca_file " + caFile);
    }
    tmf.init(ks);
    return tmf.getTrustManagers();
  }

  static KeyManager[] keyManagers(String certFile, String keyFile) throws IOException, GeneralSecurityException {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keyStore(certFile, keyFile, new char[0]), new char[0]);
    return kmf.getKeyManagers();
  }

  /**
   * The PEM certificate chain and PKCS#8 key as an in-memory key store (entry {@code key}, protected by
   * {@code password}), for servers that take key stores rather than PEM files (Kafka Connect's REST listener).
   */
  public static KeyStore keyStore(String certFile, String keyFile, char[] password) throws IOException, GeneralSecurityException {
    Collection<? extends Certificate> chain = certificates(certFile);
    String pem = Files.readString(Path.of(keyFile), StandardCharsets.US_ASCII);
    Matcher m = PEM_KEY.matcher(pem);
    if (!m.find()) {
      throw new IOException("key_file " + keyFile + " holds no PKCS#8 \"BEGIN PRIVATE KEY\" block"
          + " (convert with: openssl pkcs8 -topk8 -nocrypt)");
    }
    byte[] der = Base64.getMimeDecoder().decode(m.group(1));
    PrivateKey key = null;
    for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        key = KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
        break;
      } catch (GeneralSecurityException ignored) {
        // try the next algorithm
      }
    }
    if (key == null) {
      throw new IOException("unsupported private key in " + keyFile);
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("key", key, password, chain.toArray(new Certificate[0]));
    return ks;
  }

  /** The X.509 certificates of a PEM (or DER) file, in file order. */
  public static Collection<? extends Certificate> certificates(String file) throws IOException, GeneralSecurityException {
    byte[] bytes = Files.readAllBytes(Path.of(file));
    return new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes)));
  }

  /** insecure_skip_verify: accepts any chain and any host name (an extended trust manager skips both). */
  static final class TrustAll extends X509ExtendedTrustManager {
    @Override public void checkClientTrusted(X509Certificate[] c, String a, Socket s) {}
    @Override public void checkServerTrusted(X509Certificate[] c, String a, Socket s) {}
    @Override public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {}
    @Override public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {}
    @Override public void checkClientTrusted(X509Certificate[] c, String a) {}
    @Override public void checkServerTrusted(X509Certificate[] c, String a) {}
    @Override public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
