package io.strata.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.schemas.http.TlsContexts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata up --web.config.file web.yml --config strata.yml} with TLS, bcrypt users and {@code auth.tenants}:
 * no port answers without credentials, plain HTTP is refused, each write path refuses a foreign tenant, one tenant
 * sees nothing of another's series, label values, metadata, rules or alerts, lifecycle is off without its flag,
 * the stack's own scrape still gets through (TLS and its per-start user), Kafka Connect's REST API answers
 * only operators, and the broker and the registry refuse clients without Strata's internal credentials.
 */
class SecurityUpIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private HttpClient http;

  @Test
  void tenantsSeeOnlyTheirOwnData() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
    run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "key.pem", "-out", "cert.pem",
        "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
    HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
    TlsContexts.configure(b, dir.resolve("cert.pem").toString(), "", "", "", false);
    http = b.build();
    Path web = Files.writeString(dir.resolve("web.yml"), "tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n"
        + "basic_auth_users:\n  alice: " + hash("a") + "\n  bob: " + hash("b") + "\n  ops: " + hash("o") + "\n  operator: " + hash("op") + "\n");
    Path config = Files.writeString(dir.resolve("strata.yml"), "auth:\n  tenants:\n    alice: [team-a]\n    bob: [team-b]\n    ops: [default]\n");
    Path rules = Files.writeString(dir.resolve("rules.yml"),
        "groups:\n  - name: ops\n    interval: 1s\n    rules:\n      - alert: OpsOnly\n        expr: vector(1)\n");
    try (StrataProcess p = new StrataProcess(dir.resolve("data"),
        List.of("--config", config.toString(), "--web.config.file", web.toString(), "--rule-file", rules.toString()))) {
      p.start();
      String q = "https://localhost:" + p.queryPort;
      String in = "https://localhost:" + p.ingestPort;

      assertEquals(401, send("GET", q + "/api/v1/query?query=up", null, null, null).statusCode());
      assertEquals("Basic", send("GET", in + "/metrics", null, null, null).headers().firstValue("WWW-Authenticate").orElse(""));
      assertEquals(401, send("GET", q + "/-/healthy", "alice", "wrong", null).statusCode());
      HttpResponse<String> plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.queryPort + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(400, plain.statusCode(), "plain HTTP on a TLS port");

      // writes: alice and bob push (alice needs no header: one tenant), nobody writes into another's tenant
      assertEquals(200, send("PUT", in + "/metrics/job/a", "alice", "a", null, "# HELP secret_a team a only\n# TYPE secret_a gauge\nsecret_a 1\n").statusCode());
      assertEquals(200, send("PUT", in + "/metrics/job/b", "bob", "b", "team-b", "# HELP secret_b team b only\n# TYPE secret_b gauge\nsecret_b 2\n").statusCode());
      for (String path : List.of("/metrics/job/x", "/api/v1/write", "/v1/metrics")) {
        assertEquals(403, send("POST", in + path, "bob", "b", "team-a", "x 1\n").statusCode(), path);
      }
      assertEquals(403, send("GET", q + "/api/v1/series?match[]=secret_a", "bob", "b", "team-a").statusCode());

      // reads: each sees its own series, label values and metadata, nothing of the other's
      await("alice sees secret_a", () -> names("alice", "a", q).contains("secret_a"));
      await("bob sees secret_b", () -> names("bob", "b", q).contains("secret_b"));
      assertEquals(List.of("secret_a"), names("alice", "a", q).stream().filter(n -> n.startsWith("secret")).toList());
      assertEquals(List.of("secret_b"), names("bob", "b", q).stream().filter(n -> n.startsWith("secret")).toList());
      assertEquals("[]", json("bob", "b", q + "/api/v1/series?match[]=secret_a").at("/data").toString());
      await("alice's metadata", () -> json("alice", "a", q + "/api/v1/metadata").at("/data").has("secret_a"));
      JsonNode bobMeta = json("bob", "b", q + "/api/v1/metadata").at("/data");
      assertTrue(!bobMeta.has("secret_a"), bobMeta.toString());

      // rules and alerts of the default tenant (the rule file's): ops sees them, alice nothing
      await("ops sees the alert firing", () -> json("ops", "o", q + "/api/v1/alerts").at("/data/alerts").toString().contains("OpsOnly"));
      assertEquals("[]", json("alice", "a", q + "/api/v1/alerts").at("/data/alerts").toString());
      assertEquals("[]", json("alice", "a", q + "/api/v1/rules").at("/data/groups").toString());
      assertTrue(json("ops", "o", q + "/api/v1/rules").at("/data/groups").size() == 1);

      // the stack's own scrape reached both TLS ports with its per-start user
      await("self-scrape up == 1", () -> json("ops", "o", q + "/api/v1/query?query=sum(up{job=\"strata\"})").at("/data/result/0/value/1").asText().equals("2"));

      // lifecycle needs --web.enable-lifecycle, admin needs --web.enable-admin-api
      HttpResponse<String> reload = send("POST", in + "/-/reload", "ops", "o", null, "");
      assertEquals("403 Lifecycle API is not enabled.", reload.statusCode() + " " + reload.body());
      assertEquals(500, send("POST", q + "/api/v1/admin/tsdb/snapshot", "ops", "o", null, "").statusCode());

      // Kafka Connect REST: operators of the web config only (users no tenant binding names)
      String connect = "http://127.0.0.1:" + p.connectPort + "/connectors";
      HttpResponse<String> anonymous = send("DELETE", connect + "/strata-tsdb-sink", null, null, null);
      assertEquals(401, anonymous.statusCode(), anonymous.body());
      assertEquals("Basic", anonymous.headers().firstValue("WWW-Authenticate").orElse(""));
      assertEquals(403, send("DELETE", connect + "/strata-tsdb-sink", "alice", "a", null).statusCode());
      assertEquals(403, send("GET", q + "/api/v1/query?query=up", "operator", "op", null).statusCode(), "operators are bound to no tenant");
      HttpResponse<String> listed = send("GET", connect, "operator", "op", null);
      assertEquals("200 [\"strata-tsdb-sink\"]", listed.statusCode() + " " + listed.body());

      internalPortsRefuseStrangers(p);
      String out = String.join("\n", p.output());
      assertTrue(!out.contains("not ready yet") && !out.contains(":" + p.registryPort + "@") && out.contains("http://127.0.0.1:" + p.registryPort
          + "/apis/ccompat/v7"), "every stage ready, the registry URL printed without its password:\n" + out);
    }
  }

  @Test
  void anInvalidWebConfigStopsStrataUpBeforeAnythingStarts() throws Exception {
    Path web = Files.writeString(dir.resolve("web.yml"), "tls_server_config:\n  cert_file: cert.pem\n");
    try (StrataProcess p = new StrataProcess(dir.resolve("data"), List.of("--web.config.file", web.toString()))) {
      assertEquals(2, p.runToExit());
      String out = String.join("\n", p.output());
      assertTrue(out.contains("strata up: --web.config.file " + web + ": missing key_file"), out);
    }
    Path config = Files.writeString(dir.resolve("strata.yml"), "auth:\n  tenants:\n    alice: [team-a]\n");
    try (StrataProcess p = new StrataProcess(dir.resolve("data"), List.of("--config", config.toString()))) {
      assertEquals(2, p.runToExit());
      String out = String.join("\n", p.output());
      assertTrue(out.contains("strata up: auth.tenants binds users, who are defined by basic_auth_users in --web.config.file (none given)"), out);
    }
  }

  /**
   * Kafka: no listing, reading or writing without credentials or with wrong ones, on the broker and the controller
   * port; a stage's principal only does what its ACLs allow. Registry: no subject deletion or compatibility change
   * without its user. The stages' passwords are in the data dir, readable by the owner only.
   */
  private void internalPortsRefuseStrangers(StrataProcess p) throws Exception {
    Path secrets = dir.resolve("data/secrets/secrets.properties");
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets)));
    java.util.Properties pw = new java.util.Properties();
    try (var r = Files.newBufferedReader(secrets)) {
      pw.load(r);
    }
    String samples = "metrics.samples";
    Map<String, Object> none = Map.of();
    assertTrue(cannotList(p.kafka(), none), "listing topics without credentials");
    assertTrue(cannotList(p.kafka(), scram("strata-ingest", "wrong")), "listing topics with a wrong password");
    assertTrue(cannotList(p.kafka(), scram("mallory", "x")), "listing topics as an unknown user");
    assertTrue(cannotWrite(p.kafka(), none, samples), "writing samples without credentials");
    assertTrue(cannotRead(p.kafka(), none, samples), "reading samples without credentials");
    assertTrue(cannotRead(p.kafka(), scram("strata-query", "wrong"), "metrics.metadata"), "reading metadata with a wrong password");
    Map<String, Object> controller = new HashMap<>(Map.of("bootstrap.controllers", "127.0.0.1:" + p.controllerPort,
        "default.api.timeout.ms", "4000", "request.timeout.ms", "2000"));
    try (Admin a = Admin.create(controller)) {
      assertThrows(Exception.class, () -> a.describeCluster().clusterId().get(), "the controller port without credentials");
    }
    // least privilege: the query principal reads metadata but writes nothing and reads no raw samples
    Map<String, Object> query = scram("strata-query", pw.getProperty("strata-query"));
    assertTrue(!cannotRead(p.kafka(), query, "metrics.metadata"), "the query principal reads metrics.metadata");
    assertTrue(cannotWrite(p.kafka(), query, samples), "the query principal writes no samples");
    assertTrue(cannotRead(p.kafka(), query, samples), "the query principal reads no samples");

    String registry = "http://127.0.0.1:" + p.registryPort + "/apis/ccompat/v7";
    assertEquals(401, send("DELETE", registry + "/subjects/" + samples + "-value", null, null, null).statusCode());
    assertEquals(401, send("PUT", registry + "/config", "ops", "o", null, "{\"compatibility\":\"NONE\"}").statusCode());
    assertEquals(401, send("GET", registry + "/subjects", "strata-registry", "wrong", null).statusCode());
    HttpResponse<String> subjects = send("GET", registry + "/subjects", "strata-registry", pw.getProperty("strata-registry"), null);
    assertTrue(subjects.statusCode() == 200 && subjects.body().contains(samples + "-value"), subjects.body());

    // `strata rules list` against the secured stack: with the rule stage's login (--kafka-client-config) and the
    // registry's user in the URL it lists the rule file's group; without a login it says authentication may be missing
    Path login = dir.resolve("rules-client.properties");
    Files.writeString(login, "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config="
        + "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"strata-rules\" password=\""
        + pw.getProperty("strata-rules") + "\";\n");
    String registryLogin = io.strata.schemas.registry.RegistryUrl.withCredentials(registry, "strata-registry", pw.getProperty("strata-registry"));
    String[] listed = strata("rules", "list", "--bootstrap", p.kafka(), "--registry", registryLogin, "--kafka-client-config", login.toString());
    assertEquals("0", listed[0], listed[2]);
    assertTrue(listed[1].contains("\tops\t1\t1s"), listed[1]);
    String[] refused = strata("rules", "list", "--bootstrap", p.kafka(), "--registry", registryLogin);
    assertEquals("1", refused[0], refused[1]);
    assertTrue(refused[2].startsWith("strata rules list: no answer from Kafka at " + p.kafka()) && refused[2].contains("requires authentication")
        && refused[2].contains("--kafka-client-config"), refused[2]);

    // Flink's REST API (it cancels the rule job): TLS with a client certificate only the strata process holds
    String log = Files.readString(dir.resolve("data/logs/strata.log"));
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("Flink REST endpoint of the rule job's MiniCluster: (\\S+) \\(mutual TLS\\)").matcher(log);
    assertTrue(m.find(), "the Flink REST endpoint is logged, with mutual TLS");
    String flink = m.group(1);
    assertTrue(flink.startsWith("https://127.0.0.1:"), flink);
    javax.net.ssl.SSLContext trustAll = javax.net.ssl.SSLContext.getInstance("TLS");
    trustAll.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
      @Override public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {}
      @Override public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {}
      @Override public java.security.cert.X509Certificate[] getAcceptedIssuers() {
        return new java.security.cert.X509Certificate[0];
      }
    }}, null);
    HttpClient noCert = HttpClient.newBuilder().sslContext(trustAll).connectTimeout(java.time.Duration.ofSeconds(5)).build();
    assertThrows(java.io.IOException.class, () -> noCert.send(HttpRequest.newBuilder(URI.create(flink + "/jobs")).build(),
        HttpResponse.BodyHandlers.ofString()), "Flink REST without a client certificate");
    // every other port the strata process listens on (Flink's REST and BLOB ports) is on loopback and speaks TLS
    // that wants a client certificate: a client without one sees the server's certificate, then is refused
    java.util.Set<Integer> known = java.util.Set.of(p.queryPort, p.ingestPort, p.kafkaPort, p.controllerPort, p.registryPort, p.connectPort);
    List<java.net.InetSocketAddress> others = ListeningSockets.of(p.pid()).stream().filter(a -> !known.contains(a.getPort())).toList();
    int flinkPort = URI.create(flink).getPort();
    assertTrue(others.size() >= 2 && others.stream().anyMatch(a -> a.getPort() == flinkPort), "Flink's REST and BLOB ports among " + others);
    for (java.net.InetSocketAddress a : others) {
      assertTrue(a.getAddress().isLoopbackAddress(), a + " is bound to loopback");
      java.util.concurrent.atomic.AtomicBoolean sawCertificate = new java.util.concurrent.atomic.AtomicBoolean();
      javax.net.ssl.SSLContext recording = javax.net.ssl.SSLContext.getInstance("TLS");
      recording.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
        @Override public void checkClientTrusted(java.security.cert.X509Certificate[] c, String t) {}
        @Override public void checkServerTrusted(java.security.cert.X509Certificate[] c, String t) {
          sawCertificate.set(true);
        }
        @Override public java.security.cert.X509Certificate[] getAcceptedIssuers() {
          return new java.security.cert.X509Certificate[0];
        }
      }}, null);
      try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) recording.getSocketFactory().createSocket("127.0.0.1", a.getPort())) {
        socket.setSoTimeout(5000);
        socket.startHandshake();
        socket.getOutputStream().write("GET /jobs HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        int read = socket.getInputStream().read(); // TLS 1.3: the missing certificate is reported after the handshake
        assertEquals(-1, read, a + " answered a client without a certificate");
      } catch (java.io.IOException e) {
        // refused
      }
      assertTrue(sawCertificate.get(), a + " speaks TLS");
    }
    // plain HTTP is only redirected to the TLS port (Flink's RedirectingSslHandler), never answered
    HttpResponse<String> plainFlink = noCert.send(HttpRequest.newBuilder(URI.create(flink.replace("https:", "http:") + "/jobs"))
        .timeout(java.time.Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    assertTrue(plainFlink.statusCode() / 100 == 3 && plainFlink.headers().firstValue("Location").orElse("").startsWith("https://")
        && !plainFlink.body().contains("jobs"), plainFlink.statusCode() + " " + plainFlink.headers().map() + " " + plainFlink.body());
  }

  /** {@code strata ARGS} run in this JVM: exit code, stdout, stderr. */
  private static String[] strata(String... args) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    java.io.PrintStream oldOut = System.out;
    java.io.PrintStream oldErr = System.err;
    System.setOut(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = new picocli.CommandLine(new Main()).execute(args);
      return new String[] {Integer.toString(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  private static Map<String, Object> scram(String user, String password) {
    return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\"" + password + "\";");
  }

  private static Map<String, Object> client(String bootstrap, Map<String, Object> login) {
    Map<String, Object> c = new HashMap<>(login);
    c.put("bootstrap.servers", bootstrap);
    c.put("default.api.timeout.ms", "4000");
    c.put("request.timeout.ms", "2000");
    c.put("max.block.ms", "4000");
    return c;
  }

  private static boolean cannotList(String bootstrap, Map<String, Object> login) {
    try (Admin a = Admin.create(client(bootstrap, login))) {
      a.listTopics().names().get();
      return false;
    } catch (Exception e) {
      return true;
    }
  }

  private static boolean cannotWrite(String bootstrap, Map<String, Object> login, String topic) {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(client(bootstrap, login), new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic, "garbage".getBytes(StandardCharsets.UTF_8))).get(5, java.util.concurrent.TimeUnit.SECONDS);
      return false;
    } catch (Exception e) {
      return true;
    }
  }

  /** True when not one record of the topic can be read (a partition lookup or fetch refused, or times out). */
  private static boolean cannotRead(String bootstrap, Map<String, Object> login, String topic) {
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(client(bootstrap, login), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      c.partitionsFor(topic, java.time.Duration.ofSeconds(4)).forEach(i -> tps.add(new TopicPartition(topic, i.partition())));
      c.assign(tps);
      c.seekToBeginning(tps);
      long deadline = System.currentTimeMillis() + 5000;
      while (System.currentTimeMillis() < deadline) {
        if (!c.poll(java.time.Duration.ofMillis(300)).isEmpty()) {
          return false;
        }
      }
      return true;
    } catch (Exception e) {
      return true;
    }
  }

  private List<String> names(String user, String password, String q) throws Exception {
    List<String> out = new ArrayList<>();
    json(user, password, q + "/api/v1/label/__name__/values").at("/data").forEach(n -> out.add(n.asText()));
    return out;
  }

  private JsonNode json(String user, String password, String url) throws Exception {
    return JSON.readTree(send("GET", url, user, password, null).body());
  }

  private HttpResponse<String> send(String method, String url, String user, String password, String tenant) throws Exception {
    return send(method, url, user, password, tenant, null);
  }

  private HttpResponse<String> send(String method, String url, String user, String password, String tenant, String body) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url.replace("[", "%5B").replace("]", "%5D").replace("{", "%7B")
        .replace("}", "%7D").replace("\"", "%22")))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (user != null) {
      r.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
    if (tenant != null) {
      r.header("X-Scope-OrgID", tenant);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  interface Check {
    boolean ok() throws Exception;
  }

  private static void await(String what, Check c) throws Exception {
    long deadline = System.currentTimeMillis() + 90_000;
    while (System.currentTimeMillis() < deadline) {
      if (c.ok()) {
        return;
      }
      Thread.sleep(300);
    }
    throw new AssertionError(what + ": not within 90 s");
  }

  private static String hash(String password) {
    return BCrypt.withDefaults().hashToString(4, password.toCharArray());
  }

  private void run(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), out);
  }
}
