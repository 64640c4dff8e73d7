package io.strata.app.up;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.strata.schemas.http.WebSecurity;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectRestTlsTest {
  @TempDir
  Path dir;

  @Test
  void theWebConfigsKeyPairAndClientCasBecomeConnectsHttpsListener() throws Exception {
    certificate();
    Map<String, String> m = ConnectRestTls.workerConfig(web("tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n"
        + "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: cert.pem\n  min_version: TLS13\n"), "127.0.0.1", 8083, dir.resolve("tls"));
    assertEquals("https://127.0.0.1:8083", m.get("listeners"));
    assertEquals("https", m.get("rest.advertised.listener"));
    assertEquals("required", m.get("listeners.https.ssl.client.auth"));
    assertEquals("TLSv1.3", m.get("listeners.https.ssl.enabled.protocols"));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("tls"))));
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(Path.of(m.get("listeners.https.ssl.keystore.location")))) {
      ks.load(in, m.get("listeners.https.ssl.keystore.password").toCharArray());
    }
    assertTrue(ks.isKeyEntry("key"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(m.get("listeners.https.ssl.keystore.location")))));
  }

  @Test
  void noTlsMeansConnectsPlainListener() throws Exception {
    assertEquals(Map.of(), ConnectRestTls.workerConfig(web("basic_auth_users:\n  alice: " + at.favre.lib.crypto.bcrypt.BCrypt.withDefaults().hashToString(4, "a".toCharArray()) + "\n"),
        "127.0.0.1", 8083, dir.resolve("tls")));
  }

  @Test
  void aClientCertificateAskedForButNotVerifiedIsRefused() throws Exception {
    certificate();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConnectRestTls.workerConfig(
        web("tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n  client_auth_type: RequireAnyClientCert\n"), "127.0.0.1", 8083,
        dir.resolve("tls")));
    assertTrue(e.getMessage().contains("client_auth_type RequireAnyClientCert is not supported on Kafka Connect's REST listener"), e.getMessage());
  }

  private WebSecurity web(String yaml) throws Exception {
    Path f = Files.writeString(dir.resolve("web.yml"), yaml);
    return WebSecurity.load(new WebSecurity.Options(f, Map.of(), false, false, null));
  }

  private void certificate() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
    Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", "key.pem", "-out", "cert.pem", "-days", "2", "-subj", "/CN=localhost").directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
  }
}
