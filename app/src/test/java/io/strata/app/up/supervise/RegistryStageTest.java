package io.strata.app.up.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.schemas.registry.SubjectSchemas;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The registry stage under the {@link Supervisor} against a registry served in-process over HTTP (the four
 * calls of the Confluent API it uses, no Apicurio): a subject deleted through the registry's API makes the
 * stage not ready, is registered again, and the repair is counted as a registry restart.
 */
class RegistryStageTest {
  private static final String PREFIX = "";
  private static final List<String> RESOLUTIONS = List.of("5m");
  private static final String SAMPLES = "metrics.samples-value";

  /** Subjects and their compatibility, as GET /subjects, DELETE /subjects/s, POST /subjects/s/versions and PUT /config/s see them. */
  private static final class InProcessRegistry implements RegistryStage.Registry {
    final Map<String, String> subjects = new ConcurrentHashMap<>();
    final HttpServer server;

    InProcessRegistry() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/", this::handle);
      server.start();
    }

    private void handle(HttpExchange ex) throws IOException {
      String[] path = ex.getRequestURI().getRawPath().substring(1).split("/");
      String method = ex.getRequestMethod();
      ex.getRequestBody().readAllBytes();
      String subject = path.length > 1 ? URLDecoder.decode(path[1], StandardCharsets.UTF_8) : null;
      String body;
      if (method.equals("GET") && path.length == 1 && path[0].equals("subjects")) {
        body = subjects.keySet().stream().sorted().map(s -> "\"" + s + "\"").reduce((a, b) -> a + "," + b).map(s -> "[" + s + "]").orElse("[]");
      } else if (method.equals("DELETE") && path[0].equals("subjects") && subject != null) {
        body = subjects.remove(subject) == null ? null : "[1]";
      } else if (method.equals("POST") && path[0].equals("subjects") && path.length == 3 && path[2].equals("versions")) {
        subjects.putIfAbsent(subject, "BACKWARD");
        body = "{\"id\":1}";
      } else if (method.equals("PUT") && path[0].equals("config") && subject != null) {
        subjects.put(subject, "BACKWARD");
        body = "{\"compatibility\":\"BACKWARD\"}";
      } else {
        body = null;
      }
      byte[] out = (body == null ? "{\"error_code\":40401}" : body).getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(body == null ? 404 : 200, out.length);
      ex.getResponseBody().write(out);
      ex.close();
    }

    @Override
    public boolean isAlive() {
      return true;
    }

    @Override
    public Integer exitCode() {
      return null;
    }

    @Override
    public String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  private final PrometheusRegistry metrics = new PrometheusRegistry();
  private InProcessRegistry registry;

  @AfterEach
  void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void everyStrataSubjectIsRegisteredAtStart() throws Exception {
    registry = new InProcessRegistry();
    try (RegistryStage stage = new RegistryStage(PREFIX, RESOLUTIONS, () -> registry)) {
      assertEquals(Set.copyOf(SubjectSchemas.subjects(PREFIX, RESOLUTIONS).keySet()), Set.copyOf(registry.subjects.keySet()));
      assertTrue(stage.check().ok());
    }
  }

  @Test
  void aDeletedSubjectIsRegisteredAgainAndCountedAsARegistryRestart() throws Exception {
    registry = new InProcessRegistry();
    try (Supervisor s = new Supervisor(metrics, metrics, groups -> Map.of(), 100, Duration.ofHours(1))) { // checks when the test asks
      RegistryStage stage = new RegistryStage(PREFIX, RESOLUTIONS, () -> registry);
      s.add(stage);
      s.start();
      assertEquals(List.of(), s.notReady());
      Set<String> all = Set.copyOf(registry.subjects.keySet());

      // what `curl -X DELETE <registry>/subjects/metrics.samples-value` does
      java.net.http.HttpResponse<String> del = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create(registry.url() + "/subjects/" + SAMPLES)).DELETE().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(200, del.statusCode());
      assertTrue(!registry.subjects.containsKey(SAMPLES), "deleted");

      SupervisedStage.Check seen = stage.check();
      assertTrue(seen.problem().contains(SAMPLES), seen.problem());
      s.checkNow(); // the first check after the loss registers the subjects again
      assertEquals(List.of("registry"), s.notReady(), "not ready until a check sees the subjects back");
      assertEquals(all, registry.subjects.keySet(), "the deleted subject is back, nothing else added");
      assertTrue(metricsText().contains("strata_stage_restarts_total{stage=\"registry\"} 1.0"), metricsText());
      s.checkNow();
      assertEquals(List.of(), s.notReady());
      assertTrue(metricsText().contains("strata_stage_restarts_total{stage=\"registry\"} 1.0"), "nothing more to repair: " + metricsText());
    }
  }

  private String metricsText() throws Exception {
    var out = new java.io.ByteArrayOutputStream();
    io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter.create().write(out, metrics.scrape());
    return out.toString(StandardCharsets.UTF_8);
  }
}
