package io.strata.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.nio.file.attribute.PosixFilePermissions;
import io.strata.schemas.registry.RegistryUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Apicurio registry (Confluent-compatible API at {@code /apis/ccompat/v7}) as a child process, from the
 * distribution the build unpacks from Maven Central. Schemas live in an H2 file under the data directory
 * and survive restarts. A pid file lets the next start stop a registry orphaned by a killed parent.
 */
public final class RegistryProcess implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RegistryProcess.class);
  public static final String RUNNER_JAR = "apicurio-registry-app-3.0.9-runner.jar";
  /** Property naming the folder with the runner jar; set by the build for tests and by the ./strata launcher. */
  public static final String HOME_PROPERTY = "strata.registry.home";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

  private final Process process;
  private final String url;
  private final Path pidFile;

  private RegistryProcess(Process process, String url, Path pidFile) {
    this.process = process;
    this.url = url;
    this.pidFile = pidFile;
  }

  /** Finds the runner jar: the given folder, else the system property, else ./embedded/target/apicurio. */
  public static Path locateHome(String configured) {
    List<String> candidates = new ArrayList<>();
    if (configured != null && !configured.isBlank()) {
      candidates.add(configured);
    }
    String prop = System.getProperty(HOME_PROPERTY);
    if (prop != null && !prop.isBlank()) {
      candidates.add(prop);
    }
    candidates.add("embedded/target/apicurio");
    for (String c : candidates) {
      if (Files.isRegularFile(Path.of(c, RUNNER_JAR))) {
        return Path.of(c).toAbsolutePath();
      }
    }
    throw new IllegalStateException("Apicurio registry distribution not found (looked for " + RUNNER_JAR + " in " + candidates
        + "); build it with `mvn -pl embedded package` or set -D" + HOME_PROPERTY + "=DIR");
  }

  /** Starts the registry on host:port with its database under dataDir and waits until it answers. */
  public static RegistryProcess start(Path home, Path dataDir, String host, int port) {
    return start(home, dataDir, host, port, null, null);
  }

  /**
   * As {@link #start(Path, Path, String, int)}; with a {@code user}, every path of the registry (its health
   * endpoints included) needs that user's basic-auth credentials (Quarkus's embedded users, written to a 0600
   * file the child reads from its working directory, never on its command line), and {@link #url()} carries them.
   */
  public static RegistryProcess start(Path home, Path dataDir, String host, int port, String user, String password) {
    try {
      Files.createDirectories(dataDir);
      Path pidFile = dataDir.resolve("registry.pid");
      stopOrphan(dataDir);
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> cmd = List.of(java,
          // a small heap and C1 only: the registry serves a handful of schema lookups, start-up time matters more;
          // the heap starts small and one compiler thread, a smaller code cache and thread stacks keep it lean
          "-Xms16m", "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1",
          "-XX:ReservedCodeCacheSize=32m", "-Xss512k",
          "-Dquarkus.http.host=" + host,
          "-Dquarkus.http.port=" + port,
          "-Dapicurio.datasource.url=jdbc:h2:file:" + dataDir.resolve("registry").toAbsolutePath(),
          "-Dapicurio.ccompat.use-canonical-hash=true",
          "-Dapicurio.rules.global.compatibility=BACKWARD",
          "-jar", home.resolve(RUNNER_JAR).toString());
      Path workDir = authConfig(dataDir, user, password);
      Path logFile = dataDir.resolve("registry.log");
      Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
      Files.writeString(pidFile, Long.toString(p.pid()), StandardCharsets.UTF_8);
      String url = "http://" + host + ":" + port + "/apis/ccompat/v7";
      if (user != null) {
        url = RegistryUrl.withCredentials(url, user, password);
      }
      RegistryProcess rp = new RegistryProcess(p, url, pidFile);
      try {
        rp.awaitReady(logFile);
      } catch (RuntimeException e) {
        rp.close();
        throw e;
      }
      log.info("Schema registry (Apicurio {}) ready at {}{}", "3.0.9", RegistryUrl.withoutCredentials(url),
          user == null ? "" : " (basic auth)");
      return rp;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the schema registry", e);
    }
  }

  /**
   * The child's working directory, with the {@code config/application.properties} Quarkus reads at start: the
   * basic-auth user when there is one (every path authenticated), else nothing (an earlier secured start's file
   * is replaced, so the registry is open again).
   */
  private static Path authConfig(Path dataDir, String user, String password) throws IOException {
    Path work = dataDir.resolve("run");
    Path config = work.resolve("config").resolve("application.properties");
    Files.createDirectories(config.getParent());
    Files.deleteIfExists(config);
    Files.createFile(config, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    if (user != null) {
      Properties p = new Properties();
      p.setProperty("quarkus.http.auth.basic", "true");
      p.setProperty("quarkus.security.users.embedded.enabled", "true");
      p.setProperty("quarkus.security.users.embedded.plain-text", "true");
      p.setProperty("quarkus.security.users.embedded.users." + user, password);
      p.setProperty("quarkus.http.auth.permission.everything.paths", "/*");
      p.setProperty("quarkus.http.auth.permission.everything.policy", "authenticated");
      try (var w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
        p.store(w, "written by Strata at every start of the registry");
      }
    }
    return work;
  }

  /**
   * Stops a registry that an earlier run on this data directory left behind (its parent was killed with
   * SIGKILL, so no shutdown hook stopped it); it would otherwise hold the port and the H2 file.
   */
  public static void stopOrphan(Path dataDir) throws IOException {
    Path pidFile = dataDir.resolve("registry.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    try {
      long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
      ProcessHandle.of(pid).ifPresent(ph -> {
        String cmd = ph.info().commandLine().orElse("");
        if (cmd.contains(RUNNER_JAR)) {
          log.warn("stopping schema registry pid {} left running by an earlier run", pid);
          ph.destroy();
          try {
            ph.onExit().get(15, java.util.concurrent.TimeUnit.SECONDS);
          } catch (Exception e) {
            ph.destroyForcibly();
          }
        }
      });
    } catch (NumberFormatException e) {
      // a torn pid file: nothing to stop
    }
    Files.deleteIfExists(pidFile);
  }

  private void awaitReady(Path logFile) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("schema registry exited with code " + process.exitValue() + " during start-up; see " + logFile);
      }
      try {
        HttpResponse<String> r = http.send(RegistryUrl.request(url, "/subjects").timeout(Duration.ofSeconds(2)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          // Apicurio reports NONE until the global level is set through the API
          http.send(RegistryUrl.request(url, "/config").timeout(Duration.ofSeconds(5))
              .header("Content-Type", "application/vnd.schemaregistry.v1+json")
              .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"BACKWARD\"}")).build(), HttpResponse.BodyHandlers.ofString());
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for the schema registry", e);
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for the schema registry", e);
      }
    }
    throw new IllegalStateException("schema registry did not answer within " + READY_TIMEOUT.toSeconds() + " s; see " + logFile);
  }

  /** False once the child process has exited (crashed, killed, or stopped by {@link #close()}). */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** The child's exit code, or null while it runs. */
  public Integer exitCode() {
    return process.isAlive() ? null : process.exitValue();
  }

  /**
   * The Confluent-compatible base URL, e.g. {@code http://127.0.0.1:8081/apis/ccompat/v7}, with the credentials as
   * user info when the registry needs them ({@link RegistryUrl}).
   */
  public String url() {
    return url;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
      }
      Files.deleteIfExists(pidFile);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      log.warn("cannot delete {}: {}", pidFile, e.toString());
    }
  }
}
