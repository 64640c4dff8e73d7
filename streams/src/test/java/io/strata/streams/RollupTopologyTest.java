package io.strata.streams;

import static io.strata.streams.Samples.T0;
import static io.strata.streams.Samples.batch;
import static io.strata.streams.Samples.counter;
import static io.strata.streams.Samples.gauge;
import static io.strata.streams.Samples.t;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.avro.Label;
import io.strata.avro.RollupBatch;
import io.strata.avro.RollupSeries;
import io.strata.avro.RollupWindow;
import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.schemas.Topics;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.SeriesPartitioner;
import io.strata.streams.config.Resolution;
import io.strata.streams.rollup.SeriesState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topology in a TopologyTestDriver with the default settings: resolutions 1m, 5m, 1h and an
 * out-of-order window of 10m, so a window [s, s + 1m) of a series is final once that series has a sample
 * at s + 11m. Randomised comparisons with the oracle are in {@link RollupPropertyTest}.
 */
class RollupTopologyTest {
  /** A series' sample this far after a 1m window's start makes the window final: 1m + the 10m window. */
  static final long CLOSES_FIRST_MINUTE = 660;

  @TempDir Path stateDir;
  RollupHarness h;

  @BeforeEach
  void start() {
    h = new RollupHarness(RollupHarness.testConfig(stateDir));
  }

  @AfterEach
  void stop() {
    h.close();
  }

  @Test
  void aFinalWindowCarriesEveryExactAggregate() {
    var requests = counter("http_requests_total").labels("job", "api");
    h.send(batch(requests.at(t(10), 1).at(t(20), 3).at(t(30), 2)));
    assertTrue(h.rollups("1m").isEmpty(), "the window can still receive samples");

    h.send(batch(counter("http_requests_total").labels("job", "api").at(t(CLOSES_FIRST_MINUTE), 4)), t(700));

    List<TestRecord<byte[], byte[]>> records = h.rollupTopic("1m").readRecordsToList();
    assertEquals(1, records.size());
    assertEquals(t(700).toEpochMilli(), records.get(0).timestamp(), "stamped with the record that made it final");
    RollupWindow w = window(List.of(h.decodeRollup(records.get(0).value())), requests.labelSet(), T0);
    assertEquals(3, w.getCount());
    assertEquals(6.0, w.getSum());
    assertEquals(1.0, w.getMin());
    assertEquals(3.0, w.getMax());
    assertEquals(t(10).toEpochMilli(), w.getFirstMs());
    assertEquals(1.0, w.getFirst());
    assertEquals(t(30).toEpochMilli(), w.getLastMs());
    assertEquals(2.0, w.getLast());
    assertEquals(3.0, w.getCorrection(), "3 then 2 is a reset: 3 is the correction");
    assertEquals(1, w.getResets());
    assertEquals(2, w.getChanges());
    assertTrue(w.getExact());
    assertEquals(0.0, w.getCounter(), "legacy field, unused");
    RollupBatch b = h.decodeRollup(records.get(0).value());
    assertEquals(Samples.TENANT, b.getTenant());
    assertEquals("1m", b.getResolution());
    assertEquals(60_000L, b.getResolutionMs());
    assertEquals(4.0, h.counter("strata_streams_samples"));
  }

  @Test
  void aWindowIsFinalOnlyOnceItsSeriesIsAnOutOfOrderWindowPastItsEnd() {
    h.send(batch(gauge("temperature").at(t(10), 20)));
    h.send(batch(gauge("temperature").at(t(CLOSES_FIRST_MINUTE).minusMillis(1), 21)));
    assertTrue(h.rollups("1m").isEmpty(), "a sample at T0+59s would still be accepted");
    h.send(batch(gauge("temperature").at(t(CLOSES_FIRST_MINUTE), 22)));
    assertEquals(1, window(h.rollups("1m"), gauge("temperature").labelSet(), T0).getCount());
  }

