package io.strata.streams.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RollupConfigTest {

  @Test
  void defaultsAreTheDesignsResolutionsAndTheTsdbsOutOfOrderWindow() {
    RollupConfig c = RollupConfig.defaults();
    assertEquals(List.of("1m", "5m", "1h"), c.resolutions().stream().map(Resolution::name).toList());
    assertEquals(Duration.ofMinutes(10), c.outOfOrderWindow(), "tsdb.out.of.order.window's default");
    assertEquals("", c.topicPrefix());
  }

  @Test
  void parsesEveryKey() {
    RollupConfig c = RollupConfig.fromMap(Map.ofEntries(
        Map.entry(RollupConfig.BOOTSTRAP_SERVERS, "k1:9092,k2:9092"),
        Map.entry(RollupConfig.REGISTRY_URL, "http://reg:8081"),
        Map.entry(RollupConfig.APPLICATION_ID, "rollup-eu"),
        Map.entry(RollupConfig.STATE_DIR, "/var/lib/strata"),
        Map.entry(RollupConfig.TOPIC_PREFIX, "dev."),
        Map.entry(RollupConfig.RESOLUTIONS, "60s, 10m,1h"),
        Map.entry(RollupConfig.OUT_OF_ORDER_WINDOW, "1h30m"),
        Map.entry(RollupConfig.MAX_SERIES_PER_BATCH, "500"),
        Map.entry(RollupConfig.NUM_STREAM_THREADS, "2")));
    assertEquals("k1:9092,k2:9092", c.bootstrapServers());
    assertEquals(List.of("1m", "10m", "1h"), c.resolutions().stream().map(Resolution::name).toList(), "60s is named 1m");
    assertEquals(Duration.ofMinutes(90), c.outOfOrderWindow());
    assertEquals(Path.of("/var/lib/strata"), c.stateDir());
    assertEquals(500, c.maxSeriesPerBatch());
    assertEquals(2, c.numStreamThreads());
  }

  @Test
  void aResolutionThatIsNotAMultipleOfTheFinerOneIsRejected() {
    var e = assertThrows(IllegalArgumentException.class, () -> RollupConfig.fromMap(Map.of(RollupConfig.RESOLUTIONS, "1m,90s")));
    assertTrue(e.getMessage().startsWith(RollupConfig.RESOLUTIONS), e.getMessage());
    assertTrue(e.getMessage().contains("1m30s"), e.getMessage());
  }

  @Test
  void resolutionsOutOfOrderAreRejected() {
    var e = assertThrows(IllegalArgumentException.class, () -> RollupConfig.fromMap(Map.of(RollupConfig.RESOLUTIONS, "5m,1m")));
    assertTrue(e.getMessage().contains(RollupConfig.RESOLUTIONS), e.getMessage());
  }

  @Test
  void aMalformedDurationNamesTheKeyAndTheValue() {
    var e = assertThrows(IllegalArgumentException.class, () -> RollupConfig.fromMap(Map.of(RollupConfig.OUT_OF_ORDER_WINDOW, "10 minutes")));
    assertEquals("streams.out.of.order.window: not a valid duration string: \"10 minutes\"", e.getMessage());
  }

  @Test
  void aSubSecondResolutionIsRejected() {
    var e = assertThrows(IllegalArgumentException.class, () -> RollupConfig.fromMap(Map.of(RollupConfig.RESOLUTIONS, "500ms")));
    assertTrue(e.getMessage().contains("500ms"), e.getMessage());
  }

  @Test
  void aZeroOutOfOrderWindowIsAllowedAndANegativeOneRejected() {
    assertEquals(Duration.ZERO, RollupConfig.fromMap(Map.of(RollupConfig.OUT_OF_ORDER_WINDOW, "0s")).outOfOrderWindow());
    var e = assertThrows(IllegalArgumentException.class, () -> RollupConfig.defaults().withOutOfOrderWindow(Duration.ofSeconds(-1)));
    assertTrue(e.getMessage().startsWith("streams.out.of.order.window: must be >= 0"), e.getMessage());
  }

  @Test
  void badNumbersAndPrefixesNameTheKey() {
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> RollupConfig.fromMap(Map.of(RollupConfig.MAX_SERIES_PER_BATCH, "0"))).getMessage().contains("streams.max.series.per.batch: must be >= 1, got 0"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> RollupConfig.fromMap(Map.of(RollupConfig.NUM_STREAM_THREADS, "two"))).getMessage().contains("streams.num.stream.threads: 'two'"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> RollupConfig.fromMap(Map.of(RollupConfig.TOPIC_PREFIX, "a/b"))).getMessage().contains("'a/b'"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> RollupConfig.fromMap(Map.of(RollupConfig.REGISTRY_URL, "ftp://x"))).getMessage().contains("'ftp://x'"));
  }

  @Test
  void theServiceShortFormTakesResolutionsAndTheOutOfOrderWindow() {
    RollupConfig c = RollupConfig.of("k:9092", "mock://x", "app", Path.of("s"), "", List.of("1h", "1d"), Duration.ofMinutes(5));
    assertEquals(Duration.ofMinutes(5), c.outOfOrderWindow());
    assertEquals(List.of("1h", "1d"), c.resolutions().stream().map(Resolution::name).toList());
  }

  @Test
  void theServiceShortFormRejectsABadResolutionByKey() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> RollupConfig.of("k:9092", "mock://x", "app", Path.of("s"), "", List.of("1m", "fast"), Duration.ofMinutes(10)));
    assertEquals("streams.resolutions: not a valid duration string: \"fast\"", e.getMessage());
  }

  @Test
  void anUnknownKeyIsRejectedTheRemovedGraceIncluded() {
    var e = assertThrows(IllegalArgumentException.class, () -> RollupConfig.fromMap(Map.of("streams.grace", "30s")));
    assertTrue(e.getMessage().startsWith("streams.grace: unknown key"), e.getMessage());
  }

  @Test
  void keysAreUniqueAndEachIsInTheReadmeTable() throws Exception {
    Set<String> seen = new HashSet<>();
    String readme = Files.readString(Path.of("README.md"));
    for (RollupConfig.Key k : RollupConfig.KEYS) {
      assertTrue(seen.add(k.name()), "duplicate key " + k.name());
      assertTrue(readme.contains("| `" + k.name() + "` |"), "README.md config table lacks " + k.name());
    }
  }
}
