package io.strata.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.schemas.model.Labels;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shared `strata up` ({@link SharedStrata}: child process, free ports, default --host 127.0.0.1) whose stages are broken from outside as an
 * unlucky operator would: the registry child killed with SIGKILL, the sink connector deleted through Connect's
 * REST API, the rule job cancelled through Flink's REST API, a subject deleted through the registry's API.
 * Each time `/-/ready` and `/api/v1/status/pipeline` say which stage, the supervisor repairs it, `strata_stage_restarts_total` counts it,
 * and samples written afterwards are queryable. Also: every socket the process and the registry child
 * listen on is bound to --host. Every stage is repaired by the end, so the classes sharing the process after
 * this one find it whole; counts are read from this process's start ({@code restarts} go up by one each).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(SharedStrata.class)
class SupervisionIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private StrataProcess strata;
  private RemoteWriter writer;

  @BeforeAll
  void start(StrataProcess shared) throws Exception {
    strata = shared;
    writer = new RemoteWriter(List.of(strata.ingest() + "/api/v1/write"));
    await("every stage ready after start", Duration.ofSeconds(60), () -> status("/-/ready") == 200);
  }

  @Test
  @Order(1)
  void everyListenerOfTheProcessAndTheRegistryChildBindsHost() throws Exception {
    long registryPid = registryPid();
    for (long pid : new long[] {strata.pid(), registryPid}) {
      List<InetSocketAddress> sockets = ListeningSockets.of(pid);
      assertFalse(sockets.isEmpty(), "pid " + pid + " listens on nothing?");
      for (InetSocketAddress a : sockets) {
        assertTrue(a.getAddress().isLoopbackAddress(), "pid " + pid + " listens on " + a + " although --host is 127.0.0.1: " + sockets);
      }
    }
    // the ports a user configured are among them (the list is complete, not empty by accident)
    Set<Integer> ports = ListeningSockets.of(strata.pid()).stream().map(InetSocketAddress::getPort).collect(java.util.stream.Collectors.toSet());
    assertTrue(ports.containsAll(Set.of(strata.queryPort, strata.ingestPort, strata.kafkaPort, strata.connectPort)), ports.toString());
  }

  @Test
  @Order(2)
  void killedRegistryChildIsRestartedAndIngestRecovers() throws Exception {
    long before = registryPid();
    int restarts = stage("registry").get("restarts").asInt();
    new ProcessBuilder("kill", "-9", Long.toString(before)).inheritIO().start().waitFor();
    await("/-/ready 503 naming the registry", Duration.ofSeconds(15),
        () -> status("/-/ready") == 503 && body("/-/ready").contains("registry"));
    assertEquals(200, status("/-/healthy"), "/-/healthy is liveness: the process is alive");
    await("the registry restarted and every stage ready", Duration.ofSeconds(120), () -> status("/-/ready") == 200);
    assertTrue(registryPid() != before, "a new registry process");
    JsonNode registry = stage("registry");
    assertEquals("running", registry.get("state").asText());
    assertTrue(registry.get("lastError").asText().contains("exited"), registry.toString());
    assertEquals(restarts + 1, registry.get("restarts").asInt(), registry.toString());
    assertTrue(metrics().contains("strata_stage_restarts_total{stage=\"registry\"} " + (restarts + 1) + ".0"), "restart counted on /metrics");
    assertQueryableAfterPush("after_registry_restart");
  }

  @Test
  @Order(3)
  void deletedSinkConnectorIsCreatedAgain() throws Exception {
    int restarts = stage("sink").get("restarts").asInt();
    HttpResponse<String> del = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + strata.connectPort
        + "/connectors/strata-tsdb-sink")).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(204, del.statusCode(), del.body());
    await("the sink connector created again", Duration.ofSeconds(30), () -> stage("sink").get("restarts").asInt() == restarts + 1
        && stage("sink").get("ready").asBoolean());
    assertTrue(stage("sink").get("lastError").asText().contains("does not exist"), stage("sink").toString());
    assertEquals(200, status("/-/ready"));
    assertTrue(get("http://127.0.0.1:" + strata.connectPort + "/connectors").contains("strata-tsdb-sink"));
    assertQueryableAfterPush("after_connector_delete");
  }

  @Test
  @Order(4)
  void cancelledRuleJobIsSubmittedAgainFromItsCheckpoint() throws Exception {
    int restarts = stage("rules").get("restarts").asInt();
    String flink = flinkRest();
    JsonNode jobs = JSON.readTree(get(flink + "/jobs"));
    String job = jobs.at("/jobs/0/id").asText();
    HttpResponse<String> cancel = http.send(HttpRequest.newBuilder(URI.create(flink + "/jobs/" + job + "?mode=cancel"))
        .method("PATCH", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(202, cancel.statusCode(), cancel.body());
    await("the rule job submitted again and running", Duration.ofSeconds(60),
        () -> stage("rules").get("restarts").asInt() == restarts + 1 && stage("rules").get("ready").asBoolean());
    assertTrue(stage("rules").get("lastError").asText().contains("CANCELED"), stage("rules").toString());
    String log = Files.readString(strata.dataDir.resolve("logs/strata.log"));
    assertTrue(log.contains("restoring alert rule job from file:"), "resubmitted from the cancelled job's checkpoint");
    JsonNode now = JSON.readTree(get(flinkRest() + "/jobs"));
    assertEquals("RUNNING", now.at("/jobs/0/status").asText(), now.toString());
    assertFalse(job.equals(now.at("/jobs/0/id").asText()), "a new job");
    assertEquals(200, status("/-/ready"));
  }

  @Test
  @Order(5)
  void deletedRegistrySubjectIsRegisteredAgain() throws Exception {
    String subject = "metrics.samples-value";
    int restarts = stage("registry").get("restarts").asInt();
    String latest = strata.registryUrl() + "/subjects/" + subject + "/versions/latest";
    int id = JSON.readTree(get(latest)).get("id").asInt();
    HttpResponse<String> del = http.send(HttpRequest.newBuilder(URI.create(strata.registryUrl() + "/subjects/" + subject)).DELETE().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, del.statusCode(), del.body());
    assertFalse(get(strata.registryUrl() + "/subjects").contains(subject), "deleted");
    await("the subject registered again", Duration.ofSeconds(20), () -> stage("registry").get("restarts").asInt() == restarts + 1
        && stage("registry").get("ready").asBoolean() && get(strata.registryUrl() + "/subjects").contains(subject));
    assertTrue(stage("registry").get("lastError").asText().contains(subject), stage("registry").toString());
    assertEquals(id, JSON.readTree(get(latest)).get("id").asInt(), "the same schema id: records already written still decode");
    assertTrue(metrics().contains("strata_stage_restarts_total{stage=\"registry\"} " + (restarts + 1) + ".0"), "counted on /metrics");
    assertEquals(200, status("/-/ready"));
    assertQueryableAfterPush("after_subject_delete");
  }

  /** Pushes one sample of a series named for the phase and waits until an instant query returns it. */
  private void assertQueryableAfterPush(String phase) throws Exception {
    long ts = System.currentTimeMillis();
    writer.push(ts, Map.of(Labels.of("__name__", "supervision_probe", "phase", phase), 42.0));
    assertEquals(0, writer.queued(strata.ingest() + "/api/v1/write"), "ingest accepted the push");
    String url = strata.query() + "/api/v1/query?query=" + URLEncoder.encode("supervision_probe{phase=\"" + phase + "\"}", StandardCharsets.UTF_8)
        + "&time=" + (ts / 1000.0);
    await(phase + " sample queryable", Duration.ofSeconds(30), () -> {
      JsonNode r = JSON.readTree(get(url)).at("/data/result");
      return r.size() == 1 && r.get(0).at("/value/1").asText().equals("42");
    });
  }

  private long registryPid() throws Exception {
    return Long.parseLong(Files.readString(strata.dataDir.resolve("registry/registry.pid")).trim());
  }

  /** Flink's REST endpoint: the listener of the process that answers GET /jobs/overview (its port is random). */
  private String flinkRest() throws Exception {
    Set<Integer> known = Set.of(strata.queryPort, strata.ingestPort, strata.kafkaPort, strata.controllerPort, strata.connectPort);
    for (InetSocketAddress a : ListeningSockets.of(strata.pid())) {
      if (known.contains(a.getPort())) {
        continue;
      }
      String url = "http://127.0.0.1:" + a.getPort();
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/jobs/overview")).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().contains("\"jobs\"")) {
          return url;
        }
      } catch (java.io.IOException e) {
        // not HTTP (the BLOB server)
      }
    }
    throw new AssertionError("no Flink REST endpoint among " + ListeningSockets.of(strata.pid()));
  }

  private JsonNode stage(String name) throws Exception {
    JsonNode body = JSON.readTree(get(strata.query() + "/api/v1/status/pipeline"));
    assertEquals("success", body.get("status").asText(), body.toString());
    for (JsonNode s : body.at("/data/stages")) {
      if (s.get("name").asText().equals(name)) {
        return s;
      }
    }
    throw new AssertionError("no stage " + name + " in " + body);
  }

  private String metrics() throws Exception {
    return get(strata.query() + "/metrics");
  }

  private int status(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(strata.query() + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private String body(String path) throws Exception {
    return get(strata.query() + path);
  }

  private String get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  @FunctionalInterface
  private interface Condition {
    boolean holds() throws Exception;
  }

  private void await(String what, Duration timeout, Condition c) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (c.holds()) {
          return;
        }
      } catch (Exception | AssertionError e) {
        last = e instanceof Exception ex ? ex : new Exception(e);
      }
      Thread.sleep(200);
    }
    String pipeline;
    try {
      pipeline = get(strata.query() + "/api/v1/status/pipeline");
    } catch (Exception e) {
      pipeline = e.toString();
    }
    AssertionError err = new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for: " + what + "; pipeline: " + pipeline);
    if (last != null) {
      err.initCause(last);
    }
    throw err;
  }
}
