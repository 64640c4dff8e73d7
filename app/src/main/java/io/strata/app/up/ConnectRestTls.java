package io.strata.app.up;

import io.strata.schemas.http.TlsContexts;
import io.strata.schemas.http.WebConfig;
import io.strata.schemas.http.WebSecurity;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The web config's {@code tls_server_config} as Kafka Connect's own REST listener settings ({@code listeners=https://},
 * {@code listeners.https.ssl.*}). Connect's listener takes key stores, not PEM files: the key pair and the trusted
 * certificates are written as PKCS#12 files with a random password into a private directory at start, and are not
 * re-read (restart the worker after changing the certificate). The trust store holds {@code client_ca_file} and the
 * certificates of {@code cert_file}: the workers of a group call each other over TLS (a follower forwards to the leader),
 * so each must trust the others' certificate (give them the same one, or certificates of a CA in either file) and the
 * advertised host must be one the certificate names. {@code client_auth_type} maps to Connect's {@code ssl.client.auth}:
 * VerifyClientCertIfGiven = requested, RequireAndVerifyClientCert = required (a worker presents its own certificate to
 * the others); RequestClientCert and RequireAnyClientCert (a certificate asked for but not verified) are refused, as
 * Connect verifies every certificate it gets.
 */
public final class ConnectRestTls {
  private ConnectRestTls() {}

  /**
   * The worker overrides for an HTTPS listener on {@code host:port}, or none when {@code web} serves no TLS.
   *
   * @param dir private directory (created 0700) for the key and trust stores
   * @throws IllegalArgumentException naming {@code --web.config.file} when the TLS settings cannot be used
   */
  public static Map<String, String> workerConfig(WebSecurity web, String host, int port, Path dir) {
    WebConfig.Tls tls = web.tlsConfig();
    if (tls == null) {
      return Map.of();
    }
    String file = "--web.config.file " + web.options().webConfigFile();
    String clientAuth = switch (tls.clientAuthType()) {
      case "", "NoClientCert" -> "none";
      case "VerifyClientCertIfGiven" -> "requested";
      case "RequireAndVerifyClientCert" -> "required";
      default -> throw new IllegalArgumentException(file + ": client_auth_type " + tls.clientAuthType()
          + " is not supported on Kafka Connect's REST listener, which verifies every client certificate it asks for: "
          + "use VerifyClientCertIfGiven or RequireAndVerifyClientCert with client_ca_file");
    };
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    Path keyStore = dir.resolve("rest-keystore.p12");
    Path trustStore = dir.resolve("rest-truststore.p12");
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      KeyStore keys = TlsContexts.keyStore(tls.certFile(), tls.keyFile(), password.toCharArray());
      KeyStore trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      List<Certificate> certs = new ArrayList<>(TlsContexts.certificates(tls.certFile()));
      if (tls.clientCaFile() != null && !tls.clientCaFile().isBlank()) {
        certs.addAll(TlsContexts.certificates(tls.clientCaFile()));
      }
      for (int i = 0; i < certs.size(); i++) {
        trusted.setCertificateEntry("trusted-" + i, certs.get(i));
      }
      write(keys, keyStore, password);
      write(trusted, trustStore, password);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(file + ": tls_server_config for Kafka Connect's REST listener: " + e.getMessage(), e);
    }
    String p = "listeners.https.";
    Map<String, String> m = new HashMap<>();
    m.put("listeners", "https://" + host + ":" + port);
    m.put("rest.advertised.listener", "https");
    m.put(p + "ssl.keystore.type", "PKCS12");
    m.put(p + "ssl.keystore.location", keyStore.toString());
    m.put(p + "ssl.keystore.password", password);
    m.put(p + "ssl.key.password", password);
    m.put(p + "ssl.truststore.type", "PKCS12");
    m.put(p + "ssl.truststore.location", trustStore.toString());
    m.put(p + "ssl.truststore.password", password);
    m.put(p + "ssl.client.auth", clientAuth);
    m.put(p + "ssl.enabled.protocols", String.join(",", tls.protocols()));
    m.put(p + "ssl.protocol", "TLS");
    m.put(p + "ssl.cipher.suites", String.join(",", tls.cipherSuites())); // empty: the JVM's (Connect needs the key set)
    m.put(p + "ssl.endpoint.identification.algorithm", "HTTPS"); // a worker checks the host name of the one it calls
    return m;
  }

  private static void write(KeyStore ks, Path file, String password) throws IOException, GeneralSecurityException {
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING)) {
      ks.store(out, password.toCharArray());
    }
  }
}
