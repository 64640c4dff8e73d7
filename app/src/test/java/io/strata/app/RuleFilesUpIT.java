package io.strata.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata up --scrape-config prometheus.yml} takes the file's {@code rule_files} (a glob relative to the
 * file), {@code global.evaluation_interval} and {@code global.external_labels} as Prometheus does:
 * {@code /api/v1/rules} lists the matched files' groups with real health ({@code err} and the error of a group
 * over its limit, {@code ok} with a moving {@code lastEvaluation}), {@code /api/v1/alerts} the alert with its
 * {@code activeAt}; a reload with an invalid file keeps the running rules and says why (500), SIGHUP with a
 * fixed one applies it; an invalid rule file at start is an error naming it (exit 1) before anything starts.
 */
class RuleFilesUpIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String A = """
      groups:
        - name: good
          rules:
            - record: one:series
              expr: vector(1)
            - alert: AlwaysOn
              expr: vector(1) > 0
              annotations:
                summary: "at {{ $externalLabels.site }}"
        - name: limited
          limit: 1
          rules:
            - record: two:series
              expr: label_replace(vector(1), "a", "x", "", "") or label_replace(vector(2), "a", "y", "", "")
      """;
  private static final String B = """
      groups:
        - name: other
          interval: 3s
          rules:
            - record: three:series
              expr: vector(3)
      """;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void ruleFilesOfThePrometheusYmlAreLoadedEvaluatedAndReloaded(@TempDir Path dir) throws Exception {
    Path conf = Files.createDirectories(dir.resolve("conf"));
    Path rules = Files.createDirectories(conf.resolve("rules"));
    Path a = Files.writeString(rules.resolve("a.yml"), A);
    Path b = Files.writeString(rules.resolve("b.yml"), B);
    Files.writeString(rules.resolve("README.txt"), "not a rule file");
    Path yml = Files.writeString(conf.resolve("prometheus.yml"), """
        global:
          evaluation_interval: 2s
          external_labels: {site: lab}
        rule_files: ['rules/*.yml']
        scrape_configs: []
        """);
    // --web.enable-lifecycle: POST /-/reload answers only with it, as in Prometheus
    try (StrataProcess p = new StrataProcess(dir.resolve("data"), List.of("--scrape-config", yml.toString(), "--web.enable-lifecycle"))) {
      p.start();
      JsonNode groups = await(p, "/api/v1/rules", g -> g.size() == 3 && evaluated(g, 3));
      assertEquals(List.of(a + "|good", a + "|limited", b + "|other"), fileAndName(groups), "sorted by file and name");
      assertEquals(2, groups.at("/0/interval").asInt(), "global.evaluation_interval for groups without one");
      assertEquals(3, groups.at("/2/interval").asInt());
      JsonNode limited = groups.at("/1/rules/0");
      assertEquals("err", limited.get("health").asText());
      assertEquals("exceeded limit of 1 with 2 series", limited.get("lastError").asText());
      for (JsonNode r : groups.at("/0/rules")) {
        assertEquals("ok", r.get("health").asText(), r.toString());
        assertTrue(!r.has("lastError"));
      }
      String firstEvaluation = groups.at("/0/lastEvaluation").asText();
      JsonNode later = await(p, "/api/v1/rules", g -> !g.at("/0/lastEvaluation").asText().equals(firstEvaluation));
      assertNotEquals(firstEvaluation, later.at("/0/rules/0/lastEvaluation").asText(), "lastEvaluation moves");

      JsonNode alerts = await(p, "/api/v1/alerts", x -> x.size() == 1 && x.at("/0/state").asText().equals("firing"));
      assertEquals("at lab", alerts.at("/0/annotations/summary").asText(), "global.external_labels as $externalLabels");
      assertTrue(alerts.at("/0/activeAt").asText().startsWith("20"), "a real activeAt: " + alerts);

      // an invalid file: the reload fails saying why, the running rules stay
      Path c = Files.writeString(rules.resolve("c.yml"), "groups:\n  - name: broken\n    rules:\n      - record: x\n        expr: sum(\n");
      HttpResponse<String> reload = http.send(HttpRequest.newBuilder(URI.create(p.ingest() + "/-/reload"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(500, reload.statusCode());
      assertTrue(reload.body().contains(c.toString()), reload.body());
      Thread.sleep(3_000);
      assertEquals(List.of(a + "|good", a + "|limited", b + "|other"), fileAndName(rules(p)), "the running rules stay");

      // fixed: SIGHUP publishes the change, the removed file's groups go, the new group comes
      Files.delete(c);
      Files.delete(a);
      Files.writeString(b, B + """
            - name: added
              rules:
                - record: four:series
                  expr: vector(4)
          """);
      p.hangup();
      JsonNode reloaded = await(p, "/api/v1/rules", g -> fileAndName(g).equals(List.of(b + "|added", b + "|other")));
      assertEquals(2, reloaded.at("/0/interval").asInt());
    }

    // an invalid rule file at start: an error naming the file and the problem, nothing started
    Files.writeString(rules.resolve("c.yml"), "groups:\n  - name: broken\n    rules:\n      - record: x\n        expr: sum(\n");
    try (StrataProcess bad = new StrataProcess(dir.resolve("data2"), List.of("--scrape-config", yml.toString()))) {
      assertEquals(1, bad.runToExit());
      String out = String.join("\n", bad.output());
      assertTrue(out.contains(rules.resolve("c.yml").toString()) && out.contains("strata up:"), out);
    }
  }

  private static boolean evaluated(JsonNode groups, int n) {
    int done = 0;
    for (JsonNode g : groups) {
      boolean all = !g.get("lastEvaluation").asText().startsWith("0001");
      for (JsonNode r : g.get("rules")) {
        all &= !r.get("health").asText().equals("unknown");
      }
      done += all ? 1 : 0;
    }
    return done == n;
  }

  private static List<String> fileAndName(JsonNode groups) {
    List<String> out = new ArrayList<>();
    for (JsonNode g : groups) {
      out.add(g.get("file").asText() + "|" + g.get("name").asText());
    }
    return out;
  }

  private JsonNode rules(StrataProcess p) throws Exception {
    return get(p, "/api/v1/rules").at("/data/groups");
  }

  private JsonNode get(StrataProcess p, String path) throws Exception {
    return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(p.query() + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body());
  }

  /** The {@code data} list of the endpoint (groups or alerts) once it satisfies {@code done}. */
  private JsonNode await(StrataProcess p, String path, Predicate<JsonNode> done) throws Exception {
    String field = path.endsWith("rules") ? "/data/groups" : "/data/alerts";
    long deadline = System.currentTimeMillis() + 90_000;
    JsonNode last = null;
    while (System.currentTimeMillis() < deadline) {
      last = get(p, path).at(field);
      if (done.test(last)) {
        return last;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(path + " did not get there within 90 s: " + last);
  }
}
