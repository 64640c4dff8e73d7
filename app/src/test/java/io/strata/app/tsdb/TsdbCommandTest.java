package io.strata.app.tsdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.app.Main;
import io.strata.schemas.model.Labels;
import io.strata.tsdb.Store;
import io.strata.tsdb.Stores;
import io.strata.tsdb.TsdbConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TsdbCommandTest {
  private static final long T0 = 1767225600000L;

  @TempDir
  Path data;

  private int run(ByteArrayOutputStream out, String... args) {
    PrintStream old = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      return new CommandLine(new Main()).execute(args);
    } finally {
      System.setOut(old);
    }
  }

  @Test
  void inspectPrintsTheStoreAndVerifiesIt() throws Exception {
    try (Store store = Stores.open(TsdbConfig.defaults(data.resolve("tsdb")))) {
      for (int s = 0; s < 3; s++) {
        for (int i = 0; i < 500; i++) {
          store.append("default", Labels.of("__name__", "node_load1", "instance", "h" + s), T0 + i * 15_000L, i * 0.25);
        }
      }
      store.commit(Map.of("metrics.samples/0", 1500L));
      store.flush();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(0, run(out, "tsdb", "inspect", "--data-dir", data.toString()));
    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("3"), text);
    assertTrue(text.toLowerCase().contains("series"), text);
  }

  @Test
  void missingStoreIsAClearError() {
    assertEquals(2, run(new ByteArrayOutputStream(), "tsdb", "inspect", "--data-dir", data.resolve("nope").toString()));
  }
}
