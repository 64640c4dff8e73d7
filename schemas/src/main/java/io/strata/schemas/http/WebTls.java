package io.strata.schemas.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The server side of {@code tls_server_config}: an SSLContext from the PEM key pair and client CA, and the
 * engine settings of {@code client_auth_type}, {@code min_version}/{@code max_version}, {@code cipher_suites}
 * (TLS 1.2 only: TLS 1.3 suites stay enabled, as in Go) and {@code prefer_server_cipher_suites}.
 * {@code curve_preferences} is validated but the JVM's named groups are used (Java 17 cannot set them per engine).
 * Client auth types map as in Go: Request = ask, no check; RequireAny = demand, no check;
 * VerifyClientCertIfGiven = ask, check against the client CA; RequireAndVerify = demand and check.
 */
final class WebTls {
  private final WebConfig.Tls cfg;
  private final List<byte[]> files;
  private final SSLContext context;
  private final String[] protocols;
  private final String[] cipherSuites;

  private WebTls(WebConfig.Tls cfg, List<byte[]> files) {
    this.cfg = cfg;
    this.files = files;
    try {
      KeyManager[] kms;
      try {
        kms = TlsContexts.keyManagers(cfg.certFile(), cfg.keyFile());
      } catch (NoSuchFileException e) {
        throw new IllegalArgumentException("failed to load X509KeyPair: open " + e.getFile() + ": no such file or directory");
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalArgumentException("failed to load X509KeyPair: " + e.getMessage());
      }
      TrustManager[] cas = clientCas(cfg.clientCaFile());
      String auth = cfg.clientAuthType();
      if (!WebConfig.CLIENT_AUTH_TYPES.contains(auth)) {
        throw new IllegalArgumentException("Invalid ClientAuth: " + auth);
      }
      if (!WebConfig.blank(cfg.clientCaFile()) && (auth.isEmpty() || auth.equals("NoClientCert"))) {
        throw new IllegalArgumentException("Client CA's have been configured without a Client Auth Policy");
      }
      TrustManager[] tms = null;
      if (auth.equals("RequestClientCert") || auth.equals("RequireAnyClientCert")) {
        tms = new TrustManager[] {new TlsContexts.TrustAll()};
      } else if (auth.equals("VerifyClientCertIfGiven") || auth.equals("RequireAndVerifyClientCert")) {
        tms = cas;
      }
      context = SSLContext.getInstance("TLS");
      context.init(kms, tms, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("tls_server_config: " + e.getMessage(), e);
    }
    protocols = cfg.protocols().toArray(new String[0]);
    if (cfg.cipherSuites().isEmpty()) {
      cipherSuites = null;
    } else {
      Set<String> supported = Set.of(context.getSupportedSSLParameters().getCipherSuites());
      Set<String> chosen = new LinkedHashSet<>();
      for (String c : cfg.cipherSuites()) {
        if (!supported.contains(c)) {
          throw new IllegalArgumentException("unknown cipher: " + c);
        }
        chosen.add(c);
      }
      // Go does not let TLS 1.3 suites be configured: they stay enabled whatever cipher_suites says
      Arrays.stream(context.getDefaultSSLParameters().getCipherSuites()).filter(s -> s.startsWith("TLS_AES_") || s.startsWith("TLS_CHACHA20_"))
          .forEach(chosen::add);
      cipherSuites = chosen.toArray(new String[0]);
    }
  }

  /** Reads the files {@code cfg} names and builds the context; errors carry exporter-toolkit's messages. */
  static WebTls load(WebConfig.Tls cfg) {
    return new WebTls(cfg, read(cfg));
  }

  /** This, if {@code cfg} and the bytes of its files are unchanged; otherwise a new one (the files are re-read). */
  WebTls reloadIfChanged(WebConfig.Tls now) {
    List<byte[]> bytes = read(now);
    if (now.equals(cfg) && sameBytes(bytes, files)) {
      return this;
    }
    return new WebTls(now, bytes);
  }

  SSLContext context() {
    return context;
  }

  SSLEngine newEngine(String host, int port) {
    SSLEngine e = host == null ? context.createSSLEngine() : context.createSSLEngine(host, port);
    e.setUseClientMode(false);
    SSLParameters p = e.getSSLParameters();
    p.setProtocols(protocols);
    if (cipherSuites != null) {
      p.setCipherSuites(cipherSuites);
    }
    p.setUseCipherSuitesOrder(Boolean.TRUE.equals(cfg.preferServerCipherSuites()));
    switch (cfg.clientAuthType()) {
      case "RequestClientCert", "VerifyClientCertIfGiven" -> p.setWantClientAuth(true);
      case "RequireAnyClientCert", "RequireAndVerifyClientCert" -> p.setNeedClientAuth(true);
      default -> p.setWantClientAuth(false);
    }
    e.setSSLParameters(p);
    return e;
  }

  private static TrustManager[] clientCas(String caFile) throws GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    if (WebConfig.blank(caFile)) {
      tmf.init((KeyStore) null); // Go verifies against the system roots then
      return tmf.getTrustManagers();
    }
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      ks.load(null, null);
      int i = 0;
      for (Certificate c : TlsContexts.certificates(caFile)) {
        ks.setCertificateEntry("ca" + i++, c);
      }
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("open " + e.getFile() + ": no such file or directory");
    } catch (IOException e) {
      throw new IllegalArgumentException("client_ca_file " + caFile + ": " + e.getMessage());
    }
    tmf.init(ks);
    return tmf.getTrustManagers();
  }

  private static List<byte[]> read(WebConfig.Tls cfg) {
    List<byte[]> out = new ArrayList<>(3);
    for (String f : new String[] {cfg.certFile(), cfg.keyFile(), cfg.clientCaFile()}) {
      try {
        out.add(WebConfig.blank(f) ? new byte[0] : Files.readAllBytes(Path.of(f)));
      } catch (IOException e) {
        out.add(null); // the constructor reports the file
      }
    }
    return out;
  }

  private static boolean sameBytes(List<byte[]> a, List<byte[]> b) {
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i) == null || b.get(i) == null || !Arrays.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }
}
