package io.strata.tsdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TsdbConfigTest {
  private static String error(Map<String, String> m) {
    return assertThrows(IllegalArgumentException.class, () -> TsdbConfig.fromMap(m)).getMessage();
  }

  @Test
  void parsesEveryKeyAndDefaultsTheRest() {
    TsdbConfig c = TsdbConfig.fromMap(Map.of("tsdb.data.dir", "/data", "tsdb.retention.raw", "30d", "tsdb.retention.5m", "1y", "tsdb.out.of.order.window", "1h",
        "tsdb.chunk.samples", "240"));
    assertEquals(Path.of("/data"), c.dataDir());
    assertEquals(Duration.ofDays(30).toMillis(), c.retentionMillis(Resolution.RAW));
    assertEquals(Duration.ofDays(365).toMillis(), c.retentionMillis(Resolution.parse("300s")), "resolutions match by window length");
    assertEquals(Duration.ofDays(30).toMillis(), c.retentionMillis(Resolution.parse("1h")), "no entry: as long as raw");
    assertEquals(Duration.ofHours(1), c.outOfOrderWindow());
    assertEquals(240, c.chunkSamples());
    assertEquals(TsdbConfig.DEFAULT_BLOCK_DURATION, c.blockDuration());
  }

  @Test
  void durationsAreReadAsStrataYmlReadsThem() {
    // sink.out_of_order_window reaches the store through the sink connector: one syntax (PromDuration) on both sides
    assertEquals(Duration.ofMinutes(90), TsdbConfig.fromMap(Map.of("tsdb.data.dir", "/d", "tsdb.out.of.order.window", "1h30m")).outOfOrderWindow());
    assertEquals(Duration.ZERO, TsdbConfig.fromMap(Map.of("tsdb.data.dir", "/d", "tsdb.out.of.order.window", "0")).outOfOrderWindow());
    assertTrue(error(Map.of("tsdb.data.dir", "/d", "tsdb.out.of.order.window", "30m1h")).contains("tsdb.out.of.order.window must be a duration"));
  }

  @Test
  void badValuesAreRejectedNamingKeyAndValue() {
    assertTrue(error(Map.of("tsdb.data.dir", "/d", "tsdb.block.duration", "0s")).contains("tsdb.block.duration must be > 0, got PT0S"));
    assertTrue(error(Map.of("tsdb.data.dir", "/d", "tsdb.block.max.duration", "3h")).contains("tsdb.block.max.duration must be a multiple of tsdb.block.duration"));
    assertTrue(error(Map.of("tsdb.data.dir", "/d", "tsdb.chunk.samples", "0")).contains("tsdb.chunk.samples must be in [1, 32767], got 0"));
    assertTrue(error(Map.of("tsdb.data.dir", "/d", "tsdb.retention.raw", "soon")).contains("tsdb.retention.raw must be a duration like 10m, 2h, 15d; got soon"));
    assertTrue(error(Map.of("tsdb.data.dir", "/d", "tsdb.retention.fortnight", "2w")).contains("tsdb.retention.fortnight"));
    assertTrue(error(Map.of("tsdb.data.dir", "/d", "tsdb.compaction.background", "yes")).contains("tsdb.compaction.background must be true or false, got yes"));
    assertTrue(error(Map.of("tsdb.data.dir", "/d", "tsdb.block.durration", "2h")).contains("unknown setting tsdb.block.durration=2h"));
    assertTrue(error(Map.of()).contains("tsdb.data.dir is required"));
  }

  @Test
  void keysAreUniqueAndDocumentedInTheReadme() throws Exception {
    assertEquals(TsdbConfig.KEYS.size(), new HashSet<>(TsdbConfig.KEYS).size());
    String readme = Files.readString(Path.of("README.md"));
    for (String k : TsdbConfig.KEYS) {
      assertTrue(readme.contains("`" + k + "`"), "README.md documents " + k);
    }
  }
}
