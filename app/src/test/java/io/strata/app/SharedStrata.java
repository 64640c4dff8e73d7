package io.strata.app;

import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One `strata up` child process (default flags, free ports, a temporary data directory) shared by every test
 * class that asks for a {@link StrataProcess} parameter with {@code @ExtendWith(SharedStrata.class)}: it starts
 * for the first and stops when the test run ends, so its start-up (about a minute on two busy cores) is paid once.
 * A class may kill and restart it (the next one gets it running again); none may change its flags.
 */
final class SharedStrata implements ParameterResolver {
  /** `strata up` starts in about a minute on 2 busy cores; a restart after kill -9 has been seen to take 3. */
  static final int READY_SECONDS = 300;

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext ctx) {
    return p.getParameter().getType() == StrataProcess.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext ctx) {
    StrataProcess strata = ctx.getRoot().getStore(ExtensionContext.Namespace.create(SharedStrata.class))
        .getOrComputeIfAbsent("strata", k -> new Running(), Running.class).process();
    if (!strata.alive()) {
      // a class that killed it failed before its restart: the next class still gets a running one
      try {
        System.out.println("shared strata up restarted in " + strata.start(READY_SECONDS) + " ms");
      } catch (Exception e) {
        throw new IllegalStateException("cannot restart the shared strata up: " + e.getMessage(), e);
      }
    }
    return strata;
  }

  /** Closed by JUnit at the end of the run. */
  private static final class Running implements AutoCloseable {
    private final StrataProcess process;

    Running() {
      try {
        java.nio.file.Path dir = Files.createTempDirectory("strata-shared-it");
        // RollupsConcurrentSendersIT backfills 2 h 15 m of new series, which the store accepts (a new series has no
        // newer sample) but ingest's default accepted window (now - 1h10m) refuses as Prometheus's receiver does
        java.nio.file.Path config = Files.writeString(dir.resolve("strata-it.yml"), "limits:\n  past_grace_period: 0s\n");
        process = new StrataProcess(Files.createDirectories(dir.resolve("data")), List.of("--config", config.toString()));
        System.out.println("shared strata up ready in " + process.start(READY_SECONDS) + " ms");
      } catch (Exception e) {
        throw new IllegalStateException("cannot start the shared strata up: " + e.getMessage(), e);
      }
    }

    StrataProcess process() {
      return process;
    }

    @Override
    public void close() throws Exception {
      process.close();
    }
  }
}
