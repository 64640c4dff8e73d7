package io.strata.app.up;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
  @TempDir
  Path dir;

  private Settings resolve(StrataConfig file, Path dataDir, Integer queryPort) {
    return Settings.resolve(file, dataDir, null, queryPort, null, null, null, null, null, null, null, null, dir);
  }

  @Test
  void defaultsAreTheDocumentedPorts() {
    Settings s = resolve(StrataConfig.EMPTY, null, null);
    assertEquals(List.of(9090, 9091, 9092, 9095, 8081, 8083),
        List.of(s.queryPort(), s.ingestPort(), s.kafkaPort(), s.kafkaControllerPort(), s.registryPort(), s.connectPort()));
    assertEquals("127.0.0.1", s.host());
    assertEquals(Path.of("data").toAbsolutePath().normalize(), s.dataDir());
    assertEquals(List.of("1m", "5m", "1h"), s.resolutions());
    assertEquals(java.time.Duration.ofMinutes(10), s.outOfOrderWindow(), "Prometheus-like store window, shared with the rollups");
  }

  @Test
  void fileSetsValuesAndFlagsOverrideThem() throws Exception {
    Path f = dir.resolve("strata.yml");
    Files.writeString(f, """
        data_dir: somewhere
        ports:
          query: 19090
          ingest: 19091
        kafka:
          partitions: 8
        rollups:
          resolutions: [1m, 10m]
        rule_files: [rules.yml]
        query:
          replica_labels: [replica]
        sink:
          out_of_order_window: 2m
        """);
    StrataConfig cfg = StrataConfig.load(f);
    Settings fromFile = resolve(cfg, null, null);
    assertEquals(19090, fromFile.queryPort());
    assertEquals(19091, fromFile.ingestPort());
    assertEquals(8, fromFile.partitions());
    assertEquals(List.of("1m", "10m"), fromFile.resolutions());
    assertEquals(dir.resolve("somewhere"), fromFile.dataDir(), "relative paths in the file are relative to the file");
    assertEquals(List.of(dir.resolve("rules.yml")), fromFile.ruleFiles());
    assertEquals(List.of("replica"), fromFile.replicaLabels());
    assertEquals(java.time.Duration.ofMinutes(2), fromFile.outOfOrderWindow());
    assertEquals(List.of(), resolve(StrataConfig.EMPTY, null, null).replicaLabels());

    Settings flags = resolve(cfg, dir.resolve("other"), 29090);
    assertEquals(29090, flags.queryPort());
    assertEquals(dir.resolve("other").toAbsolutePath(), flags.dataDir());
  }

  @Test
  void unknownKeyIsAnErrorNamingIt() throws Exception {
    Path f = dir.resolve("typo.yml");
    Files.writeString(f, "ports:\n  qeury: 1\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StrataConfig.load(f));
    assertTrue(e.getMessage().contains("qeury"), e.getMessage());
  }

  @Test
  void resolutionsTakeTheirCanonicalNameAsTheRollupTopicsDo() throws Exception {
    Path f = Files.writeString(dir.resolve("strata.yml"), "rollups:\n  resolutions: [60s, 300s, 1h]\n");
    // streams writes metrics.rollup.1m for 60s: the topics, the sink and the query must read that name too
    assertEquals(List.of("1m", "5m", "1h"), resolve(StrataConfig.load(f), null, null).resolutions());
  }

  @Test
  void badValuesNameTheirKey() throws Exception {
    Path f = dir.resolve("bad.yml");
    Files.writeString(f, "sink:\n  commit_interval: soon\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> resolve(StrataConfig.load(f), null, null));
    assertEquals("sink.commit_interval: \"soon\" is not a duration like 30s or 1m", e.getMessage());
    Files.writeString(f, "sink:\n  commit_interval: 50ms\n");
    e = assertThrows(IllegalArgumentException.class, () -> resolve(StrataConfig.load(f), null, null));
    assertEquals("sink.commit_interval: must be >= 100ms, got 50ms", e.getMessage());
    Files.writeString(f, "rollups:\n  resolutions: [1m, soon]\n");
    e = assertThrows(IllegalArgumentException.class, () -> resolve(StrataConfig.load(f), null, null));
    assertEquals("rollups.resolutions: \"soon\" is not a duration like 30s or 1m", e.getMessage());
    Files.writeString(f, "ports:\n  query: 70000\n");
    e = assertThrows(IllegalArgumentException.class, () -> resolve(StrataConfig.load(f), null, null));
    assertEquals("ports.query: must be 1..65535, got 70000", e.getMessage());
    IllegalArgumentException same = assertThrows(IllegalArgumentException.class, () -> resolve(StrataConfig.EMPTY, null, 9091));
    assertTrue(same.getMessage().contains("ports must all differ"), same.getMessage());
  }

  @Test
  void limitsFromTheFileFollowTheStoresWindowAndNameBadKeys() throws Exception {
    Path f = dir.resolve("limits.yml");
    Files.writeString(f, """
        sink:
          out_of_order_window: 20m
        limits:
          max_label_names_per_series: 40
          overrides:
            team-a:
              ingestion_rate: 1000
        """);
    Settings s = resolve(StrataConfig.load(f), null, null);
    assertEquals(40, s.limits().defaults().maxLabelNamesPerSeries());
    assertEquals(java.time.Duration.ofMinutes(20), s.limits().defaults().outOfOrderWindow());
    assertEquals(1000, s.limits().overrides().get("team-a").ingestionRate());
    assertEquals(40, s.limits().overrides().get("team-a").maxLabelNamesPerSeries());
    assertEquals(30, resolve(StrataConfig.EMPTY, null, null).limits().defaults().maxLabelNamesPerSeries());
    Files.writeString(f, "limits:\n  max_labels: 3\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> resolve(StrataConfig.load(f), null, null));
    assertTrue(e.getMessage().startsWith("limits.max_labels is not a limit"), e.getMessage());
  }

  @Test
  void ruleJobKeysReachTheRuleJobAndAnUnknownOneIsAnErrorNamingIt() throws Exception {
    Path f = dir.resolve("rule-job.yml");
    Files.writeString(f, """
        rule_job:
          watermark.max-out-of-orderness: 2s
          checkpoint.interval: 1s
        """);
    Settings s = resolve(StrataConfig.load(f), null, null);
    assertEquals(java.time.Duration.ofSeconds(2), s.ruleJobSettings().maxOutOfOrderness());
    assertEquals(java.time.Duration.ofSeconds(1), s.ruleJobSettings().checkpointInterval());
    assertEquals(java.time.Duration.ofSeconds(15), s.ruleJobSettings().wallClockDelay(), "keys not given keep their default");

    Files.writeString(f, "rule_job:\n  watermark.max-out-of-ordernes: 2s\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> resolve(StrataConfig.load(f), null, null));
    assertTrue(e.getMessage().startsWith("rule_job: unknown setting flink.watermark.max-out-of-ordernes"), e.getMessage());
  }
}
