package io.strata.app;

import io.strata.app.up.StrataConfig;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;

/**
 * {@link StageFlags} plus {@code --config strata.yml}: the one typed model ({@link StrataConfig}) {@code strata up}
 * reads, so a stage started on its own takes the same file as the whole stack.
 */
public class StageOptions extends StageFlags {
  @Mixin
  Config config = new Config();

  /**
   * Resolves every option against the {@code --config} file (none: defaults only), as {@link StageFlags#resolve}.
   *
   * @throws IllegalArgumentException {@code <flag or key>: <problem>}, e.g. {@code --config FILE: unknown key "limts" (known: ...)}
   */
  public StageSettings resolve(Stage stage) {
    return resolve(stage, config.load(), configDir());
  }

  /** The folder relative paths of the config file resolve against (the working directory without a file). */
  public Path configDir() {
    return config.dir();
  }
}
