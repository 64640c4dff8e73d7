package io.strata.schemas.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One web-config.yml (mTLS with RequireAndVerifyClientCert, a bcrypt user, a header) given to Debian's
 * Prometheus 2.42 ({@code --web.config.file}) and to {@link WebSecurity} on a Jetty port: the same answers for
 * no, wrong and right credentials, plain HTTP on the TLS port, missing and foreign client certificates, and the
 * lifecycle and admin endpoints without their flags.
 */
class WebConfigVsPrometheusIT {
  @TempDir Path dir;

  @Test
  void strataAnswersAsPrometheusDoes() throws Exception {
    assumeTrue(TestCerts.onPath("prometheus"), "Debian's prometheus is not installed (apt-get install prometheus)");
    TestCerts certs = TestCerts.create(dir);
    Path web = dir.resolve("web.yml");
    Files.writeString(web, "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n"
        + "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.pem\n  min_version: TLS12\n"
        + "http_server_config:\n  headers:\n    X-Frame-Options: deny\n"
        + "basic_auth_users:\n  alice: " + BCrypt.withDefaults().hashToString(10, "s3cret".toCharArray()) + "\n");
    Files.writeString(dir.resolve("prometheus.yml"), "global: {}\n");
    int promPort = freePort();
    Process prom = new ProcessBuilder("prometheus", "--config.file=" + dir.resolve("prometheus.yml"), "--web.config.file=" + web,
        "--web.listen-address=127.0.0.1:" + promPort, "--storage.tsdb.path=" + dir.resolve("prom-data"))
        .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    Server jetty = new Server();
    try {
      ServerConnector c = new ServerConnector(jetty);
      c.setHost("127.0.0.1");
      jetty.addConnector(c);
      jetty.setHandler(new Handler.Abstract() {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
          response.setStatus(200);
          response.write(true, ByteBuffer.wrap("ok\n".getBytes(StandardCharsets.UTF_8)), callback);
          return true;
        }
      });
      WebSecurity.load(new WebSecurity.Options(web, Map.of(), false, false, null)).install(jetty);
      jetty.start();
      awaitUp(certs, promPort);

      Map<String, String> prometheus = WebProbe.tls(promPort, certs, "alice", "s3cret", true);
      Map<String, String> strata = WebProbe.tls(c.getLocalPort(), certs, "alice", "s3cret", true);
      assertEquals(WebSecurityTest.expectedOverMutualTls(), prometheus, "Prometheus 2.42 answers as expected");
      assertEquals(prometheus, strata);
      assertEquals(gates(certs, promPort), gates(certs, c.getLocalPort()));
    } finally {
      jetty.stop();
      prom.destroy();
      prom.waitFor();
    }
  }

  @Test
  void invalidWebConfigsGetPromtoolsMessages() throws Exception {
    assumeTrue(TestCerts.onPath("promtool"), "Debian's promtool is not installed (apt-get install prometheus)");
    TestCerts.create(dir);
    Files.writeString(dir.resolve("cert.pem"), "");
    Path f = dir.resolve("web.yml");
    for (String yaml : List.of("foo: 1", "tls_server_config: {cert_file: c.pem, key_file: k.pem, foo: 1}",
        "http_server_config: {http2: false, foo: 1}", "tls_server_config: {cert_file: cert.pem}", "tls_server_config: {key_file: key.pem}",
        "tls_server_config: {cert_file: nope.pem, key_file: key.pem}", "tls_server_config: {cert_file: c.pem, key_file: k.pem, client_auth_type: Bogus}",
        "tls_server_config: {cert_file: c.pem, key_file: k.pem, client_ca_file: ca.pem}",
        "tls_server_config: {cert_file: c.pem, key_file: k.pem, min_version: TLS14}",
        "tls_server_config: {cert_file: c.pem, key_file: k.pem, curve_preferences: [Foo]}",
        "http_server_config: {headers: {Foo: bar}}", "http_server_config: {headers: {X-Content-Type-Options: bar}}",
        "http_server_config: {headers: {X-Frame-Options: DENY}}", "basic_auth_users: {a: notahash}",
        "tls_server_config: {cert_file: server.pem, key_file: server.key, client_auth_type: Bogus}",
        "tls_server_config: {cert_file: server.pem, key_file: server.key, client_ca_file: ca.pem}",
        "tls_server_config: {cert_file: server.pem, key_file: server.key, client_auth_type: RequireAndVerifyClientCert, client_ca_file: nope.pem}")) {
      Files.writeString(f, yaml + "\n");
      Process p = new ProcessBuilder("promtool", "check", "web-config", f.toString()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      assertEquals(1, p.waitFor(), out);
      String promtool = out.substring(out.indexOf("FAILED: ") + "FAILED: ".length());
      String strata;
      try {
        WebSecurity.load(new WebSecurity.Options(f, Map.of(), false, false, null));
        strata = "(accepted)";
      } catch (IllegalArgumentException e) {
        strata = e.getMessage().substring(("--web.config.file " + f + ": ").length());
      }
      assertEquals(promtool, strata, yaml);
    }
  }

  /** Status, body and X-Frame-Options of the lifecycle and admin endpoints without their flags, logged in. */
  private static Map<String, String> gates(TestCerts certs, int port) throws Exception {
    HttpClient http = WebProbe.client(certs, certs.clientCert(), certs.clientKey());
    Map<String, String> out = new LinkedHashMap<>();
    for (String call : List.of("POST /-/reload", "PUT /-/reload", "GET /-/reload", "POST /-/quit", "POST /api/v1/admin/tsdb/snapshot",
        "PUT /api/v1/admin/tsdb/delete_series", "POST /api/v1/admin/tsdb/clean_tombstones")) {
      String[] mp = call.split(" ");
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + mp[1]))
          .header("Authorization", WebProbe.basic("alice", "s3cret")).method(mp[0], HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      out.put(call, r.statusCode() + " " + r.body().trim() + " X-Frame-Options=" + r.headers().firstValue("X-Frame-Options").orElse(""));
    }
    return out;
  }

  private static void awaitUp(TestCerts certs, int port) throws Exception {
    HttpClient http = WebProbe.client(certs, certs.clientCert(), certs.clientKey());
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (WebProbe.send(http, "https://localhost:" + port + "/-/ready", WebProbe.basic("alice", "s3cret")).equals("200")) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("prometheus did not answer on " + port);
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
