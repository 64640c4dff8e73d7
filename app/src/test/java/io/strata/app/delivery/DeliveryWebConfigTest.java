package io.strata.app.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.schemas.http.StageHttpServer;
import io.strata.schemas.http.WebSecurity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The port of {@code strata delivery} behind {@code --web.config.file} and {@code --web.enable-lifecycle}. */
class DeliveryWebConfigTest {
  private static final String ALICE = "Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  private StageHttpServer start(boolean lifecycle, AtomicInteger reloads) throws Exception {
    Path web = Files.writeString(dir.resolve("web.yml"), "basic_auth_users:\n  alice: " + BCrypt.withDefaults().hashToString(4, "s3cret".toCharArray()) + "\n");
    PrometheusRegistry metrics = new PrometheusRegistry();
    Counter.builder().name("strata_alerts_sent_total").help("test").register(metrics).inc();
    return StageHttpServer.start("delivery", "127.0.0.1", 0, WebSecurity.load(new WebSecurity.Options(web, Map.of(), lifecycle, false, null)),
        DeliveryCommand.routes(metrics, () -> null, () -> true, reloads::incrementAndGet));
  }

  private HttpResponse<String> send(int port, String method, String path, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).method(method, HttpRequest.BodyPublishers.noBody());
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metricsAnswer401WithoutOrWithWrongCredentialsAnd200WithThem() throws Exception {
    try (StageHttpServer s = start(false, new AtomicInteger())) {
      HttpResponse<String> none = send(s.port(), "GET", "/metrics", null);
      assertEquals(401, none.statusCode());
      assertEquals("Basic", none.headers().firstValue("WWW-Authenticate").orElse(null));
      String wrong = "Basic " + Base64.getEncoder().encodeToString("alice:guess".getBytes(StandardCharsets.UTF_8));
      assertEquals(401, send(s.port(), "GET", "/metrics", wrong).statusCode());
      assertEquals(401, send(s.port(), "GET", "/-/healthy", null).statusCode(), "health too, as exporter-toolkit");
      HttpResponse<String> ok = send(s.port(), "GET", "/metrics", ALICE);
      assertEquals(200, ok.statusCode());
      assertTrue(ok.body().contains("strata_alerts_sent_total 1.0"), ok.body());
      assertEquals(200, send(s.port(), "GET", "/-/ready", ALICE).statusCode());
    }
  }

  @Test
  void reloadIsForbiddenWithoutLifecycleAndReloadsWithIt() throws Exception {
    AtomicInteger reloads = new AtomicInteger();
    try (StageHttpServer s = start(false, reloads)) {
      HttpResponse<String> r = send(s.port(), "POST", "/-/reload", ALICE);
      assertEquals(403, r.statusCode());
      assertEquals("Lifecycle API is not enabled.", r.body());
    }
    try (StageHttpServer s = start(true, reloads)) {
      assertEquals(401, send(s.port(), "POST", "/-/reload", null).statusCode());
      assertEquals(405, send(s.port(), "GET", "/-/reload", ALICE).statusCode());
      assertEquals(0, reloads.get());
      assertEquals(200, send(s.port(), "POST", "/-/reload", ALICE).statusCode());
      assertEquals(1, reloads.get());
    }
  }
}
