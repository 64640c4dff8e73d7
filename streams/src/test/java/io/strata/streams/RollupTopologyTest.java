package io.strata.streams;

import static io.strata.streams.Samples.T0;
import static io.strata.streams.Samples.batch;
import static io.strata.streams.Samples.counter;
import static io.strata.streams.Samples.gauge;
import static io.strata.streams.Samples.t;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.avro.RollupBatch;
import io.strata.avro.RollupSeries;
import io.strata.avro.RollupWindow;
import io.strata.schemas.Topics;
import io.strata.schemas.model.Labels;
import io.strata.streams.config.Resolution;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RollupTopologyTest {
  @TempDir Path stateDir;
  RollupHarness h;

  /** A series that only moves stream time forward. */
  static Samples.SeriesBuilder tick() {
    return gauge("tick");
  }

  @BeforeEach
  void start() {
    h = new RollupHarness(RollupHarness.testConfig(stateDir));
  }

  @AfterEach
  void stop() {
    h.close();
  }

  @Test
  void aWindowCarriesCountSumMinMaxLastAndCounter() {
    var requests = counter("http_requests_total").labels("job", "api");
    h.send(batch(requests.at(t(10), 1).at(t(20), 3).at(t(30), 2)));
    assertTrue(h.rollups("1m").isEmpty(), "window open until stream time reaches its end + 30s grace");

    h.send(batch(tick().at(t(90), 0))); // 1m window [T0, T0+60s) closes at T0+90s

    List<RollupBatch> out = h.rollups("1m");
    RollupWindow w = window(out, requests.labelSet(), T0);
    assertEquals(3, w.getCount());
    assertEquals(6.0, w.getSum());
    assertEquals(1.0, w.getMin());
    assertEquals(3.0, w.getMax());
    assertEquals(2.0, w.getLast());
    assertEquals(5.0, w.getCounter(), "3 then 2 is a reset: 3 is carried over, counter = 2 + 3");
    RollupBatch b = out.get(0);
    assertEquals(Samples.TENANT, b.getTenant());
    assertEquals("1m", b.getResolution());
    assertEquals(60_000L, b.getResolutionMs());
    assertEquals(3.0, h.counter("strata_streams_samples") - 1, 1e-9, "3 samples + the tick");
  }

  @Test
  void aWindowStaysOpenUntilStreamTimeReachesEndPlusGrace() {
    var g = gauge("temperature");
    h.send(batch(g.at(t(10), 20)));
    h.send(batch(tick().at(t(89).plusMillis(999), 0)));
    assertTrue(h.rollups("1m").isEmpty(), "stream time T0+89.999s is before end + grace");
    h.send(batch(tick().at(t(90), 0)));
    assertEquals(1, window(h.rollups("1m"), g.labelSet(), T0).getCount());
  }

  @Test
  void counterResetsAreCarriedAcrossWindows() {
    var c = counter("errors_total");
    h.send(batch(c.at(t(0), 10).at(t(15), 20).at(t(30), 5).at(t(45), 8)));
    h.send(batch(counter("errors_total").at(t(75), 3).at(t(90), 4)));
    h.send(batch(tick().at(t(150), 0)));

    List<RollupBatch> out = h.rollups("1m");
    RollupWindow first = window(out, c.labelSet(), T0);
    assertEquals(8.0, first.getLast());
    assertEquals(28.0, first.getCounter(), "reset 20 -> 5: counter = 8 + 20");
    RollupWindow second = window(out, c.labelSet(), t(60));
    assertEquals(4.0, second.getLast());
    assertEquals(32.0, second.getCounter(), "reset 8 -> 3 adds 8 more: counter = 4 + 20 + 8");
  }

  @Test
  void staleMarkersAreNotSamples() {
    var g = gauge("up").labels("job", "node");
    h.send(batch(g.at(t(10), 1).staleAt(t(20)).at(t(30), 2)));
    h.send(batch(tick().at(t(90), 0)));

    RollupWindow w = window(h.rollups("1m"), g.labelSet(), T0);
    assertEquals(2, w.getCount());
    assertEquals(3.0, w.getSum());
    assertEquals(1.0, w.getMin());
    assertEquals(2.0, w.getLast());
    assertEquals(1.0, h.counter("strata_streams_stale_markers"));
  }

  @Test
  void aSeriesOfOnlyStaleMarkersProducesNoWindow() {
    var g = gauge("up").labels("job", "gone");
    h.send(batch(g.staleAt(t(10))));
    h.send(batch(tick().at(t(90), 0)));
    for (RollupBatch b : h.rollups("1m")) {
      for (RollupSeries s : b.getSeries()) {
        assertEquals("tick", Labels.fromAvro(s.getLabels()).metricName(), "only the tick series had samples");
      }
    }
  }

  @Test
  void lateSamplesBeyondGraceAreDroppedAndCounted() {
    var g = gauge("queue_depth");
    h.send(batch(g.at(t(10), 5)));
    h.send(batch(tick().at(t(90), 0))); // closes [T0, T0+60s)
    assertEquals(1, window(h.rollups("1m"), g.labelSet(), T0).getCount());

    var other = gauge("queue_depth").labels("queue", "b");
    h.send(batch(other.at(t(30), 7))); // its window closed already
    h.send(batch(tick().at(t(300), 0)));

    assertEquals(1.0, h.counter("strata_streams_late_samples"));
    for (RollupBatch b : h.rollups("1m")) {
      for (RollupSeries s : b.getSeries()) {
        assertTrue(!Labels.fromAvro(s.getLabels()).equals(other.labelSet()), "the late sample produced no window");
      }
    }
  }

  @Test
  void aSampleWithinGraceIsStillAggregated() {
    var fast = gauge("a");
    var slow = gauge("b");
    h.send(batch(fast.at(t(80), 1))); // stream time T0+80s: [T0, T0+60s) is past its end but within grace
    h.send(batch(slow.at(t(50), 9)));
    h.send(batch(tick().at(t(90), 0)));

    RollupWindow w = window(h.rollups("1m"), slow.labelSet(), T0);
    assertEquals(9.0, w.getLast());
    assertEquals(0.0, h.counter("strata_streams_late_samples"));
  }

  @Test
  void aResentBatchIsNotCountedTwice() {
    var c = counter("jobs_total");
    var b = batch(c.at(t(10), 1).at(t(20), 2));
    h.send(b);
    h.send(b); // a producer retry of the same batch
    h.send(batch(tick().at(t(90), 0)));

    RollupWindow w = window(h.rollups("1m"), c.labelSet(), T0);
    assertEquals(2, w.getCount());
    assertEquals(3.0, w.getSum());
    assertEquals(2.0, h.counter("strata_streams_dropped_samples", "reason", "out_of_order"));
  }

  @Test
  void aSampleFarAheadOfItsRecordTimeIsDroppedAndDoesNotCloseWindows() {
    var g = gauge("g");
    h.send(batch(g.at(t(10), 1)), t(10));
    h.send(batch(gauge("broken_clock").at(t(10).plus(Duration.ofDays(365)), 1)), t(11));
    assertTrue(h.rollups("1m").isEmpty(), "a sample a year ahead must not move stream time");
    assertEquals(1.0, h.counter("strata_streams_dropped_samples", "reason", "too_far_in_future"));
    h.send(batch(tick().at(t(90), 0)));
    assertEquals(1, window(h.rollups("1m"), g.labelSet(), T0).getCount());
  }

  @Test
  void closedMinutesCascadeIntoFiveMinutes() {
    var c = counter("bytes_total").labels("dev", "eth0");
    // one sample every 30s over [T0, T0+5m): values 1..10, with a reset after the 6th (6 -> 1)
    double[] values = {1, 2, 3, 4, 5, 6, 1, 2, 3, 4};
    for (int i = 0; i < values.length; i++) {
      h.send(batch(counter("bytes_total").labels("dev", "eth0").at(t(30L * i), values[i])));
    }
    h.send(batch(tick().at(t(329), 0)));
    assertTrue(h.rollups("5m").isEmpty(), "5m window closes at T0+5m+30s");
    assertEquals(4, h.rollups("1m").stream().mapToLong(b -> countWindows(b, c.labelSet())).sum(),
        "minutes 0-3 closed, minute 4 still open");

    h.send(batch(tick().at(t(330), 0)));
    assertEquals(1, h.rollups("1m").stream().mapToLong(b -> countWindows(b, c.labelSet())).sum());
    RollupWindow w = window(h.rollups("5m"), c.labelSet(), T0);
    assertEquals(10, w.getCount());
    assertEquals(31.0, w.getSum());
    assertEquals(1.0, w.getMin());
    assertEquals(6.0, w.getMax());
    assertEquals(4.0, w.getLast());
    assertEquals(10.0, w.getCounter(), "4 + 6 lost at the reset");
    assertTrue(h.rollups("1h").isEmpty(), "the hour is still open");
  }

  @Test
  void fiveMinuteWindowsCascadeIntoTheHour() {
    var g = gauge("load");
    for (int m = 0; m < 60; m += 5) {
      h.send(batch(gauge("load").at(t(60L * m + 1), m)));
    }
    h.send(batch(tick().at(t(3600 + 30), 0)));
    RollupWindow hour = window(h.rollups("1h"), g.labelSet(), T0);
    assertEquals(12, hour.getCount());
    assertEquals(0.0, hour.getMin());
    assertEquals(55.0, hour.getMax());
    assertEquals(55.0, hour.getLast());
    assertEquals(12, h.rollups("5m").stream().mapToLong(b -> countWindows(b, g.labelSet())).sum());
  }

  @Test
  void badRecordsAreDeadLetteredWithTheirReasonWhileGoodOnesAroundThemAreRolledUp() {
    var g = gauge("requests_in_flight");
    h.send(batch(g.at(t(10), 1)));
    byte[] garbage = "this is not avro".getBytes(StandardCharsets.UTF_8);
    byte[] good = h.encode(batch(gauge("requests_in_flight").at(t(20), 2)));
    byte[] wrongMagic = good.clone();
    wrongMagic[0] = 1;
    byte[] truncatedAvro = java.util.Arrays.copyOf(good, good.length - 3);
    h.sendRaw("k1".getBytes(StandardCharsets.UTF_8), garbage);
    h.sendRaw("k2".getBytes(StandardCharsets.UTF_8), wrongMagic);
    h.sendRaw(null, truncatedAvro);
    h.sendRaw(null, new byte[0]);
    h.sendRaw(null, good);
    h.send(batch(tick().at(t(90), 0)));

    RollupWindow w = window(h.rollups("1m"), g.labelSet(), T0);
    assertEquals(2, w.getCount(), "the good records before and after the bad ones are both in the window");
    assertEquals(3.0, w.getSum());

    List<TestRecord<byte[], byte[]>> dlq = h.deadletters();
    assertEquals(4, dlq.size());
    assertArrayEquals("k1".getBytes(StandardCharsets.UTF_8), dlq.get(0).key(), "original key kept");
    assertArrayEquals(garbage, dlq.get(0).value(), "original bytes kept");
    assertEquals("BAD_MAGIC_BYTE", header(dlq.get(0), Topics.DLQ_REASON_HEADER), "'t' is not the magic byte 0");
    assertEquals("streams", header(dlq.get(0), Topics.DLQ_STAGE_HEADER));
    assertTrue(header(dlq.get(0), Topics.DLQ_MESSAGE_HEADER).contains("magic"));
    assertArrayEquals(wrongMagic, dlq.get(1).value());
    assertEquals("BAD_MAGIC_BYTE", header(dlq.get(1), Topics.DLQ_REASON_HEADER));
    assertEquals("BAD_AVRO", header(dlq.get(2), Topics.DLQ_REASON_HEADER));
    assertEquals("EMPTY", header(dlq.get(3), Topics.DLQ_REASON_HEADER));
    assertEquals(2.0, h.counter("strata_streams_deadletter", "reason", "BAD_MAGIC_BYTE"));
    assertEquals(1.0, h.counter("strata_streams_deadletter", "reason", "BAD_AVRO"));
    assertEquals(1.0, h.counter("strata_streams_deadletter", "reason", "EMPTY"));
  }

  @Test
  void anUnknownSchemaIdIsDeadLettered() {
    byte[] good = h.encode(batch(gauge("x").at(t(1), 1)));
    byte[] unknownId = good.clone();
    unknownId[1] = 0x7f; // schema id 0x7f000001, never registered
    h.sendRaw(null, unknownId);
    assertEquals("UNKNOWN_SCHEMA_ID", header(h.deadletters().get(0), Topics.DLQ_REASON_HEADER));
  }

  @Test
  void oneBatchPerTenantPerFlush() {
    h.send(batch("team-a", gauge("g").at(t(10), 1)));
    h.send(batch("team-b", gauge("g").at(t(10), 2), gauge("h").at(t(11), 3)));
    h.send(batch("team-a", gauge("tick").at(t(90), 0)));
    List<RollupBatch> out = h.rollups("1m");
    assertEquals(2, out.size());
    assertEquals(List.of("team-a", "team-b"), out.stream().map(b -> b.getTenant().toString()).sorted().toList());
    RollupBatch b = out.stream().filter(x -> x.getTenant().equals("team-b")).findFirst().orElseThrow();
    assertEquals(2, b.getSeries().size());
    assertEquals(2.0, h.counter("strata_streams_batches_emitted", "resolution", "1m"));
    assertEquals(3.0, h.counter("strata_streams_windows_emitted", "resolution", "1m"));
  }

  @Test
  void windowStoresEmptyOnceTheirWindowsCloseAndIdleSeriesAreForgotten() {
    for (int i = 0; i < 20; i++) {
      h.send(batch(counter("c").labels("i", Integer.toString(i)).at(t(10), i)));
    }
    assertEquals(20, h.storeSize("rollup-windows-1m"));
    assertEquals(20, h.storeSize(RollupTopology.SERIES_STORE));

    h.send(batch(tick().at(t(3600 + 30), 0))); // closes the minute, its 5 minutes and its hour
    assertEquals(1, h.storeSize("rollup-windows-1m"), "only the tick's open minute remains");
    assertEquals(0, h.storeSize("rollup-windows-5m"), "the tick's minute has not closed, so nothing reached 5m yet");
    assertEquals(0, h.storeSize("rollup-windows-1h"));
    assertEquals(1, h.storeSize(RollupTopology.SERIES_STORE), "series idle for 1h > 15m idle timeout are forgotten");
    assertEquals(20, h.rollups("1h").stream().mapToInt(b -> b.getSeries().size()).sum());
  }

  @Test
  void largeFlushesAreSplitIntoBatchesOfAtMostMaxSeries() {
    h.close();
    h = new RollupHarness(RollupHarness.testConfig(stateDir).withMaxSeriesPerBatch(7));
    List<Samples.SeriesBuilder> many = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      many.add(gauge("g").labels("i", Integer.toString(i)).at(t(10), i));
    }
    h.send(batch(many.toArray(new Samples.SeriesBuilder[0])));
    h.send(batch(tick().at(t(90), 0)));
    List<RollupBatch> out = h.rollups("1m");
    assertEquals(List.of(7, 7, 6), out.stream().map(b -> b.getSeries().size()).toList());
  }

  @Test
  void resolutionsAreConfigurable() {
    h.close();
    h = new RollupHarness(RollupHarness.testConfig(stateDir)
        .withResolutions(List.of(Resolution.parse("r", "10s"), Resolution.parse("r", "30s")))
        .withGrace(Duration.ZERO));
    var g = gauge("g");
    h.send(batch(g.at(t(1), 1).at(t(11), 2).at(t(21), 3)));
    h.send(batch(tick().at(t(30), 0)));
    assertEquals(3, h.rollups("10s").stream().mapToLong(b -> countWindows(b, g.labelSet())).sum());
    assertEquals(3, window(h.rollups("30s"), g.labelSet(), T0).getCount());
  }

  // ---- helpers

  static RollupWindow window(List<RollupBatch> batches, Labels labels, Instant start) {
    for (RollupBatch b : batches) {
      for (RollupSeries s : b.getSeries()) {
        if (Labels.fromAvro(s.getLabels()).equals(labels)) {
          for (RollupWindow w : s.getWindows()) {
            if (w.getWindowStartMs() == start.toEpochMilli()) {
              return w;
            }
          }
        }
      }
    }
    throw new AssertionError("no window of " + labels + " starting at " + start + " in " + batches);
  }

  static long countWindows(RollupBatch b, Labels labels) {
    long n = 0;
    for (RollupSeries s : b.getSeries()) {
      if (Labels.fromAvro(s.getLabels()).equals(labels)) {
        n += s.getWindows().size();
      }
    }
    return n;
  }

  static String header(TestRecord<byte[], byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    if (h == null) {
      throw new AssertionError("no header " + name);
    }
    return new String(h.value(), StandardCharsets.UTF_8);
  }
}
