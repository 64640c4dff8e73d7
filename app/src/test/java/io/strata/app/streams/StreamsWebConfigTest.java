package io.strata.app.streams;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The port of {@code strata streams} behind {@code --web.config.file}. */
class StreamsWebConfigTest {
  @TempDir
  Path dir;

  @Test
  void metricsAnswer401WithoutCredentialsAnd200WithThem() throws Exception {
    Path web = Files.writeString(dir.resolve("web.yml"), "http_server_config:\n  headers:\n    X-Frame-Options: deny\n"
        + "basic_auth_users:\n  alice: " + BCrypt.withDefaults().hashToString(4, "s3cret".toCharArray()) + "\n");
    PrometheusRegistry metrics = new PrometheusRegistry();
    Counter.builder().name("strata_rollup_test_total").help("test").register(metrics).inc();
    HttpClient http = HttpClient.newHttpClient();
    try (StageHttpServer s = StageHttpServer.start("streams", "127.0.0.1", 0,
        WebSecurity.load(new WebSecurity.Options(web, Map.of(), false, false, null)), StreamsCommand.routes(metrics, () -> "RUNNING"))) {
      String base = "http://127.0.0.1:" + s.port();
      HttpResponse<String> none = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(401, none.statusCode());
      assertEquals("Basic", none.headers().firstValue("WWW-Authenticate").orElse(null));
      String alice = "Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
      HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).header("Authorization", alice).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, ok.statusCode());
      assertTrue(ok.body().contains("strata_rollup_test_total 1.0"), ok.body());
      assertEquals("deny", ok.headers().firstValue("X-Frame-Options").orElse(null), "the web config's headers");
      assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + "/-/ready")).header("Authorization", alice).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode());
    }
  }
}
