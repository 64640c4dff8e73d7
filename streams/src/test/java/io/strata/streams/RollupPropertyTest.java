package io.strata.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.StaleMarker;
import io.strata.streams.config.Resolution;
import io.strata.streams.config.RollupConfig;
import io.strata.streams.rollup.SeriesState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random series fed in random orders and interleavings through the real topology (all series on one
 * partition), compared after every input batch with {@link RollupOracle}: the windows emitted so far are
 * exactly the final windows with samples (none twice, none missing, none early), each with the oracle's
 * aggregates; the drop counters match the oracle's; the state holds only the samples of open windows.
 */
class RollupPropertyTest {
  @TempDir Path dir;

  /** One sample of one series, before batching. */
  record Point(int series, long t, double v) {}

  /** The shape of one run. */
  record Shape(List<Resolution> resolutions, Duration window, long stepMs, long spanMs) {}

  static final Shape MINUTES = new Shape(List.of(res("1m"), res("5m"), res("1h")), Duration.ofMinutes(10), 15_000, 150 * 60_000L);
  static final Shape SECONDS = new Shape(List.of(res("10s"), res("30s"), res("2m")), Duration.ofSeconds(45), 2_000, 12 * 60_000L);

  static Resolution res(String s) {
    return Resolution.parse("test", s);
  }

  static Stream<Integer> seeds() {
    return IntStream.range(0, 16).boxed();
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void randomArrivalsMatchTheOracle(int seed) {
    Random rnd = new Random(seed);
    Shape shape = seed % 3 == 2 ? MINUTES : SECONDS;
    int seriesCount = 2 + rnd.nextInt(6);
    List<List<Point>> series = new ArrayList<>();
    for (int i = 0; i < seriesCount; i++) {
      series.add(randomSeries(rnd, i, shape));
    }
    List<SampleBatch> arrivals = rnd.nextBoolean() ? shardedSenders(rnd, series, shape) : timeSlicedSenders(rnd, series, shape);
    run(seed, shape, arrivals).close();
  }

  /** The case: 4 remote_write senders, each sending time-sliced requests; per series in order, so nothing may drop. */
  @Test
  void fourConcurrentSendersWithTimeSlicedRequestsLoseNothing() {
    Random rnd = new Random(4);
    Shape shape = MINUTES;
    List<List<Point>> series = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      List<Point> s = new ArrayList<>();
      for (long t = 0; t < 90 * 60_000L; t += shape.stepMs()) {
        s.add(new Point(i, Samples.T0.toEpochMilli() + t, s.size()));
      }
      series.add(s);
    }
    // request k holds minute k of every series; sender k % 4 sends it; the senders run concurrently, each a
    // few requests ahead of or behind the others (well inside the 10m out-of-order window)
    List<SampleBatch> arrivals = new ArrayList<>();
    int minutes = 90;
    for (int group = 0; group < minutes; group += 4) {
      List<Integer> order = new ArrayList<>(List.of(0, 1, 2, 3));
      Collections.shuffle(order, rnd);
      for (int k : order) {
        int minute = group + k;
        if (minute < minutes) {
          arrivals.add(slice(series, Samples.T0.toEpochMilli() + minute * 60_000L, Samples.T0.toEpochMilli() + (minute + 1) * 60_000L, rnd, false));
        }
      }
    }
    RollupHarness h = run(-4, shape, arrivals);
    assertEquals(20 * 90 * 4, h.counter("strata_streams_samples"), "every sample aggregated");
    assertEquals(0.0, dropped(h), "nothing dropped");
    long minuteWindows = h.emitted.keySet().stream().filter(w -> w.resolution().equals("1m")).count();
    assertEquals(20 * 79, minuteWindows, "every minute ending 10 min before the newest sample (T0+89m45s) is final");
    h.close();
  }

