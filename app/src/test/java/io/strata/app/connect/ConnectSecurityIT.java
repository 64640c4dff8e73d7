package io.strata.app.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.app.up.TsdbSinkSettings;
import io.strata.embedded.ConnectWorker;
import io.strata.embedded.Ports;
import io.strata.embedded.junit.StrataTest;
import io.strata.embedded.junit.TestCluster;
import io.strata.schemas.Topics;
import io.strata.schemas.http.TlsContexts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code strata connect --distributed} workers behind one {@code --web.config.file} (TLS and a bcrypt user), with
 * a {@code --kafka-client-config} holding secrets: Connect's REST API and the store port answer HTTPS only, 401 without
 * the user's credentials and 200 with them; a user's request to either worker (one of them forwards it to the leader)
 * succeeds, and the workers' signed internal requests (task configs sent to the leader) still pass, so a second
 * connector gets its tasks wherever it runs; the group's config topic holds {@code ${strata:...}} references, never the
 * secrets (of the client config, and the registry URL's password).
 */
@StrataTest(realRegistry = true)
class ConnectSecurityIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String ALICE = "Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
  private static final String WRONG = "Basic " + Base64.getEncoder().encodeToString("alice:wrong".getBytes(StandardCharsets.UTF_8));
  private HttpClient https;

  @Test
  void twoWorkersBehindTlsAndBasicAuthStillForwardAndKeepSecretsOutOfTheConfigTopic(TestCluster cluster, @TempDir Path work) throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
    openssl(work, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "key.pem", "-out", "cert.pem",
        "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
    HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(30));
    TlsContexts.configure(b, work.resolve("cert.pem").toString(), "", "", "", false);
    https = b.build();
    Path web = Files.writeString(work.resolve("web.yml"), "tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n"
        + "basic_auth_users:\n  alice: " + BCrypt.withDefaults().hashToString(4, "s3cret".toCharArray()) + "\n");
    String jaasSecret = "jaas-" + UUID.randomUUID();
    String keySecret = "key-" + UUID.randomUUID();
    // the broker is PLAINTEXT: the SASL and SSL settings are carried (and must stay secret) but not used
    Path client = Files.writeString(work.resolve("client.properties"), "security.protocol=PLAINTEXT\n"
        + "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"" + jaasSecret + "\";\n"
        + "ssl.key.password=" + keySecret + "\n");

    // the registry answers anyone; the credentials in its URL are sent and must stay secret too
    String registrySecret = "reg-" + UUID.randomUUID();
    String registry = cluster.registryUrl().replace("://", "://strata-registry:" + registrySecret + "@");
    String prefix = cluster.uniquePrefix();
    cluster.createTopic(prefix + Topics.SAMPLES, 2);
    cluster.createTopic(prefix + Topics.rollup("1m"), 1);
    cluster.createTopic(prefix + Topics.DEADLETTER, 1);
    String group = "strata-sec-" + prefix.replace(".", "");
    int[] ports = Ports.free(4); // A: store, REST; B: store, REST
    Path yml = Files.writeString(work.resolve("strata.yml"), "rollups: {resolutions: [1m]}\nsink: {commit_interval: 500ms}\n");
    String restA = "https://127.0.0.1:" + ports[1];
    String restB = "https://127.0.0.1:" + ports[3];
    String storeA = "https://127.0.0.1:" + ports[0];
    try (ConnectChild a = ConnectChild.launch("connectsec-logs-1", args(cluster, registry, prefix, group, ports[0], ports[1], work.resolve("w1"), yml, web, client));
        ConnectChild bw = ConnectChild.launch("connectsec-logs-2", args(cluster, registry, prefix, group, ports[2], ports[3], work.resolve("w2"), yml, web, client))) {
      long started = System.nanoTime();
      a.awaitReady();
      bw.awaitReady();
      phase("both workers ready", started);
      assertTrue(a.output().stream().anyMatch(l -> l.contains(restA + "/connectors")), String.join("\n", a.output()));

      // Connect's REST API: HTTPS, the web config's user only, as every other Strata port
      HttpResponse<String> anonymous = send("GET", restA + "/connectors", null, null);
      assertEquals(401, anonymous.statusCode(), anonymous.body());
      assertEquals("Basic", anonymous.headers().firstValue("WWW-Authenticate").orElse(null));
      assertEquals(401, send("GET", restB + "/connectors", WRONG, null).statusCode());
      HttpResponse<String> listed = send("GET", restB + "/connectors", ALICE, null);
      assertEquals(200, listed.statusCode(), listed.body());
      assertTrue(listed.body().contains(TsdbSinkSettings.CONNECTOR), listed.body());
      // and the worker's store port (the store API a query node reads) follows the same web config
      assertEquals(401, send("GET", storeA + "/-/healthy", null, null).statusCode());
      assertEquals(200, send("GET", storeA + "/-/healthy", ALICE, null).statusCode());

      // an internal endpoint without the group's signature gets nothing: no credentials is 401, a forged signature is refused
      String tasks = "/connectors/" + TsdbSinkSettings.CONNECTOR + "/tasks";
      assertEquals(401, send("POST", restA + tasks, null, "[]").statusCode());
      for (String rest : List.of(restA, restB)) {
        HttpResponse<String> forged = https.send(HttpRequest.newBuilder(URI.create(rest + tasks)).timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json").header("X-Connect-Authorization", "Zm9yZ2Vk")
            .header("X-Connect-Request-Signature-Algorithm", "HmacSHA256").POST(HttpRequest.BodyPublishers.ofString("[]")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertTrue(forged.statusCode() >= 400, rest + ": a forged internal request answered " + forged.statusCode() + " " + forged.body());
      }

      // a second connector through B, then the same config through A: one of the two is the follower and forwards it
      ObjectNode second = (ObjectNode) JSON.readTree(send("GET", restA + "/connectors/" + TsdbSinkSettings.CONNECTOR + "/config", ALICE, null).body());
      assertEquals("${strata:kafka.client.sasl.jaas.config}", second.path("kafka.client.sasl.jaas.config").asText(), second.toString());
      assertEquals("${strata:schema.registry.url}", second.path("schema.registry.url").asText(), second.toString());
      second.put("name", "strata-tsdb-sink-2").put("topics", prefix + Topics.rollup("1m")).put("tasks.max", "1");
      HttpResponse<String> created = send("PUT", restB + "/connectors/strata-tsdb-sink-2/config", ALICE, JSON.writeValueAsString(second));
      assertEquals(201, created.statusCode(), created.body());
      second.put("consumer.override.fetch.max.wait.ms", "1000");
      HttpResponse<String> updated = send("PUT", restA + "/connectors/strata-tsdb-sink-2/config", ALICE, JSON.writeValueAsString(second));
      assertEquals(200, updated.statusCode(), updated.body());

      // both connectors run with their tasks, on different workers: the one on the follower sent its task configs to the
      // leader over the internal endpoint
      await("both connectors RUNNING with RUNNING tasks on two workers", () -> {
        Set<String> workers = new HashSet<>();
        for (String c : List.of(TsdbSinkSettings.CONNECTOR, "strata-tsdb-sink-2")) {
          JsonNode st = status(restA, c);
          if (st == null || !"RUNNING".equals(st.at("/connector/state").asText()) || st.path("tasks").isEmpty()) {
            return false;
          }
          for (JsonNode t : st.path("tasks")) {
            if (!"RUNNING".equals(t.path("state").asText())) {
              return false;
            }
          }
          workers.add(st.at("/connector/worker_id").asText());
        }
        return workers.size() == 2;
      });
      assertNotEquals(status(restA, TsdbSinkSettings.CONNECTOR).at("/connector/worker_id").asText(),
          status(restA, "strata-tsdb-sink-2").at("/connector/worker_id").asText());

      // the group's config topic: connector and task configs name the client config's secrets by reference only
      String configs = readAll(cluster, ConnectWorker.internalTopics(prefix, group).get(0));
      assertTrue(configs.contains("${strata:kafka.client.sasl.jaas.config}"), configs);
      assertTrue(configs.contains("${strata:kafka.client.ssl.key.password}"), configs);
      assertTrue(configs.contains("kafka.client.security.protocol\":\"PLAINTEXT\""), "not a secret, kept as it is: " + configs);
      assertTrue(configs.contains("task-" + TsdbSinkSettings.CONNECTOR), "task configs are in the topic too: " + configs);
      assertFalse(configs.contains(jaasSecret), "the JAAS password is in the config topic");
      assertFalse(configs.contains(keySecret), "the key password is in the config topic");
      assertFalse(configs.contains(registrySecret), "the registry password is in the config topic");
      phase("done", started);
    }
  }

  /** Where the time goes (the test's budget is 40 s on a quiet machine). */
  private static void phase(String what, long started) {
    System.out.println("ConnectSecurityIT: " + what + " at " + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
  }

  private static List<String> args(TestCluster cluster, String registry, String prefix, String group, int storePort, int restPort, Path dir, Path yml, Path web,
      Path client) {
    return List.of("--distributed", "--group-id", group, "--replication-factor", "1", "--bootstrap", cluster.bootstrapServers(),
        "--registry-url", registry, "--topic-prefix", prefix, "--port", Integer.toString(storePort),
        "--connect-port", Integer.toString(restPort), "--data-dir", dir.toString(), "--config", yml.toString(),
        "--web.config.file", web.toString(), "--kafka-client-config", client.toString());
  }

  private JsonNode status(String rest, String connector) {
    try {
      HttpResponse<String> r = send("GET", rest + "/connectors/" + connector + "/status", ALICE, null);
      return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    } catch (Exception e) {
      return null;
    }
  }

  private HttpResponse<String> send(String method, String url, String auth, String body) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      r.header("Content-Type", "application/json");
    }
    if (auth != null) {
      r.header("Authorization", auth);
    }
    return https.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Every record of {@code topic} (keys and values as text). */
  private static String readAll(TestCluster cluster, String topic) {
    Properties p = new Properties();
    p.put("bootstrap.servers", cluster.bootstrapServers());
    StringBuilder out = new StringBuilder();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      c.partitionsFor(topic).forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
      c.assign(parts);
      c.seekToBeginning(parts);
      var end = c.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          out.append(r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8)).append(" = ")
              .append(r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8)).append('\n');
        }
      }
    }
    return out.toString();
  }

  private static void await(String what, BooleanSupplier cond) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + WAIT.toSeconds() + " s: " + what);
      }
      Thread.sleep(250);
    }
  }

  private static void openssl(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
  }
}
