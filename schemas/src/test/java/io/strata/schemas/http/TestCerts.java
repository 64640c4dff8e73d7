package io.strata.schemas.http;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A throw-away PKI made with Debian's {@code openssl} (tests skip without it): a CA, a server certificate for
 * {@code localhost}/127.0.0.1 and a client certificate signed by it, and a client certificate from another CA.
 * Keys are PKCS#8 PEM, the form both Go and {@link TlsContexts} read.
 */
record TestCerts(Path dir) {
  Path ca() {
    return dir.resolve("ca.pem");
  }

  Path serverCert() {
    return dir.resolve("server.pem");
  }

  Path serverKey() {
    return dir.resolve("server.key");
  }

  Path clientCert() {
    return dir.resolve("client.pem");
  }

  Path clientKey() {
    return dir.resolve("client.key");
  }

  Path rogueCert() {
    return dir.resolve("rogue-client.pem");
  }

  Path rogueKey() {
    return dir.resolve("rogue-client.key");
  }

  static TestCerts create(Path dir) throws IOException, InterruptedException {
    assumeTrue(onPath("openssl"), "openssl is not installed (Debian package openssl)");
    Files.writeString(dir.resolve("server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
    for (String ca : new String[] {"ca", "rogue-ca"}) {
      run(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", ca + ".key",
          "-out", ca + ".pem", "-days", "2", "-subj", "/CN=" + ca);
    }
    issue(dir, "server", "ca", "localhost");
    issue(dir, "client", "ca", "client");
    issue(dir, "rogue-client", "rogue-ca", "client");
    return new TestCerts(dir);
  }

  private static void issue(Path dir, String name, String ca, String cn) throws IOException, InterruptedException {
    run(dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", name + ".key",
        "-out", name + ".csr", "-subj", "/CN=" + cn);
    run(dir, "x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key", "-CAcreateserial",
        "-out", name + ".pem", "-days", "2", "-extfile", (name.equals("server") ? "server" : "client") + ".ext");
  }

  private static void run(Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }
  }

  static boolean onPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(d, program))) {
        return true;
      }
    }
    return false;
  }
}
