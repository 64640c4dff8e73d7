package io.strata.flink;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The embedded MiniCluster's listening ports behind mutual TLS: Flink has no REST authentication, and its REST
 * endpoint cancels the rule job, its BLOB server hands out and accepts job artifacts. Both require a client
 * certificate that only this process holds (a self-signed key pair made with the JDK's {@code keytool} on first
 * use, kept 0600 in {@code dir} with its random password), so another local user's connection fails its TLS
 * handshake. Nothing in Strata uses the REST API (the job is submitted and watched through the MiniCluster's own
 * calls).
 */
public final class MiniClusterTls {
  private static final String ALIAS = "strata-flink-rest";

  private MiniClusterTls() {}

  /**
   * The Flink configuration keys that turn mutual TLS on for the REST endpoint and the internal connections (BLOB
   * server, data exchange), creating the key and trust stores in {@code dir} when absent.
   */
  public static Map<String, String> config(Path dir) {
    Path keystore = dir.resolve("rest.keystore.p12");
    Path truststore = dir.resolve("rest.truststore.p12");
    Path passwordFile = dir.resolve("rest.password");
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      if (!Files.exists(keystore) || !Files.exists(truststore) || !Files.exists(passwordFile)) {
        create(keystore, truststore, passwordFile);
      }
      String password = Files.readString(passwordFile, StandardCharsets.UTF_8).trim();
      Map<String, String> m = new java.util.TreeMap<>();
      m.put("security.ssl.rest.authentication-enabled", "true"); // internal connections are always mutual
      for (String scope : List.of("rest", "internal")) {
        String k = "security.ssl." + scope + ".";
        m.put(k + "enabled", "true");
        m.put(k + "keystore", keystore.toString());
        m.put(k + "keystore-password", password);
        m.put(k + "key-password", password);
        m.put(k + "truststore", truststore.toString());
        m.put(k + "truststore-password", password);
      }
      // Flink's default suite is RSA-only; the key pair is EC
      m.put("security.ssl.algorithms", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
      return m;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the Flink REST key store in " + dir, e);
    }
  }

  private static void create(Path keystore, Path truststore, Path passwordFile) throws IOException {
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    Files.deleteIfExists(keystore);
    Files.deleteIfExists(truststore);
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    ProcessBuilder p = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "36500", "-storetype", "PKCS12",
        "-keystore", keystore.toString(), "-storepass:env", "STRATA_KS_PASSWORD", "-keypass:env", "STRATA_KS_PASSWORD"))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    p.environment().put("STRATA_KS_PASSWORD", password);
    Process running = p.start();
    try {
      if (!running.waitFor(60, TimeUnit.SECONDS) || running.exitValue() != 0) {
        running.destroyForcibly();
        throw new IllegalStateException(keytool + " could not create the Flink REST key pair in " + keystore);
      }
      Files.setPosixFilePermissions(keystore, PosixFilePermissions.fromString("rw-------"));
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(keystore)) {
        ks.load(in, password.toCharArray());
      }
      KeyStore ts = KeyStore.getInstance("PKCS12");
      ts.load(null, null);
      ts.setCertificateEntry(ALIAS, ks.getCertificate(ALIAS));
      Files.createFile(truststore, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try (OutputStream out = Files.newOutputStream(truststore)) {
        ts.store(out, password.toCharArray());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted creating the Flink REST key pair", e);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the Flink REST trust store: " + e.getMessage(), e);
    }
    Files.deleteIfExists(passwordFile);
    Files.createFile(passwordFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(passwordFile, password, StandardCharsets.UTF_8);
  }
}
