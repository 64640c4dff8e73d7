package io.strata.ingest.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Debian's vmagent (VictoriaMetrics 1.79) as a reference for the service discovery Debian's Prometheus is
 * built without (consul, kubernetes): same prometheus.yml, its {@code /api/v1/targets} compared with Strata's
 * targets (job and labels after relabeling).
 */
final class Vmagent implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/vmagent");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final int port;
  private final Path log;

  private Vmagent(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  static void assumeInstalled() {
    assumeTrue(Files.isExecutable(BINARY), "vmagent is not installed (Debian package victoria-metrics)");
  }

  /** Starts vmagent on a free port; remote write goes to {@code writeAddress} (answers are ignored). */
  static Vmagent start(Path dir, String yaml, String writeAddress, String... flags) throws Exception {
    Path cfg = dir.resolve("vmagent.yml");
    Files.writeString(cfg, yaml);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "-promscrape.config=" + cfg,
        "-remoteWrite.url=http://" + writeAddress + "/api/v1/write", "-remoteWrite.tmpDataPath=" + dir.resolve("vmagent-data"),
        "-httpListenAddr=127.0.0.1:" + port, "-loggerLevel=WARN"));
    cmd.addAll(List.of(flags));
    Path log = dir.resolve("vmagent.log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new Vmagent(p, port, log);
  }

  /** job + labels of every active target, or empty while vmagent is starting. */
  Set<String> targets() throws Exception {
    Set<String> out = new TreeSet<>();
    HttpResponse<String> r;
    try {
      r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/targets"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return out;
    }
    if (r.statusCode() != 200) {
      return out;
    }
    for (JsonNode t : new ObjectMapper().readTree(r.body()).path("data").path("activeTargets")) {
      Map<String, String> m = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = t.path("labels").fields(); it.hasNext(); ) {
        var e = it.next();
        m.put(e.getKey(), e.getValue().asText());
      }
      out.add(t.path("scrapePool").asText() + " " + m);
    }
    return out;
  }

  static Set<String> targets(ScrapeEngine engine) {
    Set<String> out = new TreeSet<>();
    for (TargetStatus t : engine.targets()) {
      Map<String, String> m = new TreeMap<>();
      for (int i = 0; i < t.labels().size(); i++) {
        m.put(t.labels().name(i), t.labels().value(i));
      }
      out.add(t.job() + " " + m);
    }
    return out;
  }

  /** Waits until both have {@code count} targets and no change for a moment, then compares. */
  static void assertSameTargets(Vmagent vm, ScrapeEngine engine, int count) throws Exception {
    long started = System.nanoTime();
    long deadline = started + 20_000_000_000L;
    Set<String> theirs = vm.targets();
    Set<String> ours = targets(engine);
    while (!(theirs.size() == count && ours.size() == count && theirs.equals(ours))) {
      if (System.nanoTime() > deadline) {
        break;
      }
      Thread.sleep(200);
      theirs = vm.targets();
      ours = targets(engine);
    }
    System.out.println("compared " + ours.size() + " targets with vmagent after " + (System.nanoTime() - started) / 1_000_000 + " ms:\n" + String.join("\n", ours));
    Set<String> onlyOurs = new TreeSet<>(ours);
    onlyOurs.removeAll(theirs);
    Set<String> onlyTheirs = new TreeSet<>(theirs);
    onlyTheirs.removeAll(ours);
    assertEquals(Set.of(), onlyOurs, () -> "targets only Strata has; vmagent has instead: " + onlyTheirs);
    assertEquals(Set.of(), onlyTheirs, "targets only vmagent has");
    assertEquals(count, ours.size(), "targets");
  }

  private String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return e.toString();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
