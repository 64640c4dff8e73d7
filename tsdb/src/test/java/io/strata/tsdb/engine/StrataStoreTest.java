package io.strata.tsdb.engine;

import static io.strata.tsdb.engine.StoreFixtures.MAX;
import static io.strata.tsdb.engine.StoreFixtures.MIN;
import static io.strata.tsdb.engine.StoreFixtures.T0;
import static io.strata.tsdb.engine.StoreFixtures.config;
import static io.strata.tsdb.engine.StoreFixtures.counter;
import static io.strata.tsdb.engine.StoreFixtures.readRaw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.LabelMatcher.Type;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.StaleMarker;
import io.strata.tsdb.AppendResult;
import io.strata.tsdb.Store;
import io.strata.tsdb.Stores;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StrataStoreTest {
  @TempDir Path dir;

  @Test
  void storesFactoryReturnsTheEngine() throws Exception {
    try (Store s = Stores.open(config(dir))) {
      assertTrue(s instanceof StrataStore);
    }
  }

  @Test
  void appendOutcomesAreClassifiedAndCounted() throws Exception {
    PrometheusRegistry reg = new PrometheusRegistry();
    Labels l = counter("http_requests_total", "job", "api");
    try (Store s = StrataStore.open(config(dir), reg)) {
      assertEquals(AppendResult.APPENDED, s.append("t", l, T0, 1));
      assertEquals(AppendResult.APPENDED, s.append("t", l, T0 + 60_000 * 30, 5));
      assertEquals(AppendResult.DUPLICATE, s.append("t", l, T0 + 60_000 * 30, 5));
      assertEquals(AppendResult.CONFLICTING_VALUE, s.append("t", l, T0 + 60_000 * 30, 6));
      // out of order within the 10 m window: accepted, read back in order
      assertEquals(AppendResult.APPENDED, s.append("t", l, T0 + 60_000 * 25, 4));
      assertEquals(AppendResult.DUPLICATE, s.append("t", l, T0 + 60_000 * 25, 4));
      // older than the window and not stored
      assertEquals(AppendResult.TOO_OLD, s.append("t", l, T0 + 60_000 * 10, 3));
      // older than the window but stored with that value: a re-delivery, still a no-op
      assertEquals(AppendResult.DUPLICATE, s.append("t", l, T0, 1));
      assertEquals(AppendResult.CONFLICTING_VALUE, s.append("t", l, T0, 2));
      // a stale marker and an ordinary NaN differ
      assertEquals(AppendResult.APPENDED, s.append("t", l, T0 + 60_000 * 31, StaleMarker.VALUE));
      assertEquals(AppendResult.CONFLICTING_VALUE, s.append("t", l, T0 + 60_000 * 31, Double.NaN));
      assertEquals(AppendResult.DUPLICATE, s.append("t", l, T0 + 60_000 * 31, StaleMarker.VALUE));

      TreeMap<Long, Long> got = readRaw(s, "t", MIN, MAX).get(l);
      assertEquals(List.of(T0, T0 + 60_000 * 25, T0 + 60_000 * 30, T0 + 60_000 * 31), List.copyOf(got.keySet()));
      assertEquals(StaleMarker.BITS, got.get(T0 + 60_000 * 31));

      var out = new java.io.ByteArrayOutputStream();
      new PrometheusTextFormatWriter(false).write(out, reg.scrape());
      String text = out.toString();
      assertTrue(text.contains("strata_tsdb_appends_total{kind=\"raw\",result=\"appended\"} 4.0"), text);
      assertTrue(text.contains("strata_tsdb_appends_total{kind=\"raw\",result=\"duplicate\"} 4.0"), text);
      assertTrue(text.contains("strata_tsdb_appends_total{kind=\"raw\",result=\"conflicting_value\"} 3.0"), text);
      assertTrue(text.contains("strata_tsdb_appends_total{kind=\"raw\",result=\"too_old\"} 1.0"), text);
      assertTrue(text.contains("strata_tsdb_series 1.0"), text);
    }
  }

  @Test
  void rollupLagIsTheNewestRawSampleMinusTheNewestWindowEnd() throws Exception {
    PrometheusRegistry reg = new PrometheusRegistry();
    Labels l = counter("http_requests_total", "job", "api");
    try (Store s = StrataStore.open(config(dir), reg)) {
      s.append("t", l, T0 + 3_600_000, 1);
      // the newest 5m window ends at T0 + 45m: 15 minutes behind the newest sample
      s.appendRollup("t", l, io.strata.tsdb.Resolution.parse("5m"), new io.strata.tsdb.RollupPoint(T0 + 40 * 60_000, 1, 1, 1, 1, 1, 0,
          T0 + 40 * 60_000, 1, T0 + 40 * 60_000, 0, 0, 0, true));
      var out = new java.io.ByteArrayOutputStream();
      new PrometheusTextFormatWriter(false).write(out, reg.scrape());
      assertTrue(out.toString().contains("strata_tsdb_rollup_lag_seconds{resolution=\"5m\"} 900.0"), out.toString());
    }
  }

  @Test
  void selectUsesAllFourMatcherKindsAndSortsByLabels() throws Exception {
    try (Store s = StrataStore.open(config(dir), new PrometheusRegistry())) {
      String[] jobs = {"api", "db", "web"};
      for (String job : jobs) {
        for (int i = 0; i < 3; i++) {
          Labels l = counter("up", "job", job, "instance", "h" + i);
          s.append("t", l, T0, 1);
        }
      }
      s.append("t", counter("up", "instance", "lonely"), T0, 0);
      s.append("other", counter("up", "job", "api", "instance", "h0"), T0, 1);

      assertEquals(3, readRaw(s, "t", MIN, MAX, LabelMatcher.eq("job", "db")).size());
      assertEquals(7, readRaw(s, "t", MIN, MAX, LabelMatcher.of(Type.NEQ, "job", "db")).size(), "!= also matches series without the label");
      assertEquals(6, readRaw(s, "t", MIN, MAX, LabelMatcher.of(Type.RE, "job", "a.*|w.b")).size());
      assertEquals(4, readRaw(s, "t", MIN, MAX, LabelMatcher.of(Type.NRE, "job", "a.*|w.b")).size());
      assertEquals(1, readRaw(s, "t", MIN, MAX, LabelMatcher.eq("job", "")).size(), "job=\"\" selects series without job");
      assertEquals(2, readRaw(s, "t", MIN, MAX, LabelMatcher.of(Type.RE, "job", "db|web"), LabelMatcher.eq("instance", "h1")).size());
      assertEquals(1, readRaw(s, "other", MIN, MAX).size(), "tenants are separate");
      List<Labels> order = List.copyOf(readRaw(s, "t", MIN, MAX, LabelMatcher.of(Type.RE, "job", ".+")).keySet());
      List<Labels> sorted = order.stream().sorted().toList();
      assertEquals(sorted, order);
      assertEquals(List.of("__name__", "instance", "job"), s.labelNames("t", MIN, MAX, List.of()));
      assertEquals(List.of("__name__", "instance"), s.labelNames("t", MIN, MAX, List.of(LabelMatcher.eq("instance", "lonely"))));
      assertEquals(List.of("api", "db", "web"), s.labelValues("t", "job", MIN, MAX, List.of()));
      assertEquals(List.of("h0", "h1", "h2"), s.labelValues("t", "instance", MIN, MAX, List.of(LabelMatcher.eq("job", "web"))));
      assertEquals(List.of(), s.labelValues("t", "job", T0 + 1, MAX, List.of()), "no series has data after T0");
      assertEquals(0, readRaw(s, "t", T0 + 1, MAX).size(), "series without samples in range are not selected");
    }
  }

  @Test
  void commitMakesDataAndOffsetsDurableAndReopenReadsThem() throws Exception {
    Labels a = counter("a_total");
    Labels b = counter("b_total", "x", "1");
    TreeMap<Long, Long> expectA = new TreeMap<>();
    try (Store s = StrataStore.open(config(dir), new PrometheusRegistry())) {
      for (int i = 0; i < 1000; i++) {
        long t = T0 + i * 15_000L;
        s.append("t", a, t, i * 1.5);
        expectA.put(t, Double.doubleToRawLongBits(i * 1.5));
        if (i % 3 == 0) {
          s.append("t", b, t, -i);
        }
      }
      s.commit(Map.of("metrics.samples/0", 1000L));
      s.commit(Map.of("metrics.samples/1", 7L));
      assertEquals(Map.of("metrics.samples/0", 1000L, "metrics.samples/1", 7L), s.committedOffsets());
    }
    try (Store s = StrataStore.open(config(dir), new PrometheusRegistry())) {
      assertEquals(Map.of("metrics.samples/0", 1000L, "metrics.samples/1", 7L), s.committedOffsets());
      var all = readRaw(s, "t", MIN, MAX);
      assertEquals(expectA, all.get(a));
      assertEquals(334, all.get(b).size());
      // re-delivery of persisted samples is a no-op, new ones append after them
      assertEquals(AppendResult.DUPLICATE, s.append("t", a, T0 + 999 * 15_000L, 999 * 1.5));
      assertEquals(AppendResult.DUPLICATE, s.append("t", a, T0, 0));
      assertEquals(AppendResult.APPENDED, s.append("t", a, T0 + 1000 * 15_000L, 1));
      // a range in the middle
      assertEquals(expectA.subMap(T0 + 100 * 15_000L, true, T0 + 200 * 15_000L, true), readRaw(s, "t", T0 + 100 * 15_000L, T0 + 200 * 15_000L).get(a));
    }
  }

  @Test
  void compactionMergesOutOfOrderChunksAndKeepsEverySample() throws Exception {
    TreeMap<Long, Long> expect = new TreeMap<>();
    Labels l = counter("g");
    try (StrataStore s = StrataStore.open(config(dir), new PrometheusRegistry())) {
      java.util.Random r = new java.util.Random(1);
      for (int i = 0; i < 12 * 240; i++) { // 12 h at 15 s
        long t = T0 + i * 15_000L;
        double v = r.nextGaussian();
        assertEquals(AppendResult.APPENDED, s.append("t", l, t, v));
        expect.put(t, Double.doubleToRawLongBits(v));
        if (i % 50 == 49) {
          long late = t - 7_500; // between two earlier samples, inside the window
          assertEquals(AppendResult.APPENDED, s.append("t", l, late, 7));
          expect.put(late, Double.doubleToRawLongBits(7));
          s.commit(Map.of("p/0", (long) i));
        }
      }
      s.commit(Map.of("p/0", 999_999L));
      s.compact();
      var stats = s.blockStats().get("raw");
      // 12 h at 4 h groups: the last group is not sealed yet, the first two are one compacted block each
      assertTrue(stats[0] <= 6, "blocks after compaction: " + stats[0]);
      assertEquals(expect, readRaw(s, "t", MIN, MAX).get(l));
      s.flush();
      assertEquals(3, s.blockStats().get("raw")[0], "flush compacts every group");
      assertEquals(expect.size(), s.blockStats().get("raw")[2], "block metas count every sample once");
      assertEquals(expect, readRaw(s, "t", MIN, MAX).get(l));
    }
    try (Store s = StrataStore.open(config(dir), new PrometheusRegistry())) {
      assertEquals(expect, readRaw(s, "t", MIN, MAX).get(l));
      assertEquals(AppendResult.DUPLICATE, s.append("t", l, expect.lastKey(), Double.longBitsToDouble(expect.lastEntry().getValue())));
    }
  }

  @Test
  void retentionDropsWholeBlocksPerResolution() throws Exception {
    var cfg = config(dir).withRetention(Map.of("raw", java.time.Duration.ofHours(3), "5m", java.time.Duration.ofHours(20)));
    Labels l = counter("c");
    try (StrataStore s = StrataStore.open(cfg, new PrometheusRegistry())) {
      for (int i = 0; i < 10 * 60; i++) { // 10 h at 1 min
        s.append("t", l, T0 + i * 60_000L, i);
        if (i % 5 == 0) {
          s.appendRollup("t", l, io.strata.tsdb.Resolution.parse("5m"), new io.strata.tsdb.RollupPoint(T0 + i * 60_000L, 5, i, i, i, i, i));
        }
      }
      s.commit(Map.of());
      s.flush();
      TreeMap<Long, Long> got = readRaw(s, "t", MIN, MAX).get(l);
      long newest = T0 + 599 * 60_000L;
      assertTrue(got.firstKey() >= newest - 3 * 3600_000L - 3600_000L, "raw data older than retention + one block is gone: first " + got.firstKey());
      assertTrue(got.firstKey() > T0, "the oldest raw blocks were dropped");
      assertEquals(newest, got.lastKey());
      assertEquals(120, StoreFixtures.readRollups(s, "t", io.strata.tsdb.Resolution.parse("5m"), MIN, MAX).size(), "the 5m rollups keep 20 h");
    }
  }

  @Test
  void rollupsAreStoredBesideRawAndReadByResolution() throws Exception {
    Labels l = counter("req_total");
    var r5 = io.strata.tsdb.Resolution.parse("5m");
    var r1h = io.strata.tsdb.Resolution.parse("1h");
    var p = new io.strata.tsdb.RollupPoint(T0, 20, 100, 1, 9, 9, 100);
    try (Store s = StrataStore.open(config(dir), new PrometheusRegistry())) {
      assertEquals(AppendResult.APPENDED, s.appendRollup("t", l, r5, p));
      assertEquals(AppendResult.APPENDED, s.appendRollup("t", l, r5, new io.strata.tsdb.RollupPoint(T0 + 300_000, 20, 110, 2, 8, 8, 210)));
      assertEquals(AppendResult.DUPLICATE, s.appendRollup("t", l, r5, p));
      assertEquals(AppendResult.CONFLICTING_VALUE, s.appendRollup("t", l, r5, new io.strata.tsdb.RollupPoint(T0, 21, 100, 1, 9, 9, 100)));
      assertEquals(AppendResult.APPENDED, s.appendRollup("t", l, r1h, p));
      s.append("t", l, T0, 1);
      s.commit(Map.of("metrics.rollup.5m/0", 2L));
    }
    try (Store s = StrataStore.open(config(dir), new PrometheusRegistry())) {
      var got = StoreFixtures.readRollups(s, "t", r5, MIN, MAX);
      assertEquals(2, got.size());
      assertEquals(p, got.get(0));
      assertEquals(1, StoreFixtures.readRollups(s, "t", r1h, MIN, MAX).size());
      assertEquals(0, StoreFixtures.readRollups(s, "t", io.strata.tsdb.Resolution.parse("1m"), MIN, MAX).size());
      assertEquals(1, readRaw(s, "t", MIN, MAX).get(l).size());
      assertEquals(AppendResult.DUPLICATE, s.appendRollup("t", l, r5, p));
      s.flush();
    }
    // `strata tsdb inspect` reads every chunk, rollup encodings included: 1 raw sample + 3 windows, nothing damaged
    var report = io.strata.tsdb.tools.Inspector.inspect(dir, new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true));
    assertTrue(report.ok(), report.errors().toString());
    assertEquals(4, report.samples());
  }

  @Test
  void blockDurationCannotChangeOnAnExistingStore() throws Exception {
    try (Store s = StrataStore.open(config(dir), new PrometheusRegistry())) {
      s.commit(Map.of());
    }
    var other = config(dir).withBlockDurations(java.time.Duration.ofHours(2), java.time.Duration.ofHours(4));
    var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> StrataStore.open(other, new PrometheusRegistry()));
    assertTrue(e.getMessage().contains("tsdb.block.duration"), e.getMessage());
  }
}
