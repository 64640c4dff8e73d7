package io.strata.app.tsdb;

import io.strata.tsdb.tools.Inspector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code strata tsdb}: tools for a store directory. */
@Command(name = "tsdb", mixinStandardHelpOptions = true, description = "Inspect a TSDB store.",
    subcommands = {TsdbCommand.Inspect.class})
public final class TsdbCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  /** Prints blocks, series, bytes per sample, and verifies every checksum. Exit code 1 when something is damaged. */
  @Command(name = "inspect", mixinStandardHelpOptions = true,
      description = "Print the store's blocks, series count and bytes per sample, and verify every checksum "
          + "(exit code 1 when anything is damaged). The store must not be open elsewhere: stop `strata up` first.")
  public static final class Inspect implements Callable<Integer> {
    @Option(names = "--data-dir", paramLabel = "DIR", description = "data directory of `strata up` (default: ./data); its store is DIR/tsdb")
    Path dataDir = Path.of("data");

    @Option(names = "--store", paramLabel = "DIR", description = "a store directory itself (overrides --data-dir)")
    Path store;

    @Override
    public Integer call() {
      Path dir = store != null ? store : dataDir.resolve("tsdb");
      if (!Files.isDirectory(dir)) {
        System.err.println("strata tsdb inspect: no store at " + dir.toAbsolutePath());
        return 2;
      }
      Inspector.Report report = Inspector.inspect(dir, System.out);
      return report.ok() ? 0 : 1;
    }
  }
}