  @Test
  void otherSeriesOnThePartitionNeverCloseASeriesWindows() {
    var slow = gauge("slow");
    h.send(batch(slow.at(t(10), 1)));
    h.send(batch(gauge("fast").at(t(10), 1), gauge("fast2").at(t(3 * 3600), 1)));
    h.send(batch(gauge("fast").at(t(3 * 3600), 2)));
    h.collect();
    assertTrue(h.emitted.keySet().stream().noneMatch(w -> w.series().labels().equals(slow.labelSet())),
        "3 h of other series' progress does not close the slow series' minute");
    assertTrue(h.emitted.keySet().stream().anyMatch(w -> w.series().labels().equals(gauge("fast").labelSet())));
    h.send(batch(gauge("slow").at(t(40), 2)));
    h.send(batch(gauge("slow").at(t(CLOSES_FIRST_MINUTE), 3)));
    assertEquals(2, window(h.rollups("1m"), slow.labelSet(), T0).getCount(), "its late sample is in");
    assertEquals(0.0, h.counter("strata_streams_dropped_samples", "reason", "too_old"));
  }

  @Test
  void aSampleInsideTheOutOfOrderWindowLandsInAWindowAlreadyHoldingLaterSamples() {
    var c = counter("c");
    h.send(batch(counter("c").at(t(30), 1).at(t(50), 3)));
    h.send(batch(counter("c").at(t(200), 4)));
    h.send(batch(counter("c").at(t(40), 9))); // 160 s behind the series' newest sample: inside the 10m window
    h.send(batch(counter("c").at(t(CLOSES_FIRST_MINUTE), 5)));
    RollupWindow w = window(h.rollups("1m"), c.labelSet(), T0);
    assertEquals(3, w.getCount());
    assertEquals(13.0, w.getSum());
    assertEquals(3.0, w.getLast(), "1, 9, 3 in timestamp order");
    assertEquals(9.0, w.getCorrection(), "9 then 3 is a reset");
    assertEquals(2, w.getChanges());
  }

  @Test
  void aSampleOlderThanTheOutOfOrderWindowIsDroppedAsTooOld() {
    var g = gauge("g");
    h.send(batch(gauge("g").at(t(10), 1)));
    h.send(batch(gauge("g").at(t(700), 2))); // cutoff T0+100s
    h.send(batch(gauge("g").at(t(99), 7).at(t(100), 8)));
    assertEquals(1.0, h.counter("strata_streams_dropped_samples", "reason", "too_old"), "T0+99s < cutoff");
    h.send(batch(gauge("g").at(t(760), 3))); // cutoff T0+160s: [T0+60s, T0+120s) is final too
    List<RollupBatch> out = h.rollups("1m");
    assertEquals(1, window(out, g.labelSet(), T0).getCount());
    assertEquals(8.0, window(out, g.labelSet(), t(60)).getSum(), "T0+100s was inside the window");
  }

  @Test
  void staleMarkersAreNotSamplesButMoveTheSeriesAsInTheTsdb() {
    var g = gauge("up").labels("job", "node");
    h.send(batch(g.at(t(10), 1).staleAt(t(20)).at(t(30), 2)));
    h.send(batch(gauge("up").labels("job", "node").staleAt(t(CLOSES_FIRST_MINUTE))));

    RollupWindow w = window(h.rollups("1m"), g.labelSet(), T0);
    assertEquals(2, w.getCount(), "a stale marker at the window's cutoff made it final");
    assertEquals(3.0, w.getSum());
    assertEquals(1.0, w.getMin());
    assertEquals(2.0, w.getLast());
    assertEquals(1, w.getChanges(), "1 -> 2: the stale marker between them is not a sample");
    assertEquals(2.0, h.counter("strata_streams_stale_markers"));
  }

  @Test
  void aWindowOfOnlyStaleMarkersIsNotEmitted() {
    var g = gauge("up").labels("job", "gone");
    h.send(batch(g.staleAt(t(10))));
    h.send(batch(gauge("up").labels("job", "gone").at(t(CLOSES_FIRST_MINUTE + 60), 1)));
    h.collect();
    assertEquals(List.of(), List.copyOf(h.emitted.keySet()));
  }

  @Test
  void aResentBatchIsADuplicateAndAnotherValueAtAStoredTimestampIsAConflict() {
    var c = counter("jobs_total");
    var b = batch(c.at(t(10), 1).at(t(20), 2));
    h.send(b);
    h.send(b); // a producer retry of the same batch
    h.send(batch(counter("jobs_total").at(t(20), 5).at(t(10), Double.NaN)));
    h.send(batch(counter("jobs_total").at(t(CLOSES_FIRST_MINUTE), 3)));
    h.send(b); // re-sent once its window was emitted: too old now

    RollupWindow w = window(h.rollups("1m"), c.labelSet(), T0);
    assertEquals(2, w.getCount());
    assertEquals(3.0, w.getSum(), "the first values stay");
    assertEquals(2.0, h.counter("strata_streams_dropped_samples", "reason", "duplicate"));
    assertEquals(2.0, h.counter("strata_streams_dropped_samples", "reason", "conflicting_value"));
    assertEquals(2.0, h.counter("strata_streams_dropped_samples", "reason", "too_old"));
  }

