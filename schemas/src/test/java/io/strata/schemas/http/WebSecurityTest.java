package io.strata.schemas.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import at.favre.lib.crypto.bcrypt.BCrypt;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebSecurityTest {
  @TempDir Path dir;
  private Server server;
  private final HttpClient http = HttpClient.newHttpClient();

  /** bcrypt cost 4 (the minimum) keeps the tests fast; the differential IT uses cost 10. */
  static String hash(String password) {
    return BCrypt.withDefaults().hashToString(4, password.toCharArray());
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.stop();
    }
  }

  @Test
  void invalidWebConfigsAreRefusedWithExporterToolkitsMessages() throws Exception {
    Files.writeString(dir.resolve("cert.pem"), "");
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("foo: 1", "yaml: unmarshal errors:\n  line 1: field foo not found in type web.Config");
    cases.put("tls_server_config: {cert_file: c.pem, key_file: k.pem, foo: 1}", "yaml: unmarshal errors:\n  line 1: field foo not found in type web.TLSConfig");
    cases.put("http_server_config: {http2: false, foo: 1}", "yaml: unmarshal errors:\n  line 1: field foo not found in type web.HTTPConfig");
    cases.put("tls_server_config: {cert_file: cert.pem}", "missing key_file");
    cases.put("tls_server_config: {key_file: key.pem}", "missing cert_file");
    cases.put("tls_server_config: {client_auth_type: RequireAndVerifyClientCert}", "missing cert_file");
    cases.put("tls_server_config: {cert_file: nope.pem, key_file: key.pem}",
        "failed to load X509KeyPair: open " + dir.resolve("nope.pem") + ": no such file or directory");
    // as exporter-toolkit, the key pair is loaded before client_auth_type is looked at (WebConfigVsPrometheusIT has both)
    cases.put("tls_server_config: {cert_file: c.pem, key_file: k.pem, client_auth_type: Bogus}",
        "failed to load X509KeyPair: open " + dir.resolve("c.pem") + ": no such file or directory");
    cases.put("tls_server_config: {cert_file: c.pem, key_file: k.pem, min_version: TLS14}", "unknown TLS version: TLS14");
    cases.put("tls_server_config: {cert_file: c.pem, key_file: k.pem, curve_preferences: [Foo]}", "unknown curve: Foo");
    cases.put("http_server_config: {headers: {Foo: bar}}", "HTTP header \"Foo\" can not be configured");
    cases.put("http_server_config: {headers: {x-frame-options: deny}}", "HTTP header \"x-frame-options\" can not be configured");
    cases.put("http_server_config: {headers: {X-Content-Type-Options: bar}}",
        "invalid value for X-Content-Type-Options. Expected one of: [\"nosniff\"], but got: \"bar\"");
    cases.put("http_server_config: {headers: {X-Frame-Options: DENY}}",
        "invalid value for X-Frame-Options. Expected one of: [\"deny\" \"sameorigin\"], but got: \"DENY\"");
    cases.put("basic_auth_users: {a: notahash}", "crypto/bcrypt: hashedSecret too short to be a bcrypted password");
    Path f = dir.resolve("web.yml");
    for (var c : cases.entrySet()) {
      Files.writeString(f, c.getKey() + "\n");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> WebSecurity.load(new WebSecurity.Options(f, Map.of(), false, false, null)), c.getKey());
      assertEquals("--web.config.file " + f + ": " + c.getValue(), e.getMessage(), c.getKey());
    }
    for (String ok : new String[] {"", "tls_server_config: {}", "basic_auth_users: {a: " + hash("x").replace("$2a$", "$2y$") + "}",
        "http_server_config: {http2: false, headers: {Strict-Transport-Security: max-age=1, X-XSS-Protection: '1', "
            + "Content-Security-Policy: default-src x, X-Content-Type-Options: nosniff, X-Frame-Options: sameorigin}}"}) {
      Files.writeString(f, ok + "\n");
      WebSecurity.load(new WebSecurity.Options(f, Map.of(), false, false, null));
    }
  }

  @Test
  void tenantsWithoutUsersAreRefused() throws Exception {
    Path f = dir.resolve("web.yml");
    Files.writeString(f, "http_server_config: {http2: true}\n");
    var e = assertThrows(IllegalArgumentException.class,
        () -> WebSecurity.load(new WebSecurity.Options(f, Map.of("alice", List.of("team-a")), false, false, null)));
    assertEquals("--web.config.file " + f + ": auth.tenants binds users, but the web config has no basic_auth_users", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> WebSecurity.load(new WebSecurity.Options(null, Map.of("alice", List.of("team-a")), false, false, null)));
    assertThrows(IllegalArgumentException.class, () -> new WebSecurity.Options(f, Map.of("alice", List.of()), false, false, null));
  }

  @Test
  void basicAuthOverMutualTls() throws Exception {
    TestCerts certs = TestCerts.create(dir);
    Path f = dir.resolve("web.yml");
    Files.writeString(f, "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n"
        + "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.pem\n"
        + "basic_auth_users:\n  alice: " + hash("secret") + "\n");
    int port = start(new WebSecurity.Options(f, Map.of(), false, false, null));
    assertEquals(expectedOverMutualTls(), WebProbe.tls(port, certs, "alice", "secret", true));
  }

  /** What Prometheus 2.42 answers too (WebConfigVsPrometheusIT). */
  static Map<String, String> expectedOverMutualTls() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("no credentials", "401 WWW-Authenticate: Basic");
    m.put("wrong password", "401 WWW-Authenticate: Basic");
    m.put("unknown user", "401 WWW-Authenticate: Basic");
    m.put("right password", "200");
    m.put("plain HTTP on the TLS port", "400 Client sent an HTTP request to an HTTPS server.");
    m.put("no client certificate", "refused");
    m.put("client certificate of another CA", "refused");
    return m;
  }

  @Test
  void eachHandshakeReadsTheCertificateFilesAgain() throws Exception {
    TestCerts certs = TestCerts.create(dir);
    Path f = dir.resolve("web.yml");
    Files.writeString(f, "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n");
    int port = start(new WebSecurity.Options(f, Map.of(), false, false, null));
    assertEquals("CN=localhost", peerSubject(port));
    // rotate the key pair in place (here: to the client's, whose subject tells them apart)
    Files.copy(certs.clientCert(), certs.serverCert(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.copy(certs.clientKey(), certs.serverKey(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertEquals("CN=client", peerSubject(port));
    Files.writeString(f, "tls_server_config:\n  cert_file: server.pem\n");
    assertEquals("refused", WebProbe.send(trustAll(), "https://127.0.0.1:" + port + "/", null), "a broken file fails the handshake");
  }

  private static HttpClient trustAll() {
    HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
    TlsContexts.configure(b, "", "", "", "", true);
    return b.build();
  }

  /** The subject of the certificate the server shows at a new handshake (a new client: no pooled connection). */
  private static String peerSubject(int port) throws Exception {
    HttpResponse<String> r = trustAll().send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/")).build(),
        HttpResponse.BodyHandlers.ofString());
    return ((java.security.cert.X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0]).getSubjectX500Principal().getName();
  }

  @Test
  void usersAreBoundToTheirTenants() throws Exception {
    Path f = dir.resolve("web.yml");
    Files.writeString(f, "basic_auth_users:\n  alice: " + hash("a") + "\n  bob: " + hash("b") + "\n  carol: " + hash("c") + "\n");
    int port = start(new WebSecurity.Options(f, Map.of("alice", List.of("team-a"), "bob", List.of("team-b", "team-c")), false, false, null));
    // the echo handler answers with the tenant it was given
    assertEquals("200 team-a", get(port, "/api/v1/query", "alice", "a", null));
    assertEquals("200 team-a", get(port, "/api/v1/query", "alice", "a", "team-a"));
    assertEquals("403 X-Scope-OrgID \"team-b\" is not a tenant of user \"alice\"", get(port, "/api/v1/query", "alice", "a", "team-b"));
    assertEquals("403 X-Scope-OrgID is required: user \"bob\" may use tenants [team-b, team-c]", get(port, "/api/v1/write", "bob", "b", null));
    assertEquals("200 team-c", get(port, "/api/v1/write", "bob", "b", "team-c"));
    assertEquals("403 user \"carol\" is bound to no tenant (auth.tenants)", get(port, "/metrics", "carol", "c", null));
    assertEquals("401 Unauthorized", get(port, "/api/v1/query", "alice", "b", "team-a"));
    // refused with a body up to 256 KiB: the body is read and dropped, the answer always arrives and the connection
    // stays usable; the client's next request gets through
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/write"))
          .header("Authorization", WebProbe.basic("bob", "b")).header("X-Scope-OrgID", "team-a")
          .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100_000))).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(403, r.statusCode());
      assertEquals("", r.headers().firstValue("Connection").orElse(""), "a drained connection is kept");
      assertEquals("200 team-c", get(port, "/api/v1/write", "bob", "b", "team-c"));
    }
    // a larger body is not read: the connection closes after the answer and says so
    HttpResponse<String> big = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/write"))
        .header("Authorization", WebProbe.basic("bob", "b")).header("X-Scope-OrgID", "team-a")
        .POST(HttpRequest.BodyPublishers.ofString("x".repeat(300_000))).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(403, big.statusCode());
    assertEquals("close", big.headers().firstValue("Connection").orElse(""));
    assertEquals("200 team-c", get(port, "/api/v1/write", "bob", "b", "team-c"));
  }

  @Test
  void theFileIsReadAgainWhenItChanges() throws Exception {
    Path f = dir.resolve("web.yml");
    Files.writeString(f, "basic_auth_users:\n  alice: " + hash("old") + "\n");
    int port = start(new WebSecurity.Options(f, Map.of(), false, false, null));
    assertEquals("200 none", get(port, "/metrics", "alice", "old", null));
    Files.writeString(f, "http_server_config:\n  headers:\n    X-Frame-Options: deny\nbasic_auth_users:\n  alice: " + hash("new") + "\n");
    assertEquals("401 Unauthorized", get(port, "/metrics", "alice", "old", null));
    HttpResponse<String> r = send(port, "GET", "/metrics", "alice", "new", null);
    assertEquals(200, r.statusCode());
    assertEquals("deny", r.headers().firstValue("X-Frame-Options").orElse(null));
    Files.writeString(f, "basic_auth_users: {alice: short}\n");
    assertEquals("500 Internal Server Error", get(port, "/metrics", "alice", "new", null));
    Files.writeString(f, "");
    assertEquals("200 none", get(port, "/metrics", null, null, null));
  }

  @Test
  void lifecycleAndAdminEndpointsAnswerOnlyWhenEnabled() throws Exception {
    int off = start(new WebSecurity.Options(null, Map.of(), false, false, null));
    assertEquals("403 Lifecycle API is not enabled.", post(off, "/-/reload"));
    assertEquals("403 Lifecycle API is not enabled.", post(off, "/-/quit"));
    assertEquals("405 Only POST or PUT requests allowed", get(off, "/-/reload", null, null, null));
    assertEquals("500 {\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"admin APIs disabled\"}",
        post(off, "/api/v1/admin/tsdb/snapshot"));
    assertEquals("500 {\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"admin APIs disabled\"}",
        post(off, "/api/v1/admin/tsdb/delete_series"));
    assertEquals("500 {\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"admin APIs disabled\"}",
        post(off, "/api/v1/admin/tsdb/flush"));
    server.stop();
    boolean[] quit = {false};
    int on = start(new WebSecurity.Options(null, Map.of(), true, true, () -> quit[0] = true));
    assertEquals("200 none", post(on, "/-/reload"));
    assertEquals("200 none", post(on, "/api/v1/admin/tsdb/snapshot"));
    assertEquals("200 Requesting termination... Goodbye!", post(on, "/-/quit"));
    Thread.sleep(200);
    assertEquals(true, quit[0]);
  }

  @Test
  void theSelfScrapeUserMayOnlyReadMetrics() throws Exception {
    Path f = dir.resolve("web.yml");
    Files.writeString(f, "basic_auth_users:\n  alice: " + hash("a") + "\n");
    WebSecurity web = WebSecurity.load(new WebSecurity.Options(f, Map.of("alice", List.of("team-a")), false, false, null));
    int port = start(web);
    assertEquals("200 none", get(port, "/metrics", WebSecurity.SELF_SCRAPE_USER, web.selfScrapePassword(), null));
    assertEquals("403 strata-self-scrape may only GET /metrics", get(port, "/api/v1/query", WebSecurity.SELF_SCRAPE_USER, web.selfScrapePassword(), null));
    assertEquals("401 Unauthorized", get(port, "/metrics", WebSecurity.SELF_SCRAPE_USER, "guess", null));
  }

  private int start(WebSecurity.Options o) throws Exception {
    return start(WebSecurity.load(o));
  }

  private int start(WebSecurity web) throws Exception {
    server = new Server();
    ServerConnector c = new ServerConnector(server);
    c.setHost("127.0.0.1");
    server.addConnector(c);
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        String t = request.getHeaders().get("X-Scope-OrgID");
        response.setStatus(200);
        response.write(true, ByteBuffer.wrap((t == null ? "none" : t).getBytes(StandardCharsets.UTF_8)), callback);
        return true;
      }
    });
    web.install(server);
    server.start();
    return c.getLocalPort();
  }

  private String get(int port, String path, String user, String password, String tenant) throws Exception {
    HttpResponse<String> r = send(port, "GET", path, user, password, tenant);
    return r.statusCode() + " " + r.body().trim();
  }

  private String post(int port, String path) throws Exception {
    HttpResponse<String> r = send(port, "POST", path, null, null, null);
    return r.statusCode() + " " + r.body().trim();
  }

  private HttpResponse<String> send(int port, String method, String path, String user, String password, String tenant) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).method(method, HttpRequest.BodyPublishers.noBody());
    if (user != null) {
      b.header("Authorization", WebProbe.basic(user, password));
    }
    if (tenant != null) {
      b.header("X-Scope-OrgID", tenant);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
