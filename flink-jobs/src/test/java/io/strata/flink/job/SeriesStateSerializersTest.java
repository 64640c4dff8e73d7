package io.strata.flink.job;

import static io.strata.flink.TestSeries.series;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.flink.CountingMetrics;
import io.strata.flink.metrics.MetricsHooks;
import io.strata.flink.model.GroupSpec;
import io.strata.flink.model.SeriesSamples;
import io.strata.schemas.model.StaleMarker;
import java.util.List;
import java.util.UUID;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.Test;

/** The rule job's series state: encoded compactly and bit for bit, and kept across a snapshot and from older checkpoints. */
class SeriesStateSerializersTest {
  static final long MINUTE = 60_000;
  static final long T0 = 1_767_225_600_000L;

  private static SeriesSamples roundTrip(SeriesSamples s) throws Exception {
    DataOutputSerializer out = new DataOutputSerializer(64);
    SeriesStateSerializers.Series.INSTANCE.serialize(s, out);
    SeriesStateSerializers.Series.INSTANCE.serialize(s, out); // two in a row: each reads exactly its own bytes
    DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
    SeriesSamples first = SeriesStateSerializers.Series.INSTANCE.deserialize(in);
    SeriesSamples second = SeriesStateSerializers.Series.INSTANCE.deserialize(in);
    assertArrayEquals(first.timestamps, second.timestamps);
    assertEquals(0, in.available());
    return first;
  }

  @Test
  void aSeriesComesBackBitForBitStaleMarkersNegativeTimesAndUnicodeIncluded() throws Exception {
    double stale = Double.longBitsToDouble(StaleMarker.BITS);
    SeriesSamples s = new SeriesSamples(new String[] {"__name__", "temp_°c", "room", "Küche \u0000 🙂", "empty", ""},
        new long[] {-90_500, -1, 0, 1, T0, T0 + 15_000, Long.MAX_VALUE / 2},
        new double[] {1.5, Double.NaN, stale, -0.0, Double.POSITIVE_INFINITY, 1e300, 42});
    SeriesSamples back = roundTrip(s);
    assertArrayEquals(s.labels, back.labels);
    assertArrayEquals(s.timestamps, back.timestamps);
    assertArrayEquals(s.valueBits, back.valueBits, "raw bits: the stale marker stays a stale marker");
    assertTrue(StaleMarker.isStale(back.value(2)));

    SeriesSamples empty = roundTrip(new SeriesSamples(new String[0], new long[0], new double[0]));
    assertEquals(0, empty.labels.length);
    assertEquals(0, empty.timestamps.length);
  }

  @Test
  void keysRoundTripAndCopiesAreSharedBecauseStateSeriesAreNeverChangedInPlace() throws Exception {
    String key = EvaluateGroups.seriesKey(new String[] {"__name__", "x", "job", "ä"});
    DataOutputSerializer out = new DataOutputSerializer(16);
    SeriesStateSerializers.Key.INSTANCE.serialize(key, out);
    assertEquals(key, SeriesStateSerializers.Key.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer())));
    SeriesSamples s = new SeriesSamples(new String[] {"__name__", "x"}, new long[] {T0}, new double[] {1});
    assertSame(s, SeriesStateSerializers.Series.INSTANCE.copy(s));
  }

  @Test
  void seriesSurviveASnapshotAndSeriesOfAnOlderCheckpointAreMovedOver() throws Exception {
    CountingMetrics metrics = new CountingMetrics();
    String hook = "series-state-" + UUID.randomUUID();
    MetricsHooks.register(hook, metrics);
    try {
      List<GroupSpec> files = Groups.file("default", "rules.yml", """
          groups:
            - name: g
              interval: 1m
              rules:
                - record: x:count3m
                  expr: count_over_time(x[3m])
          """);
      String key = "default/rules.yml/g";
      OperatorSubtaskState snap;
      try (GroupHarness g = new GroupHarness(files, GroupHarness.options(MINUTE), hook, null)) {
        g.define(files.get(0));
        g.watermark(T0 - MINUTE);
        g.samples(key, series("x", "job", "api").at(T0, 1).at(T0 + MINUTE, 2));
        // a series as a checkpoint of a version before "series-v2" holds it
        SeriesSamples old = new SeriesSamples(new String[] {"__name__", "x", "job", "old"}, new long[] {T0, T0 + MINUTE},
            new double[] {1, 2});
        g.seriesState(key, true).put(EvaluateGroups.seriesKey(old.labels), old);
        snap = g.snapshot();
      }
      try (GroupHarness g = new GroupHarness(files, GroupHarness.options(MINUTE), hook, snap)) {
        g.samples(key, series("x", "job", "api").at(T0 + 2 * MINUTE, 3), series("x", "job", "old").at(T0 + 2 * MINUTE, 3));
        g.watermark(T0 + 2 * MINUTE);
        List<String> w = g.written();
        assertTrue(w.contains("x:count3m{job=\"api\"}@" + (T0 + 2 * MINUTE) + "=3.0"), "samples from before the snapshot are read: " + w);
        assertTrue(w.contains("x:count3m{job=\"old\"}@" + (T0 + 2 * MINUTE) + "=3.0"), "and those of the older state: " + w);
        assertTrue(g.seriesState(key, true).isEmpty(), "the older state is emptied once moved");
        assertEquals(3, g.kept(key, series("x", "job", "old")).length);
      }
    } finally {
      MetricsHooks.unregister(hook);
    }
  }
}