  @Test
  void finalMinutesCascadeIntoFiveMinutesWithTheCounterCorrectionAcrossMinutes() {
    var c = counter("bytes_total").labels("dev", "eth0");
    // one sample every 30 s over [T0, T0+5m): a reset from 6 (T0+150s, minute 2) to 1 (T0+180s, minute 3)
    double[] values = {1, 2, 3, 4, 5, 6, 1, 2, 3, 4};
    for (int i = 0; i < values.length; i++) {
      h.send(batch(counter("bytes_total").labels("dev", "eth0").at(t(30L * i), values[i])));
    }
    h.send(batch(counter("bytes_total").labels("dev", "eth0").at(t(899), 5)));
    assertEquals(4, h.rollups("1m").stream().mapToLong(b -> countWindows(b, c.labelSet())).sum(),
        "minutes 0-3 final, minute 4 ends at T0+5m > T0+899s-10m");
    assertTrue(h.rollups("5m").isEmpty());

    h.send(batch(counter("bytes_total").labels("dev", "eth0").at(t(900), 5)));
    assertEquals(1, h.rollups("1m").stream().mapToLong(b -> countWindows(b, c.labelSet())).sum());
    RollupWindow w = window(h.rollups("5m"), c.labelSet(), T0);
    assertEquals(10, w.getCount());
    assertEquals(31.0, w.getSum());
    assertEquals(1.0, w.getMin());
    assertEquals(6.0, w.getMax());
    assertEquals(1.0, w.getFirst());
    assertEquals(4.0, w.getLast());
    assertEquals(6.0, w.getCorrection(), "the reset between two minutes");
    assertEquals(1, w.getResets());
    assertEquals(9, w.getChanges());
    assertEquals(t(270).toEpochMilli(), w.getLastMs());
    assertTrue(h.rollups("1h").isEmpty(), "the hour is still open");
  }