  /**
   * Strata's self-scrape keeps other series on the partition at "now"; a backfill 3 h older is accepted in
   * full, and its windows close by its own progress.
   */
  @Test
  void aBackfillThreeHoursBehindOtherSeriesOnThePartitionIsRolledUpInFull() {
    Shape shape = MINUTES;
    long now = Samples.T0.toEpochMilli() + 3 * 3600_000L;
    List<Point> current = new ArrayList<>();
    List<Point> backfill = new ArrayList<>();
    for (long t = 0; t < 60 * 60_000L; t += 15_000) {
      backfill.add(new Point(1, Samples.T0.toEpochMilli() + t, t / 15_000 % 17));
    }
    for (long t = 0; t < 30 * 60_000L; t += 15_000) {
      current.add(new Point(0, now + t, t / 15_000));
    }
    List<List<Point>> series = List.of(current, backfill);
    List<SampleBatch> arrivals = new ArrayList<>();
    arrivals.add(slice(series, now, now + 15 * 60_000L, new Random(1), false));
    for (long from = 0; from < 60 * 60_000L; from += 5 * 60_000L) { // the backfill in 5-minute requests
      arrivals.add(slice(List.of(backfill), Samples.T0.toEpochMilli() + from, Samples.T0.toEpochMilli() + from + 5 * 60_000L, new Random(2), false));
      arrivals.add(slice(List.of(current), now + 15 * 60_000L + from / 4, now + 15 * 60_000L + from / 4 + 75_000, new Random(3), false));
    }
    RollupHarness h = run(-3, shape, arrivals);
    assertEquals(0.0, dropped(h), "nothing dropped");
    Labels backfilled = labels(1);
    assertEquals(49, h.emitted.keySet().stream().filter(w -> w.series().labels().equals(backfilled) && w.resolution().equals("1m")).count(),
        "the backfill's minutes ending 10 min before its newest sample (T0+59m45s)");
    assertEquals(9, h.emitted.keySet().stream().filter(w -> w.series().labels().equals(backfilled) && w.resolution().equals("5m")).count());
    assertTrue(h.emitted.keySet().stream().noneMatch(w -> w.series().labels().equals(backfilled) && w.resolution().equals("1h")),
        "its hour is not final: it could still receive samples");
    h.close();
  }

  private static double dropped(RollupHarness h) {
    return h.counter("strata_streams_dropped_samples", "reason", "too_old")
        + h.counter("strata_streams_dropped_samples", "reason", "duplicate")
        + h.counter("strata_streams_dropped_samples", "reason", "conflicting_value");
  }

  private RollupHarness run(int seed, Shape shape, List<SampleBatch> arrivals) {
    RollupConfig cfg = RollupHarness.testConfig(dir.resolve("run" + seed)).withResolutions(shape.resolutions())
        .withOutOfOrderWindow(shape.window()).withMaxSeriesPerBatch(3);
    // odd seeds with a cache of 1 byte: every series access evicts the others (written to the store if changed)
    RollupHarness h = new RollupHarness(cfg, Math.floorMod(seed, 2) == 1 ? 1 : RollupTopology.SERIES_CACHE_BYTES);
    try {
      RollupOracle oracle = new RollupOracle(shape.resolutions(), shape.window().toMillis());
      for (int i = 0; i < arrivals.size(); i++) {
        h.send(arrivals.get(i));
        oracle.offer(arrivals.get(i));
        h.assertMatchesAfter(arrivals.get(i), oracle, "seed " + seed + " after batch " + i + " of " + arrivals.size());
      }
      h.assertMatches(oracle, "seed " + seed + " at the end");
      assertEquals((double) oracle.accepted, h.counter("strata_streams_samples"), "seed " + seed);
      assertEquals((double) oracle.stale, h.counter("strata_streams_stale_markers"), "seed " + seed);
      for (RollupOracle.Reason r : RollupOracle.Reason.values()) {
        assertEquals((double) oracle.dropped.get(r), h.counter("strata_streams_dropped_samples", "reason", r.name()),
            "seed " + seed + " " + r);
      }
      assertStateHoldsOnlyOpenWindows(h, oracle, shape);
      return h;
    } catch (RuntimeException | AssertionError e) {
      h.close();
      throw e;
    }
  }

