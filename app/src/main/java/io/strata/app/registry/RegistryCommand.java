package io.strata.app.registry;

import io.strata.app.Stage;
import io.strata.app.StageFlags;
import io.strata.app.StageRun;
import io.strata.app.StageSettings;
import io.strata.app.up.TsdbSinkSettings;
import io.strata.embedded.RegistryProcess;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.registry.SchemaRegistry;
import io.strata.schemas.registry.SubjectSchemas;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code strata registry}: the schema registry as {@code strata up} runs it (the Apicurio child process of
 * {@link RegistryProcess}, its H2 database under {@code --data-dir}), with Strata's subjects registered. The child
 * stops with this process; when the child dies, this process exits 1, so a supervisor sees it. {@code --port} is the
 * registry's own HTTP port (Apicurio's API); there is no second port (app/README.md says why).
 */
@Command(name = "registry", mixinStandardHelpOptions = true,
    description = "Run the schema registry (Apicurio, Confluent-compatible API at /apis/ccompat/v7) as a child process, with "
        + "Strata's subjects registered. Ctrl-C stops both. strata.yml keys read: host, data_dir (the registry keeps DIR/registry), "
        + "ports.registry, kafka.topic_prefix, rollups.resolutions (the subjects to register).")
public final class RegistryCommand implements Callable<Integer> {
  static final Stage STAGE = new Stage("registry", "schema registry", "ports.registry", 8081, true, "registry");

  @Mixin
  StageFlags.Config config;

  @Mixin
  StageFlags.Process process;

  @Mixin
  StageFlags.Prefix prefix;

  @Mixin
  StageFlags.Log log;

  @Option(names = "--registry-home", paramLabel = "DIR", description = "folder of the Apicurio runner jar (default: -D"
      + RegistryProcess.HOME_PROPERTY + ", else embedded/target/apicurio)")
  Path registryHome;

  @Override
  public Integer call() throws Exception {
    StageRun run = new StageRun(STAGE.name());
    StageSettings s;
    Path home;
    List<String> resolutions;
    try {
      s = StageFlags.resolve(STAGE, config.load(), config.dir(), log, process, null, prefix, null);
      resolutions = TsdbSinkSettings.resolutions(s.file());
      home = RegistryProcess.locateHome(registryHome == null ? null : registryHome.toString());
      RegistryProcess.stopOrphan(s.dataDir()); // one left by this command killed with SIGKILL
      s.requirePortFree();
    } catch (IllegalArgumentException | IllegalStateException | IOException e) {
      return run.refuse(new IllegalArgumentException(e.getMessage(), e));
    }
    Path dir = s.dataDir();
    run.say("starting Apicurio on " + s.host() + ":" + s.port() + ", data in " + dir + " ...");
    System.out.flush();
    // stopped while the child is starting: its pid file names it
    run.started(() -> RegistryProcess.stopOrphan(dir));
    RegistryProcess registry;
    try {
      registry = run.started(RegistryProcess.start(home, dir, s.host(), s.port()));
    } catch (RuntimeException e) {
      return run.fail(1, e.getMessage());
    }
    try (SchemaRegistry client = SchemaRegistries.forUrl(registry.url())) {
      SubjectSchemas.registerAll(client, s.topicPrefix(), resolutions);
    } catch (RuntimeException e) {
      return run.fail(1, "cannot register Strata's subjects: " + e.getMessage());
    }
    return run.serve("subjects of topic prefix \"" + s.topicPrefix() + "\", rollups " + resolutions, null, out -> {
      out.println(StageRun.line("registry", registry.url()));
      out.println(StageRun.line("log", dir.resolve("registry.log").toString()));
      // Apicurio's own port answers health and metrics: no second port beside it (app/README.md)
      out.println(StageRun.line("metrics", s.baseUrl(false, s.port()) + "/metrics   (health: /health/live, /health/ready)"));
    }, () -> registry.isAlive() ? null : "the Apicurio process exited (code " + registry.exitCode() + "); see " + dir.resolve("registry.log"));
  }
}
