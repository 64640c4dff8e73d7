package io.strata.app.registry;

import io.strata.app.up.Settings;
import io.strata.app.up.StrataConfig;
import io.strata.app.up.TsdbSinkSettings;
import io.strata.embedded.Ports;
import io.strata.embedded.RegistryProcess;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.registry.SchemaRegistry;
import io.strata.schemas.registry.SubjectSchemas;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code strata registry}: the schema registry as {@code strata up} runs it (the Apicurio child process of
 * {@link RegistryProcess}, its H2 database under {@code --data-dir}), with Strata's subjects registered. The child
 * stops with this process; when the child dies, this process exits non-zero, so a supervisor sees it.
 */
@Command(name = "registry", mixinStandardHelpOptions = true,
    description = "Run the schema registry (Apicurio, Confluent-compatible API at /apis/ccompat/v7) as a child process, with "
        + "Strata's subjects registered. Ctrl-C stops both.")
public final class RegistryCommand implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE", description = "strata.yml as for strata up; read here: kafka.topic_prefix, "
      + "rollups.resolutions (the subjects to register); flags override it")
  Path config;

  @Option(names = "--host", description = "address the port binds (default: ${DEFAULT-VALUE})", defaultValue = "127.0.0.1")
  String host;

  @Option(names = "--port", description = "registry port (default: ${DEFAULT-VALUE})", defaultValue = "8081")
  int port;

  @Option(names = "--topic-prefix", paramLabel = "P", description = "prefix of every topic name (default: kafka.topic_prefix, else none)")
  String topicPrefix;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "holds the H2 database, registry.log and registry.pid "
      + "(default: ${DEFAULT-VALUE})", defaultValue = "data/registry")
  Path dataDir;

  @Option(names = "--registry-home", paramLabel = "DIR", description = "folder of the Apicurio runner jar (default: -D"
      + RegistryProcess.HOME_PROPERTY + ", else embedded/target/apicurio)")
  Path registryHome;

  @Option(names = "--log-dir", paramLabel = "DIR", description = "where strata.log goes (default: the temp dir's strata-logs/)")
  Path logDir;

  @Override
  public Integer call() throws Exception {
    if (logDir != null) { // before the first logger is made
      io.strata.app.LogDir.use(logDir);
    }
    Path home;
    String prefix;
    List<String> resolutions;
    Path dir = dataDir.toAbsolutePath().normalize();
    try {
      StrataConfig file = config == null ? StrataConfig.EMPTY : StrataConfig.load(config);
      prefix = Settings.checkTopicPrefix(topicPrefix != null ? topicPrefix : Settings.topicPrefix(file));
      resolutions = TsdbSinkSettings.resolutions(file);
      home = RegistryProcess.locateHome(registryHome == null ? null : registryHome.toString());
      RegistryProcess.stopOrphan(dir); // one left by this command killed with SIGKILL
      Ports.requireFree("schema registry", host, port);
    } catch (IllegalArgumentException | IllegalStateException | Ports.PortInUseException e) {
      System.err.println("strata registry: " + e.getMessage());
      return 2;
    }
    System.out.println("strata registry: starting Apicurio on " + host + ":" + port + ", data in " + dir + " ...");
    System.out.flush();
    long t0 = System.nanoTime();
    CountDownLatch stopped = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicReference<RegistryProcess> running = new java.util.concurrent.atomic.AtomicReference<>();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopping.set(true);
      System.out.println("strata registry: stopping ...");
      RegistryProcess r = running.get();
      if (r != null) {
        r.close();
      } else {
        try {
          RegistryProcess.stopOrphan(dir); // stopped while the child was starting: its pid file names it
        } catch (java.io.IOException e) {
          // nothing more to do on the way out
        }
      }
      System.out.println("strata registry: stopped");
      stopped.countDown();
    }, "strata-registry-shutdown"));
    RegistryProcess registry;
    try {
      registry = RegistryProcess.start(home, dir, host, port);
      running.set(registry);
    } catch (RuntimeException e) {
      System.err.println("strata registry: " + e.getMessage());
      return 1;
    }
    try (SchemaRegistry client = SchemaRegistries.forUrl(registry.url())) {
      SubjectSchemas.registerAll(client, prefix, resolutions);
    } catch (RuntimeException e) {
      registry.close();
      System.err.println("strata registry: cannot register Strata's subjects: " + e.getMessage());
      return 1;
    }
    System.out.println("strata registry is up (" + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms): subjects of topic prefix \""
        + prefix + "\", rollups " + resolutions);
    System.out.println("  registry           " + registry.url());
    System.out.println("  log                " + dir.resolve("registry.log"));
    System.out.println("ready");
    System.out.flush();
    while (!stopped.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
      if (!registry.isAlive() && !stopping.get()) {
        System.err.println("strata registry: the Apicurio process exited (code " + registry.exitCode() + "); see " + dir.resolve("registry.log"));
        return 1;
      }
    }
    return 0;
  }
}