  @Test
  void fiveMinuteWindowsCascadeIntoTheHour() {
    var g = gauge("load");
    for (int m = 0; m < 60; m += 5) {
      h.send(batch(gauge("load").at(t(60L * m + 1), m)));
    }
    h.send(batch(gauge("load").at(t(3600 + 600), 0)));
    RollupWindow hour = window(h.rollups("1h"), g.labelSet(), T0);
    assertEquals(12, hour.getCount());
    assertEquals(0.0, hour.getMin());
    assertEquals(55.0, hour.getMax());
    assertEquals(55.0, hour.getLast());
    assertEquals(11, hour.getChanges());
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
    h.send(batch(gauge("requests_in_flight").at(t(CLOSES_FIRST_MINUTE), 0)));

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

  /** A series with labels exactly as given (order, duplicates, empty values kept) and one sample at t(10). */
  static Series rawSeries(String... pairs) {
    List<Label> labels = new ArrayList<>();
    for (int i = 0; i < pairs.length; i += 2) {
      labels.add(new Label(pairs[i], pairs[i + 1]));
    }
    return new Series(labels, new ArrayList<>(List.of(new Sample(t(10).toEpochMilli(), 1.0))));
  }

  /**
   * Sends a batch holding a good series and the bad one, then closes the first minute: the whole record is
   * dead-lettered with the reason and counted, nothing of it (not even the good series) is rolled up.
   */
  private void assertRefusedWhole(Series bad, String reason) {
    var good = gauge("good_one");
    SampleBatch b = batch(good.at(t(10), 1));
    b.getSeries().add(bad);
    byte[] value = h.encode(b);
    h.sendRaw("key".getBytes(StandardCharsets.UTF_8), value);
    h.send(batch(gauge("good_one").at(t(CLOSES_FIRST_MINUTE), 2)));
    List<RollupBatch> minute = h.rollups("1m");
    assertTrue(minute.stream().noneMatch(x -> countWindows(x, good.labelSet()) > 0), "nothing of the refused record is rolled up");
    List<TestRecord<byte[], byte[]>> dlq = h.deadletters();
    assertEquals(1, dlq.size());
    assertArrayEquals(value, dlq.get(0).value(), "original bytes kept");
    assertEquals(reason, header(dlq.get(0), Topics.DLQ_REASON_HEADER));
    assertEquals("streams", header(dlq.get(0), Topics.DLQ_STAGE_HEADER));
    assertEquals(RollupTopology.samplesTopic(h.cfg), header(dlq.get(0), Topics.DLQ_TOPIC_HEADER));
    assertEquals("0", header(dlq.get(0), Topics.DLQ_PARTITION_HEADER));
    assertEquals("0", header(dlq.get(0), Topics.DLQ_OFFSET_HEADER));
    assertEquals(Long.toString(T0.toEpochMilli()), header(dlq.get(0), Topics.DLQ_TIMESTAMP_HEADER));
    assertEquals(1.0, h.counter("strata_streams_deadletter", "reason", reason));
  }

  @Test
  void labelNameWithADashIsDeadLettered() {
    assertRefusedWhole(rawSeries("__name__", "up", "bad-name", "x"), "INVALID_LABEL_NAME");
  }

  @Test
  void labelNameStartingWithADigitIsDeadLettered() {
    assertRefusedWhole(rawSeries("0digit", "x", "__name__", "up"), "INVALID_LABEL_NAME");
  }

  @Test
  void dottedMetricNameIsDeadLettered() {
    assertRefusedWhole(rawSeries("__name__", "http.requests.total"), "INVALID_METRIC_NAME");
  }

  @Test
  void duplicatedLabelIsDeadLettered() {
    assertRefusedWhole(rawSeries("__name__", "up", "job", "a", "job", "b"), "DUPLICATE_LABEL");
  }

  @Test
  void emptyLabelValueIsDeadLettered() {
    assertRefusedWhole(rawSeries("__name__", "up", "job", ""), "EMPTY_LABEL_VALUE");
  }

  @Test
  void seriesWithoutMetricNameIsDeadLettered() {
    assertRefusedWhole(rawSeries("job", "a"), "MISSING_METRIC_NAME");
  }

  @Test
  void seriesOnTheWrongPartitionIsDeadLetteredAndItsRightfulSamplesStayExact() {
    h.partitions = 4;
    // a series of partition 0 (where the driver reads) and one of another partition, same metric
    var here = seriesOn(0, true);
    var elsewhere = seriesOn(0, false);
    h.send(batch(copy(here).at(t(10), 1).at(t(20), 2).at(t(30), 3)));
    // samples 4..6 of a series that belongs elsewhere, arriving here: refused whole
    h.send(batch(copy(elsewhere).at(t(40), 4).at(t(45), 5).at(t(50), 6)));
    h.send(batch(copy(here).at(t(CLOSES_FIRST_MINUTE), 7)));
    RollupWindow w = window(h.rollups("1m"), here.labelSet(), T0);
    assertEquals(3, w.getCount(), "samples 1..3 only");
    List<TestRecord<byte[], byte[]>> dlq = h.deadletters();
    assertEquals(1, dlq.size());
    assertEquals("WRONG_PARTITION", header(dlq.get(0), Topics.DLQ_REASON_HEADER));
    assertTrue(header(dlq.get(0), Topics.DLQ_MESSAGE_HEADER).contains("of 4, read from partition 0"), header(dlq.get(0), Topics.DLQ_MESSAGE_HEADER));
    assertEquals(1.0, h.counter("strata_streams_deadletter", "reason", "WRONG_PARTITION"));
  }

  /** A series {@code wrong_partition_probe{i="..."}} whose partition of 4 is (or is not) {@code partition}. */
  private static Samples.SeriesBuilder seriesOn(int partition, boolean on) {
    for (int i = 0; ; i++) {
      var s = gauge("wrong_partition_probe").labels("i", Integer.toString(i));
      if ((SeriesPartitioner.partition(Samples.TENANT, s.labelSet(), 4) == partition) == on) {
        return s;
      }
    }
  }

  private static Samples.SeriesBuilder copy(Samples.SeriesBuilder s) {
    return gauge("wrong_partition_probe").labels("i", s.labelSet().get("i"));
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
  void theWindowsOneInputBatchClosesGoOutAsOneBatchPerResolutionEachSeriesInStartOrder() {
    h.send(batch("team-b", gauge("g").at(t(10), 1).at(t(70), 1).at(t(130), 1), gauge("h").at(t(11), 3)));
    h.send(batch("team-b", gauge("g").at(t(13 * 60), 2), gauge("h").at(t(13 * 60), 4)));
    List<RollupBatch> out = h.rollups("1m");
    assertEquals(1, out.size());
    assertEquals("team-b", out.get(0).getTenant());
    assertEquals(2, out.get(0).getSeries().size());
    List<Long> starts = out.get(0).getSeries().get(0).getWindows().stream().map(RollupWindow::getWindowStartMs).toList();
    assertEquals(List.of(T0.toEpochMilli(), t(60).toEpochMilli(), t(120).toEpochMilli()), starts);
    assertEquals(1.0, h.counter("strata_streams_batches_emitted", "resolution", "1m"));
    assertEquals(4.0, h.counter("strata_streams_windows_emitted", "resolution", "1m"));
  }

  @Test
  void theStateOfASeriesHoldsOnlyTheSamplesOfItsOpenWindows() {
    for (int i = 0; i < 20; i++) {
      h.send(batch(counter("c").labels("i", Integer.toString(i)).at(t(10), i).at(t(20), i)));
    }
    assertEquals(List.of(2), sizes(), "two samples of each series' open minute");
    for (int i = 0; i < 20; i++) {
      h.send(batch(counter("c").labels("i", Integer.toString(i)).at(t(3600 + 600), i)));
    }
    assertEquals(20, h.rollups("1h").stream().mapToInt(b -> b.getSeries().size()).sum(), "minute, 5m and hour closed");
    assertEquals(List.of(1), sizes(), "only the newest sample's window is open; one entry per series");
    assertEquals(20, h.storeSize(RollupTopology.SERIES_STORE));
  }

  /** The distinct number of samples held per series in the store. */
  private List<Integer> sizes() {
    KeyValueStore<Bytes, byte[]> store = ((io.strata.streams.rollup.SeriesStateStore) h.driver.getStateStore(RollupTopology.SERIES_STORE)).persisted();
    java.util.Set<Integer> sizes = new java.util.TreeSet<>();
    try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> kv = it.next();
        sizes.add(new SeriesState(new long[] {300_000, 3_600_000}).decode(kv.value).size());
      }
    }
    return List.copyOf(sizes);
  }

