package io.strata.sinks.alertmanager;

import static io.strata.sinks.alertmanager.Alerts.alert;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.strata.avro.AlertEvent;
import io.strata.embedded.junit.StrataTest;
import io.strata.embedded.junit.TestCluster;
import io.strata.schemas.Topics;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.serde.AvroWireSerde;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The delivery stage between a real broker and registry and two real Debian Alertmanager 0.25 replicas
 * (plus a Strata webhook target): what each Alertmanager holds is checked through its own API, and what it
 * notifies through a webhook receiver served by this test.
 */
@StrataTest(realRegistry = true)
class AlertDeliveryIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HttpServer receiver;
  /** Notifications the Alertmanagers sent to their webhook receiver (Alertmanager's webhook JSON). */
  private final List<Map<String, Object>> notifications = Collections.synchronizedList(new ArrayList<>());
  /** What the delivery stage POSTed to its own webhook target (the v2 alerts array). */
  private final List<List<Map<String, Object>>> webhookPosts = Collections.synchronizedList(new ArrayList<>());
  private final List<AutoCloseable> closeLater = new ArrayList<>();
  private Path dir;

  @BeforeEach
  @SuppressWarnings("unchecked")
  void setUp() throws Exception {
    Assumptions.assumeTrue(AlertmanagerProcess.installed(),
        AlertmanagerProcess.BINARY + " is missing (apt-get install prometheus-alertmanager): Alertmanager delivery test skipped");
    dir = Files.createTempDirectory("strata-delivery-it-");
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext("/am-notifications", ex -> {
      notifications.add(JSON.readValue(ex.getRequestBody().readAllBytes(), Map.class));
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    receiver.createContext("/strata-webhook", ex -> {
      webhookPosts.add(JSON.readValue(ex.getRequestBody().readAllBytes(), List.class));
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    receiver.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    Collections.reverse(closeLater);
    for (AutoCloseable c : closeLater) {
      c.close();
    }
    if (receiver != null) {
      receiver.stop(0);
    }
  }

  private String receiverUrl(String path) {
    return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
  }

  private AlertmanagerProcess alertmanager(String name, int port) throws Exception {
    AlertmanagerProcess am = new AlertmanagerProcess(dir.resolve(name), port, receiverUrl("/am-notifications")).start();
    closeLater.add(am);
    return am;
  }

  private static void await(String what, Check cond) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    AssertionError last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (cond.ok()) {
          return;
        }
      } catch (AssertionError e) {
        last = e;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("timed out waiting for " + what + (last == null ? "" : ": " + last.getMessage()), last);
  }

  interface Check {
    boolean ok() throws Exception;
  }

  private static Map<String, Object> find(List<Map<String, Object>> alerts, String alertname) {
    for (Map<String, Object> a : alerts) {
      if (alertname.equals(((Map<?, ?>) a.get("labels")).get("alertname"))) {
        return a;
      }
    }
    return null;
  }

  @Test
  void firingAlertsReachEveryReplicaPendingNeverAndResolutionIsNotified(TestCluster cluster) throws Exception {
    AlertmanagerProcess am1 = alertmanager("am-1", AlertmanagerProcess.freePort());
    AlertmanagerProcess am2 = alertmanager("am-2", AlertmanagerProcess.freePort());
    String topic = cluster.createTopic(cluster.uniquePrefix() + Topics.ALERTS, 2);
    AvroWireSerde<AlertEvent> serde = new AvroWireSerde<>(SchemaRegistries.forUrl(cluster.registryUrl()), AlertEvent.class);
    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp);
    closeLater.add(producer);

    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Instant firedAt = now.minusSeconds(30);
    Alerts.Builder highLoad = alert("HighLoad").label("instance", "db1").label("severity", "page")
        .annotation("summary", "db1 load is high").activeAt(now.minusSeconds(90));
    Alerts.Builder diskFilling = alert("DiskFilling").label("instance", "db1").activeAt(now.minusSeconds(10));
    // an older state of HighLoad first: the stage must send only the latest one it reads
    send(producer, serde, topic, highLoad.fingerprint(), alert("HighLoad").label("instance", "db1").label("severity", "page")
        .activeAt(now.minusSeconds(90)).pending());
    send(producer, serde, topic, highLoad.fingerprint(), highLoad.firing(firedAt));
    send(producer, serde, topic, diskFilling.fingerprint(), diskFilling.pending());

    DeliveryConfig config = DeliveryConfigParser.parse(Map.of(
        "global", Map.of("external_labels", Map.of("region", "eu1", "severity", "from-external")),
        "alerting", Map.of(
            "alertmanagers", List.of(Map.of("static_configs", List.of(Map.of("targets", List.of(am1.target(), am2.target()))))),
            "webhooks", List.of(Map.of("url", receiverUrl("/strata-webhook"))))), dir);
    PrometheusRegistry metrics = new PrometheusRegistry();
    AlertDelivery delivery = new AlertDelivery(cluster.bootstrapServers(), cluster.registryUrl(), topic, config, metrics, Clock.systemUTC()).start();
    closeLater.add(delivery);

    Map<String, String> expectedLabels = Map.of("alertname", "HighLoad", "instance", "db1", "severity", "page", "region", "eu1");
    for (AlertmanagerProcess am : List.of(am1, am2)) {
      await("HighLoad in the Alertmanager on " + am.target(), () -> find(am.alerts(), "HighLoad") != null);
      Map<String, Object> a = find(am.alerts(), "HighLoad");
      assertEquals(expectedLabels, a.get("labels"), "external labels added where the alert lacks them; the alert's own severity wins");
      assertEquals(Map.of("summary", "db1 load is high"), a.get("annotations"));
      assertEquals(firedAt, Instant.parse((String) a.get("startsAt")), "startsAt is when it fired, as Prometheus sends it");
      Instant endsAt = Instant.parse((String) a.get("endsAt"));
      assertTrue(endsAt.isAfter(now.plus(Duration.ofMinutes(3))) && endsAt.isBefore(Instant.now().plus(Duration.ofMinutes(4)).plusSeconds(1)),
          "endsAt = send time + 4 × max(evaluation interval, resend delay), got " + endsAt);
      assertEquals("http://strata:9090/graph?g0.expr=up+%3D%3D+0&g0.tab=1", a.get("generatorURL"));
      assertEquals("active", ((Map<?, ?>) a.get("status")).get("state"));
    }
    await("the webhook target got HighLoad", () -> webhookPosts.stream().anyMatch(p -> find(p, "HighLoad") != null));
    assertEquals(expectedLabels, find(webhookPosts.stream().filter(p -> find(p, "HighLoad") != null).findFirst().get(), "HighLoad").get("labels"));
    await("both Alertmanagers notified the firing alert",
        () -> notifications.stream().filter(n -> "firing".equals(n.get("status"))).count() >= 2);

    // the pending alert is never delivered: not held, not notified, not posted to the webhook
    Thread.sleep(2_000);
    for (AlertmanagerProcess am : List.of(am1, am2)) {
      assertEquals(null, find(am.alerts(), "DiskFilling"), "a pending alert reached " + am.target());
    }
    assertTrue(webhookPosts.stream().noneMatch(p -> find(p, "DiskFilling") != null));
    assertTrue(notifications.stream().noneMatch(n -> n.toString().contains("DiskFilling")));

    // resolution: sent at once with endsAt = resolvedAt; Alertmanager stops listing it and notifies "resolved"
    Instant resolvedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    send(producer, serde, topic, highLoad.fingerprint(), highLoad.resolved(firedAt, resolvedAt));
    for (AlertmanagerProcess am : List.of(am1, am2)) {
      await("HighLoad resolved in the Alertmanager on " + am.target(), () -> find(am.alerts(), "HighLoad") == null);
    }
    await("both Alertmanagers notified the resolution", () -> notifications.stream().filter(n -> "resolved".equals(n.get("status"))).count() >= 2);
    @SuppressWarnings("unchecked")
    Map<String, Object> resolved = ((List<Map<String, Object>>) notifications.stream().filter(n -> "resolved".equals(n.get("status")))
        .findFirst().get().get("alerts")).get(0);
    assertEquals(resolvedAt, Instant.parse((String) resolved.get("endsAt")));
    assertEquals(expectedLabels, resolved.get("labels"));
    await("the webhook target got the resolution", () -> webhookPosts.stream().anyMatch(p -> {
      Map<String, Object> a = find(p, "HighLoad");
      return a != null && Instant.parse((String) a.get("endsAt")).equals(resolvedAt);
    }));

    String am1Url = "http://" + am1.target() + "/api/v2/alerts";
    assertTrue(counter(metrics, "strata_notifications_sent", am1Url) >= 2);
    assertEquals(0, counter(metrics, "strata_notifications_errors", am1Url));
    assertEquals(0, counter(metrics, "strata_notifications_dropped", am1Url));
    assertEquals(2, gauge(metrics, "strata_notifications_alertmanagers_discovered"));
  }

  @Test
  void restartedStageResendsTheFiringAlertsOfTheCompactedTopic(TestCluster cluster) throws Exception {
    int port = AlertmanagerProcess.freePort();
    AlertmanagerProcess am = alertmanager("am-a", port);
    String topic = cluster.createTopic(cluster.uniquePrefix() + Topics.ALERTS, 2);
    AvroWireSerde<AlertEvent> serde = new AvroWireSerde<>(SchemaRegistries.forUrl(cluster.registryUrl()), AlertEvent.class);
    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp);
    closeLater.add(producer);
    Instant firedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(600);
    Alerts.Builder down = alert("InstanceDown").label("instance", "web-3").activeAt(firedAt);
    Alerts.Builder gone = alert("WasFiring").label("instance", "web-4").activeAt(firedAt);
    send(producer, serde, topic, down.fingerprint(), down.firing(firedAt));
    send(producer, serde, topic, gone.fingerprint(), gone.firing(firedAt));
    send(producer, serde, topic, gone.fingerprint(), gone.resolved(firedAt, firedAt.plusSeconds(60)));

    DeliveryConfig config = DeliveryConfigParser.parse(Map.of("alerting",
        Map.of("alertmanagers", List.of(Map.of("static_configs", List.of(Map.of("targets", List.of(am.target()))))))), dir);
    AlertDelivery first = new AlertDelivery(cluster.bootstrapServers(), cluster.registryUrl(), topic, config, new PrometheusRegistry(),
        Clock.systemUTC()).start();
    await("InstanceDown delivered", () -> find(am.alerts(), "InstanceDown") != null);
    first.close();

    // Alertmanager keeps alerts in memory only: a restarted one holds nothing until someone sends again
    am.close();
    AlertmanagerProcess fresh = alertmanager("am-a-restarted", port);
    assertTrue(fresh.alerts().isEmpty());

    AlertDelivery second = new AlertDelivery(cluster.bootstrapServers(), cluster.registryUrl(), topic, config, new PrometheusRegistry(),
        Clock.systemUTC()).start();
    closeLater.add(second);
    await("InstanceDown re-sent from the topic after the restart", () -> find(fresh.alerts(), "InstanceDown") != null);
    Map<String, Object> a = find(fresh.alerts(), "InstanceDown");
    assertEquals(firedAt, Instant.parse((String) a.get("startsAt")));
    assertEquals(Map.of("alertname", "InstanceDown", "instance", "web-3"), a.get("labels"));
    Thread.sleep(1_000);
    assertEquals(1, fresh.alerts().size(), "the alert resolved 9 minutes ago is not re-raised: " + fresh.alerts());
  }

  @Test
  void httpsWithClientCertificateToAlertmanagerAndBasicAuthToAWebhook(TestCluster cluster) throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is missing: TLS delivery test skipped");
    Path pki = Files.createDirectories(dir.resolve("pki"));
    openssl(pki, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=strata-test-ca");
    for (String who : List.of("server", "client")) {
      Files.writeString(pki.resolve(who + ".ext"), who.equals("server") ? "subjectAltName=IP:127.0.0.1\n" : "extendedKeyUsage=clientAuth\n");
      openssl(pki, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", who + ".key", "-out", who + ".csr", "-subj", "/CN=" + who);
      openssl(pki, "x509", "-req", "-in", who + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", who + ".crt", "-days", "2",
          "-extfile", who + ".ext");
    }
    String webConfig = """
        tls_server_config:
          cert_file: %s
          key_file: %s
          client_auth_type: RequireAndVerifyClientCert
          client_ca_file: %s
        """.formatted(pki.resolve("server.crt"), pki.resolve("server.key"), pki.resolve("ca.crt"));
    java.net.http.HttpClient.Builder tlsClient = java.net.http.HttpClient.newBuilder();
    io.strata.schemas.http.TlsContexts.configure(tlsClient, pki.resolve("ca.crt").toString(), pki.resolve("client.crt").toString(),
        pki.resolve("client.key").toString(), "", false);
    AlertmanagerProcess am = new AlertmanagerProcess(dir.resolve("am-tls"), AlertmanagerProcess.freePort(), receiverUrl("/am-notifications"),
        webConfig, tlsClient.build()).start();
    closeLater.add(am);
    List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
    receiver.createContext("/auth-hook", ex -> {
      authorizations.add(ex.getRequestHeaders().getFirst("Authorization"));
      ex.getRequestBody().readAllBytes();
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    Files.writeString(dir.resolve("hook-password"), "s3cret\n");

    String topic = cluster.createTopic(cluster.uniquePrefix() + Topics.ALERTS, 1);
    AvroWireSerde<AlertEvent> serde = new AvroWireSerde<>(SchemaRegistries.forUrl(cluster.registryUrl()), AlertEvent.class);
    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp);
    closeLater.add(producer);
    Alerts.Builder certExpiry = alert("CertExpiry").label("instance", "lb-1");
    send(producer, serde, topic, certExpiry.fingerprint(), certExpiry.firing(Instant.now().truncatedTo(ChronoUnit.MILLIS)));

    // paths relative to the config file's folder, as Prometheus resolves them
    DeliveryConfig config = DeliveryConfigParser.parse(Map.of("alerting", Map.of(
        "alertmanagers", List.of(Map.of("scheme", "https", "static_configs", List.of(Map.of("targets", List.of(am.target()))),
            "tls_config", Map.of("ca_file", "pki/ca.crt", "cert_file", "pki/client.crt", "key_file", "pki/client.key"))),
        "webhooks", List.of(Map.of("url", receiverUrl("/auth-hook"), "basic_auth", Map.of("username", "strata", "password_file", "hook-password"))))),
        dir);
    AlertDelivery delivery = new AlertDelivery(cluster.bootstrapServers(), cluster.registryUrl(), topic, config, new PrometheusRegistry(),
        Clock.systemUTC()).start();
    closeLater.add(delivery);
    await("CertExpiry in the Alertmanager over mutual TLS", () -> find(am.alerts(), "CertExpiry") != null);
    await("the webhook got a request", () -> !authorizations.isEmpty());
    assertEquals("Basic " + java.util.Base64.getEncoder().encodeToString("strata:s3cret".getBytes(StandardCharsets.UTF_8)), authorizations.get(0));

    // the same Alertmanager refuses a client without the certificate: the TLS settings are what got the alert in
    HttpTransport noCert = new HttpTransport(new DeliveryConfig.Http(Duration.ofSeconds(5), null,
        new DeliveryConfig.Tls(pki.resolve("ca.crt").toString(), "", "", "", false)));
    org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
        () -> noCert.post(java.net.URI.create("https://" + am.target() + "/api/v2/alerts"), "[]".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5)));
  }

  private static void openssl(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + out);
    }
  }

  private static void send(KafkaProducer<byte[], byte[]> producer, AvroWireSerde<AlertEvent> serde, String topic, String key, AlertEvent e)
      throws Exception {
    producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), serde.serialize(topic, e))).get();
  }

  private static double counter(PrometheusRegistry r, String name, String am) {
    for (MetricSnapshot s : r.scrape()) {
      if (s.getMetadata().getName().equals(name) && s instanceof CounterSnapshot c) {
        return c.getDataPoints().stream().filter(d -> am.equals(d.getLabels().get("alertmanager")))
            .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue).sum();
      }
    }
    throw new AssertionError("no metric " + name);
  }

  private static double gauge(PrometheusRegistry r, String name) {
    for (MetricSnapshot s : r.scrape()) {
      if (s.getMetadata().getName().equals(name) && s instanceof GaugeSnapshot g) {
        return g.getDataPoints().get(0).getValue();
      }
    }
    throw new AssertionError("no metric " + name);
  }
}
