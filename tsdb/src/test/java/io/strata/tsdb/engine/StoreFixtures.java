package io.strata.tsdb.engine;

import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import io.strata.tsdb.Resolution;
import io.strata.tsdb.RollupCursor;
import io.strata.tsdb.SampleColumns;
import io.strata.tsdb.SampleCursor;
import io.strata.tsdb.Store;
import io.strata.tsdb.StoredSeries;
import io.strata.tsdb.TsdbConfig;
import io.strata.tsdb.chunkenc.RollupField;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Shared builders for store tests. */
final class StoreFixtures {
  static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
  static final long MIN = Long.MIN_VALUE / 2;
  static final long MAX = Long.MAX_VALUE / 2;

  private StoreFixtures() {}

  /** Small blocks so tests cross block boundaries and compact with few samples: 1 h blocks, 4 h groups. */
  static TsdbConfig config(Path dir) {
    return TsdbConfig.defaults(dir).withBlockDurations(Duration.ofHours(1), Duration.ofHours(4)).withBackgroundCompaction(false)
        .withRetention(Map.of("raw", Duration.ofDays(30)));
  }

  static Labels counter(String name, String... more) {
    String[] p = new String[more.length + 2];
    p[0] = "__name__";
    p[1] = name;
    System.arraycopy(more, 0, p, 2, more.length);
    return Labels.of(p);
  }

  /** All raw samples of every selected series, by labels, as timestamp -> raw value bits. */
  static Map<Labels, TreeMap<Long, Long>> readRaw(Store s, String tenant, long mint, long maxt, LabelMatcher... ms) {
    Map<Labels, TreeMap<Long, Long>> out = new java.util.LinkedHashMap<>();
    for (StoredSeries ss : s.select(tenant, Resolution.RAW, mint, maxt, List.of(ms))) {
      TreeMap<Long, Long> m = new TreeMap<>();
      SampleCursor c = ss.samples();
      long prev = Long.MIN_VALUE;
      while (c.next()) {
        if (c.timestamp() <= prev) {
          throw new AssertionError("cursor of " + ss.labels() + " went back from " + prev + " to " + c.timestamp());
        }
        prev = c.timestamp();
        m.put(c.timestamp(), Double.doubleToRawLongBits(c.value()));
      }
      checkBulk(ss, mint, maxt, m);
      out.put(ss.labels(), m);
    }
    return out;
  }

  /** Every read of the fixtures also checks that the bulk read gives exactly what the cursor gave. */
  static void checkBulk(StoredSeries ss, long mint, long maxt, TreeMap<Long, Long> expected) {
    SampleColumns cols = new SampleColumns(1, true);
    int n = ss.readSamples(mint, maxt, cols);
    TreeMap<Long, Long> bulk = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      if (i > 0 && cols.timestamps()[i] <= cols.timestamps()[i - 1]) {
        throw new AssertionError("bulk read of " + ss.labels() + " went back at " + cols.timestamps()[i]);
      }
      if (cols.counts()[i] != 1) {
        throw new AssertionError("raw sample count " + cols.counts()[i]);
      }
      bulk.put(cols.timestamps()[i], Double.doubleToRawLongBits(cols.values()[i]));
    }
    if (n != cols.size() || !bulk.equals(expected)) {
      throw new AssertionError("bulk read of " + ss.labels() + " differs from its cursor: " + bulk + " vs " + expected);
    }
  }

  static void checkBulk(StoredSeries ss, long mint, long maxt, List<io.strata.tsdb.RollupPoint> expected) {
    for (RollupField f : RollupField.values()) {
      SampleColumns cols = new SampleColumns(1, true);
      int n = ss.readRollups(f, mint, maxt, cols);
      if (n != expected.size()) {
        throw new AssertionError("bulk " + f + " read of " + ss.labels() + ": " + n + " windows, cursor " + expected.size());
      }
      for (int i = 0; i < n; i++) {
        io.strata.tsdb.RollupPoint p = expected.get(i);
        if (cols.timestamps()[i] != p.windowStartMs() || cols.counts()[i] != p.count()
            || Double.doubleToRawLongBits(cols.values()[i]) != Double.doubleToRawLongBits(StoredSeries.valueOf(f, p))) {
          throw new AssertionError("bulk " + f + " read of " + ss.labels() + " differs at window " + i + ": " + p);
        }
      }
    }
  }

  /** The point as {@link io.strata.tsdb.WindowColumns} holds it: the legacy counter is not a column (0). */
  static io.strata.tsdb.RollupPoint windowOf(io.strata.tsdb.RollupPoint p) {
    return new io.strata.tsdb.RollupPoint(p.windowStartMs(), p.count(), p.sum(), p.min(), p.max(), p.last(), 0.0, p.firstMs(), p.first(), p.lastMs(),
        p.correction(), p.resets(), p.changes(), p.exact());
  }

  /** The whole-window bulk read gives what the cursor gave (but the legacy counter, which it does not carry). */
  static void checkWindows(StoredSeries ss, long mint, long maxt, List<io.strata.tsdb.RollupPoint> expected) {
    io.strata.tsdb.WindowColumns cols = new io.strata.tsdb.WindowColumns(1);
    int n = ss.readWindows(mint, maxt, cols);
    if (n != expected.size() || cols.size() != n) {
      throw new AssertionError("window read of " + ss.labels() + ": " + n + " windows, cursor " + expected.size());
    }
    for (int i = 0; i < n; i++) {
      io.strata.tsdb.RollupPoint p = expected.get(i);
      if (!windowOf(p).sameBits(cols.point(i))) {
        throw new AssertionError("window read of " + ss.labels() + " differs at window " + i + ": " + cols.point(i) + " vs " + p);
      }
    }
  }

  static List<io.strata.tsdb.RollupPoint> readRollups(Store s, String tenant, Resolution res, long mint, long maxt, LabelMatcher... ms) {
    List<io.strata.tsdb.RollupPoint> out = new ArrayList<>();
    for (StoredSeries ss : s.select(tenant, res, mint, maxt, List.of(ms))) {
      RollupCursor c = ss.rollups();
      List<io.strata.tsdb.RollupPoint> points = new ArrayList<>();
      while (c.next()) {
        points.add(c.point());
      }
      checkBulk(ss, mint, maxt, points);
      checkWindows(ss, mint, maxt, points);
      out.addAll(points);
    }
    return out;
  }
}