  /** Each series' state holds exactly its samples (stale markers included) of finest windows not yet final. */
  private static void assertStateHoldsOnlyOpenWindows(RollupHarness h, RollupOracle oracle, Shape shape) {
    long[] coarser = shape.resolutions().stream().skip(1).mapToLong(Resolution::millis).toArray();
    long finest = shape.resolutions().get(0).millis();
    KeyValueStore<Bytes, byte[]> store = ((io.strata.streams.rollup.SeriesStateStore) h.driver.getStateStore(RollupTopology.SERIES_STORE)).persisted();
    try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> kv = it.next();
        SeriesState s = new SeriesState(coarser).decode(kv.value);
        long cutoff = s.maxT() - shape.window().toMillis();
        assertTrue(s.size() > 0, "the newest sample's window is always open");
        for (int i = 0; i < s.size(); i++) {
          long t = s.timestamp(i);
          assertTrue(Math.floorDiv(t, finest) * finest + finest > cutoff, "a sample of a final window is still held");
        }
      }
    }
  }

  // ---- data

  static Labels labels(int i) {
    return Labels.of("__name__", "m", "i", Integer.toString(i));
  }

  /** A counter-like series with gaps, resets, runs of equal values, NaN and stale markers; some stop early. */
  static List<Point> randomSeries(Random rnd, int i, Shape shape) {
    List<Point> out = new ArrayList<>();
    long t = Samples.T0.toEpochMilli() + rnd.nextInt((int) shape.stepMs()) / 250 * 250;
    long end = Samples.T0.toEpochMilli() + (rnd.nextInt(4) == 0 ? shape.spanMs() / 2 + rnd.nextLong(shape.spanMs() / 2) : shape.spanMs());
    double cur = rnd.nextInt(5);
    while (t < end) {
      int r = rnd.nextInt(100);
      if (r < 8) {
        t += shape.stepMs() * (r == 0 ? 30 : 1 + rnd.nextInt(3)); // a gap, sometimes a long one
        continue;
      }
      double v;
      if (r < 11) {
        v = Double.NaN;
      } else if (r < 14) {
        v = StaleMarker.VALUE;
      } else {
        if (r < 18) {
          cur = rnd.nextInt(3); // a counter reset
        } else if (r < 60) {
          cur += rnd.nextInt(4);
        } // else: the same value again
        v = cur;
      }
      // a quarter of the samples 1 ms before the grid: windows then end exactly at the cutoff
      out.add(new Point(i, rnd.nextInt(4) == 0 && (out.isEmpty() || out.get(out.size() - 1).t() < t - 1) ? t - 1 : t, v));
      // on a 250 ms grid, so samples often sit exactly on window starts and on the out-of-order cutoff
      t += (shape.stepMs() / 2 + rnd.nextInt((int) shape.stepMs())) / 250 * 250;
    }
    return out;
  }

  /**
   * Remote_write shards: each sender owns some series and sends them in time order, in requests of random
   * length; the senders progress at different speeds (one may be far ahead of another).
   */
  static List<SampleBatch> shardedSenders(Random rnd, List<List<Point>> series, Shape shape) {
    int senders = 1 + rnd.nextInt(4);
    List<List<SampleBatch>> queues = new ArrayList<>();
    for (int s = 0; s < senders; s++) {
      List<List<Point>> owned = new ArrayList<>();
      for (int i = s; i < series.size(); i += senders) {
        owned.add(series.get(i));
      }
      List<SampleBatch> q = new ArrayList<>();
      long from = Samples.T0.toEpochMilli();
      while (from < Samples.T0.toEpochMilli() + shape.spanMs()) {
        long to = from + shape.stepMs() * (1 + rnd.nextInt(12));
        q.add(slice(owned, from, to, rnd, true));
        from = to;
      }
      queues.add(perturb(rnd, q, series, shape));
    }
    return interleave(rnd, queues);
  }

  /** Time slices of every series dealt round-robin to senders that each send their slices in order. */
  static List<SampleBatch> timeSlicedSenders(Random rnd, List<List<Point>> series, Shape shape) {
    int senders = 2 + rnd.nextInt(3);
    List<List<SampleBatch>> queues = new ArrayList<>();
    for (int s = 0; s < senders; s++) {
      queues.add(new ArrayList<>());
    }
    long from = Samples.T0.toEpochMilli();
    int k = 0;
    while (from < Samples.T0.toEpochMilli() + shape.spanMs()) {
      long to = from + shape.stepMs() * (1 + rnd.nextInt(8));
      queues.get(k++ % senders).add(slice(series, from, to, rnd, true));
      from = to;
    }
    List<List<SampleBatch>> perturbed = new ArrayList<>();
    for (List<SampleBatch> q : queues) {
      perturbed.add(perturb(rnd, q, series, shape));
    }
    return interleave(rnd, perturbed);
  }

  /** Re-sent requests (some with a changed value: conflicts), and stragglers: old samples at new timestamps. */
  static List<SampleBatch> perturb(Random rnd, List<SampleBatch> q, List<List<Point>> series, Shape shape) {
    List<SampleBatch> out = new ArrayList<>(q);
    for (SampleBatch b : q) {
      int r = rnd.nextInt(20);
      if (r < 2) { // a retry, a little later
        SampleBatch copy = r == 0 ? withChangedValue(rnd, b) : b;
        out.add(Math.min(out.size(), out.indexOf(b) + 1 + rnd.nextInt(6)), copy);
      } else if (r == 2) { // a straggler: samples shifted by 1 ms, arriving much later (accepted or too old)
        SampleBatch shifted = shift(b, 1);
        out.add(Math.min(out.size(), out.indexOf(b) + 1 + rnd.nextInt(40)), shifted);
      }
    }
    return out;
  }

  static SampleBatch withChangedValue(Random rnd, SampleBatch b) {
    List<Series> out = new ArrayList<>();
    for (Series s : b.getSeries()) {
      List<Sample> samples = new ArrayList<>();
      for (Sample x : s.getSamples()) {
        double v = x.getValue();
        if (rnd.nextInt(3) == 0) {
          v = rnd.nextBoolean() ? v + 1 : Double.isNaN(v) && !StaleMarker.isStale(v) ? StaleMarker.VALUE : Double.NaN;
        }
        samples.add(new Sample(x.getTimestampMs(), v));
      }
      out.add(new Series(s.getLabels(), samples));
    }
    return new SampleBatch(b.getTenant(), b.getSource(), out);
  }

  static SampleBatch shift(SampleBatch b, long ms) {
    List<Series> out = new ArrayList<>();
    for (Series s : b.getSeries()) {
      List<Sample> samples = new ArrayList<>();
      for (Sample x : s.getSamples()) {
        samples.add(new Sample(x.getTimestampMs() + ms, x.getValue()));
      }
      out.add(new Series(s.getLabels(), samples));
    }
    return new SampleBatch(b.getTenant(), b.getSource(), out);
  }

  /** Random interleaving of the senders' queues, each kept in its own order. */
  static List<SampleBatch> interleave(Random rnd, List<List<SampleBatch>> queues) {
    List<SampleBatch> out = new ArrayList<>();
    int[] next = new int[queues.size()];
    // per sender a speed: some senders run far ahead of others
    double[] speed = new double[queues.size()];
    for (int s = 0; s < speed.length; s++) {
      speed[s] = 0.4 + 0.6 * rnd.nextDouble();
    }
    while (true) {
      List<Integer> live = new ArrayList<>();
      for (int s = 0; s < queues.size(); s++) {
        if (next[s] < queues.get(s).size()) {
          live.add(s);
        }
      }
      if (live.isEmpty()) {
        return out;
      }
      int s = live.get(rnd.nextInt(live.size()));
      if (rnd.nextDouble() < speed[s] || live.size() == 1) {
        out.add(queues.get(s).get(next[s]++));
      }
    }
  }

  /** The samples in [from, to) of the given series as one batch; optionally shuffled within each series. */
  static SampleBatch slice(List<List<Point>> series, long from, long to, Random rnd, boolean shuffle) {
    List<Series> out = new ArrayList<>();
    for (List<Point> s : series) {
      List<Sample> samples = new ArrayList<>();
      int id = -1;
      for (Point p : s) {
        if (p.t() >= from && p.t() < to) {
          samples.add(new Sample(p.t(), p.v()));
          id = p.series();
        }
      }
      if (samples.isEmpty()) {
        continue;
      }
      if (shuffle && rnd.nextInt(5) == 0) {
        Collections.shuffle(samples, rnd); // out of order within the request
      }
      out.add(new Series(labels(id).toAvro(), samples));
    }
    return new SampleBatch(Samples.TENANT, "test", out);
  }
}