  @Test
  void largeFlushesAreSplitIntoBatchesOfAtMostMaxSeries() {
    h.close();
    h = new RollupHarness(RollupHarness.testConfig(stateDir).withMaxSeriesPerBatch(7));
    List<Samples.SeriesBuilder> first = new ArrayList<>();
    List<Samples.SeriesBuilder> later = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      first.add(gauge("g").labels("i", Integer.toString(i)).at(t(10), i));
      later.add(gauge("g").labels("i", Integer.toString(i)).at(t(CLOSES_FIRST_MINUTE), i));
    }
    h.send(batch(first.toArray(new Samples.SeriesBuilder[0])));
    h.send(batch(later.toArray(new Samples.SeriesBuilder[0])));
    List<RollupBatch> out = h.rollups("1m");
    assertEquals(List.of(7, 7, 6), out.stream().map(b -> b.getSeries().size()).toList());
  }

  @Test
  void resolutionsAndTheOutOfOrderWindowAreConfigurable() {
    h.close();
    h = new RollupHarness(RollupHarness.testConfig(stateDir)
        .withResolutions(List.of(Resolution.parse("r", "10s"), Resolution.parse("r", "30s")))
        .withOutOfOrderWindow(Duration.ZERO));
    var g = gauge("g");
    h.send(batch(g.at(t(1), 1).at(t(11), 2).at(t(21), 3)));
    h.send(batch(gauge("g").at(t(30), 0)));
    assertEquals(3, h.rollups("10s").stream().mapToLong(b -> countWindows(b, g.labelSet())).sum());
    assertEquals(3, window(h.rollups("30s"), g.labelSet(), T0).getCount());
    h.send(batch(gauge("g").at(t(29), 0)));
    assertEquals(1.0, h.counter("strata_streams_dropped_samples", "reason", "too_old"), "window 0: older than the newest is too old");
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
