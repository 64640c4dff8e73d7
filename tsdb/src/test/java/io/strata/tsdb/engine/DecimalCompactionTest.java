package io.strata.tsdb.engine;

import static io.strata.tsdb.engine.StoreFixtures.MAX;
import static io.strata.tsdb.engine.StoreFixtures.MIN;
import static io.strata.tsdb.engine.StoreFixtures.T0;
import static io.strata.tsdb.engine.StoreFixtures.config;
import static io.strata.tsdb.engine.StoreFixtures.counter;
import static io.strata.tsdb.engine.StoreFixtures.readRaw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.StaleMarker;
import io.strata.tsdb.AppendResult;
import io.strata.tsdb.tools.Inspector;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compaction re-encodes raw data as decimal chunks where they are smaller; every sample reads back bit for bit. */
class DecimalCompactionTest {
  @TempDir Path dir;

  @Test
  void compactedDecimalChunksKeepEverySampleAndAnswerRedeliveries() throws Exception {
    Labels cpu = counter("node_cpu_seconds_total", "cpu", "0");
    Labels noise = counter("temp_celsius");
    Labels special = counter("odd_gauge");
    Map<Labels, TreeMap<Long, Long>> expect = Map.of(cpu, new TreeMap<>(), noise, new TreeMap<>(), special, new TreeMap<>());
    Random r = new Random(5);
    double c = 1234.5;
    try (StrataStore s = StrataStore.open(config(dir), new PrometheusRegistry())) {
      for (int i = 0; i < 8 * 240; i++) { // 8 h at 15 s: two 4 h groups
        long t = T0 + i * 15_000L;
        c = Math.round((c + r.nextInt(1500) / 100.0) * 100) / 100.0;
        double cv = i == 8 * 240 - 1 ? StaleMarker.VALUE : c;
        double nv = 40 + r.nextDouble() * 2;
        double sv = switch (i % 11) {
          case 0 -> Double.NaN;
          case 1 -> Double.POSITIVE_INFINITY;
          case 2 -> -0.0;
          default -> r.nextInt(100) / 4.0;
        };
        for (var e : Map.of(cpu, cv, noise, nv, special, sv).entrySet()) {
          assertEquals(AppendResult.APPENDED, s.append("t", e.getKey(), t, e.getValue()));
          expect.get(e.getKey()).put(t, Double.doubleToRawLongBits(e.getValue()));
        }
        if (i % 120 == 119) {
          s.commit(Map.of("p/0", (long) i));
        }
      }
      s.flush();
      long[] raw = s.blockStats().get("raw");
      assertEquals(3L * 8 * 240, raw[2]);
      for (Labels l : expect.keySet()) {
        assertEquals(expect.get(l), readRaw(s, "t", MIN, MAX, io.strata.schemas.model.LabelMatcher.eq("__name__", l.get("__name__"))).get(l), l.toString());
      }
    }
    try (StrataStore s = StrataStore.open(config(dir), new PrometheusRegistry())) {
      for (Labels l : expect.keySet()) {
        TreeMap<Long, Long> m = expect.get(l);
        assertEquals(m, readRaw(s, "t", MIN, MAX).get(l), l.toString());
        // re-deliveries of compacted samples are found in the decimal chunks
        long mid = m.firstKey() + 3_600_000L;
        assertEquals(AppendResult.DUPLICATE, s.append("t", l, mid, Double.longBitsToDouble(m.get(mid))), l.toString());
        assertEquals(AppendResult.CONFLICTING_VALUE, s.append("t", l, mid, 1e9), l.toString());
      }
      assertEquals(AppendResult.DUPLICATE, s.append("t", cpu, expect.get(cpu).lastKey(), StaleMarker.VALUE));
    }
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    Inspector.Report report = Inspector.inspect(dir, new PrintStream(text, true));
    assertTrue(report.ok(), report.errors().toString());
    assertEquals(3L * 8 * 240, report.samples());
    // noise costs ~6.5 B/sample whatever the encoding; under XOR the counter cost 6.6 B/sample and the
    // quarter-step gauge ~3, so the three series together stay under 3.8 B/sample only with decimal chunks
    double perSample = (double) report.chunkBytes() / report.samples();
    assertTrue(perSample < 3.8, "chunk bytes per sample " + perSample);
  }
}
