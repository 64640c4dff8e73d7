package io.strata.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.ingest.kafka.SeriesSamples;
import io.strata.schemas.Topics;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 19's "how to know it is right", on a real `strata up` child process: rollups are complete under
 * real senders and the query API's answers from them equal the answers from raw samples.
 *
 * <ol>
 *   <li>Four concurrent remote_write senders push 200 node_exporter-like series (counters with resets,
 *       gauges, a classic histogram, a host that goes away with stale markers) × 2 h 15 m at 15 s ending now,
 *       as time-sliced requests of 2,000 samples, sender j taking every 4th slice; a sender starts a slice
 *       once every slice four back is acknowledged, so slices run up to three ahead of each other (what
 *       Prometheus's shards do) while every sample stays inside the TSDB's 10 m out-of-order window. Then a
 *       current sample per series every 5 s for 40 s.</li>
 *   <li>The same fleet for another tenant from one sender in time order; `strata up` is killed with SIGKILL
 *       once 30% of the requests were acknowledged, restarted on the same data directory, and the sender
 *       re-sends everything.</li>
 * </ol>
 * After each: the rollup topics hold every final window exactly once with the contents the sent samples
 * give, raw holds every sample exactly once, and {@code query_range} over raw equals the same query with
 * {@code max_source_resolution} 1m, 5m, 1h and auto (relative 1e-9, same series and timestamps) for the
 * functions the query side answers from rollups, at aligned and unaligned starts, steps 60/300/420/3600 s
 * and ranges 5m/1h/90m. The two share one process (and its start-up time) with other classes ({@link SharedStrata}:
 * the second test's restart leaves it running for them); the crash test runs second. The first test's series are
 * the default tenant's {@code job="node"}, so what other classes write does not count.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(SharedStrata.class)
class RollupsConcurrentSendersIT {
  /** The TSDB's out-of-order window: a window is final once its series' newest sample is this far past its end. */
  static final long OUT_OF_ORDER_MS = 600_000;
  static final int READY_SECONDS = SharedStrata.READY_SECONDS;
  static final int SLICE_SCRAPES = 10; // 200 series × 10 scrapes = 2,000 samples per request
  static final List<String> FUNCTIONS = List.of(
      "rate(node_network_receive_bytes_total[RANGE])",
      "increase(node_cpu_seconds_total[RANGE])",
      "delta(node_memory_MemAvailable_bytes[RANGE])",
      "count_over_time(node_load1[RANGE])",
      "sum_over_time(node_load1[RANGE])",
      "avg_over_time(node_memory_MemAvailable_bytes[RANGE])",
      "min_over_time(node_filesystem_avail_bytes[RANGE])",
      "max_over_time(node_load5[RANGE])",
      "last_over_time(node_load1[RANGE])",
      "changes(node_memory_MemAvailable_bytes[RANGE])",
      "resets(node_cpu_seconds_total[RANGE])",
      "histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[RANGE])))");
  static final List<String> RANGES = List.of("5m", "1h", "90m");
  static final List<Long> STEPS = List.of(60_000L, 300_000L, 420_000L, 3_600_000L);

  static StrataProcess p;
  /** The first test's fleet (default tenant), re-checked after the crash test's restart. */
  static NodeFleet concurrentFleet;

  @BeforeAll
  static void start(StrataProcess shared) {
    p = shared;
  }

  @Test
  @Order(1)
  void fourConcurrentSendersThenRollupsEqualRaw() throws Exception {
    RollupParity check = new RollupParity(p, null);
    // the stack is shared (SharedStrata): another class may have sent conflicting or too-old samples on purpose
    // (StoreRefusalsIT); only what the rollup stage drops from now on is this test's
    double droppedBefore = droppedOtherThan(check, Set.of("duplicate"));
    NodeFleet fleet = new NodeFleet(8, 540, 10, System.currentTimeMillis());
    int slices = (fleet.backfill + SLICE_SCRAPES - 1) / SLICE_SCRAPES;
    long t0 = System.nanoTime();
    AtomicInteger retries = new AtomicInteger();
    boolean[] acked = new boolean[slices];
    Object lock = new Object();
    ExecutorService senders = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int j = 0; j < 4; j++) {
        int sender = j;
        done.add(senders.submit(() -> {
          for (int k = sender; k < slices; k += 4) {
            synchronized (lock) {
              while (!ackedUpTo(acked, k - 4)) {
                lock.wait();
              }
            }
            send(check, fleet.slice(k * SLICE_SCRAPES, (k + 1) * SLICE_SCRAPES), "slice " + k, retries);
            synchronized (lock) {
              acked[k] = true;
              lock.notifyAll();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      senders.shutdownNow();
    }
    System.out.printf("4 senders pushed %d slices (%d samples of %d series, %s .. %s) in %.1f s, %d retries%n", slices, fleet.sampleCount(),
        fleet.seriesCount(), java.time.Instant.ofEpochMilli(fleet.firstMs), java.time.Instant.ofEpochMilli(fleet.newestMs()),
        (System.nanoTime() - t0) / 1e9, retries.get());

    // the newest sample of each series moves on, as a live sender's does
    for (int i = 0; i < 8; i++) {
      Thread.sleep(5_000);
      send(check, fleet.appendLive(System.currentTimeMillis()), "live push " + i, retries);
    }
    concurrentFleet = fleet;
    awaitCaughtUp(check, p);
    verifyEverything(check, fleet, "4 concurrent senders", false, 0, droppedBefore);
  }

  @Test
  @Order(2)
  void killDuringPushRestartAndResendEverything() throws Exception {
    RollupParity check = new RollupParity(p, "crash");
    NodeFleet fleet = new NodeFleet(4, 540, 0, System.currentTimeMillis());
    int sliceScrapes = 20; // 100 series × 20 scrapes = 2,000 samples per request
    int slices = (fleet.backfill + sliceScrapes - 1) / sliceScrapes;
    AtomicInteger ackedCount = new AtomicInteger();
    Thread sender = new Thread(() -> {
      try {
        for (int k = 0; k < slices; k++) {
          if (check.remoteWrite(fleet.slice(k * sliceScrapes, (k + 1) * sliceScrapes)) / 100 == 2) {
            ackedCount.incrementAndGet();
          }
          Thread.sleep(200);
        }
      } catch (Exception e) {
        // the process is gone: what is not acknowledged will be re-sent
      }
    }, "crash-sender");
    sender.start();
    long t0 = System.nanoTime();
    while (ackedCount.get() < slices * 3 / 10) {
      assertTrue(System.nanoTime() - t0 < 60_000_000_000L, "30% of the requests acknowledged within 60 s:\n" + RollupParity.tail(p));
      assertTrue(sender.isAlive(), "the sender stopped early:\n" + RollupParity.tail(p));
      Thread.sleep(5);
    }
    p.kill();
    sender.join(30_000);
    long acknowledgedSamples = 0;
    for (int k = 0; k < ackedCount.get(); k++) {
      acknowledgedSamples += fleet.slice(k * sliceScrapes, (k + 1) * sliceScrapes).stream().mapToLong(SeriesSamples::count).sum();
    }
    System.out.printf("kill -9 after %d of %d requests acknowledged (%.1f s into the push)%n", ackedCount.get(), slices, (System.nanoTime() - t0) / 1e9);

    System.out.println("restart after kill -9 ready in " + p.start(READY_SECONDS) + " ms");
    AtomicInteger retries = new AtomicInteger();
    for (int k = 0; k < slices; k++) {
      send(check, fleet.slice(k * sliceScrapes, (k + 1) * sliceScrapes), "re-send of slice " + k, retries);
    }
    System.out.println("re-sent all " + slices + " requests (" + fleet.sampleCount() + " samples), " + retries.get() + " retries");
    awaitCaughtUp(check, p);
    verifyEverything(check, fleet, "kill -9 and re-send", true, acknowledgedSamples, 0); // a restarted process counts from 0

    if (concurrentFleet != null) {
      // the crash neither lost nor repeated the first test's windows
      RollupParity first = new RollupParity(p, null);
      int windows = first.verifyTopicWindows(concurrentFleet, OUT_OF_ORDER_MS);
      first.assertNoFailures("the first test's rollup windows after the kill -9 and restart (" + windows + " windows)");
    }
  }

  private static boolean ackedUpTo(boolean[] acked, int last) {
    for (int i = 0; i <= last; i++) {
      if (!acked[i]) {
        return false;
      }
    }
    return true;
  }

  /** Sends until acknowledged: a 5xx, a 429 or a refused connection is retried (as Prometheus does), anything else fails. */
  static void send(RollupParity check, List<SeriesSamples> request, String what, AtomicInteger retries) throws Exception {
    long t0 = System.nanoTime();
    String last = null;
    while (System.nanoTime() - t0 < 60_000_000_000L) {
      try {
        int code = check.remoteWrite(request);
        if (code == 204 || code == 200) {
          return;
        }
        assertTrue(code >= 500 || code == 429, what + ": remote_write answered " + code);
        last = "HTTP " + code;
      } catch (java.io.IOException e) {
        last = e.toString();
      }
      retries.incrementAndGet();
      Thread.sleep(200);
    }
    throw new AssertionError(what + " not acknowledged within 60 s, last: " + last);
  }

  /**
   * Waits until the rollup stage has committed every sample record on the samples topic now, and then the
   * TSDB sink every samples and rollup record there is at that point (including the windows those samples
   * made final), so every final window of what was sent is in the store. Later records (strata's
   * self-scrape, a live sender) do not hold the wait up.
   */
  static void awaitCaughtUp(RollupParity check, StrataProcess p) throws Exception {
    var samples = check.endOffsets(List.of(Topics.SAMPLES));
    RollupParity.await("rollup stage caught up with metrics.samples", Duration.ofSeconds(120), p, () -> {
      long n = check.behind("strata-rollup", samples);
      return n == 0 ? null : "rollup stage " + n + " records behind; " + check.metricSummary("strata_streams_");
    });
    List<String> topics = new ArrayList<>(List.of(Topics.SAMPLES));
    RollupParity.RESOLUTIONS.forEach(r -> topics.add(Topics.ROLLUP_PREFIX + r));
    var all = check.endOffsets(topics);
    RollupParity.await("TSDB sink caught up with metrics.samples and the rollup topics", Duration.ofSeconds(120), p, () -> {
      long n = check.behind("connect-", all);
      return n == 0 ? null : "TSDB sink " + n + " records behind";
    });
  }

  /** Raw holds every sample once, the rollup topics every final window once, and rollup answers equal raw. */
  /** Samples the rollup stage dropped for a reason outside {@code allowed}, or counted late. */
  static double droppedOtherThan(RollupParity check, Set<String> allowed) throws Exception {
    return check.metric("strata_streams_dropped_samples_total", l -> allowed.stream().noneMatch(r -> l.contains("reason=\"" + r + "\"")))
        + check.metric("strata_streams_late_samples_total", l -> true);
  }

  static void verifyEverything(RollupParity check, NodeFleet fleet, String what, boolean resent, long resentAcknowledged, double droppedBefore)
      throws Exception {
    long newest = fleet.newestMs();
    // raw: count_over_time per metric name equals the samples sent (stale markers are not samples)
    Map<String, Long> sent = new LinkedHashMap<>();
    for (int s = 0; s < fleet.seriesCount(); s++) {
      sent.merge(fleet.labels.get(s).metricName(), fleet.sampleCount(s), Long::sum);
    }
    for (var e : sent.entrySet()) {
      Map<String, Double> got = check.query("sum(count_over_time(" + e.getKey() + "{job=\"node\"}[3h]))", newest, "raw");
      double n = got.values().stream().mapToDouble(Double::doubleValue).sum();
      assertEquals(e.getValue(), (long) n, what + ": raw count_over_time of " + e.getKey() + " vs samples sent\n" + RollupParity.tail(p));
    }
    System.out.println(what + ": raw holds all " + fleet.sampleCount() + " samples sent");

    // every check below adds to one list of failures, reported together at the end
    int windows = check.verifyTopicWindows(fleet, OUT_OF_ORDER_MS);
    System.out.println(what + ": " + windows + " rollup windows of the test's series on the rollup topics, "
        + check.failures.size() + " failure lines");

    // the rollup stage drops what the TSDB rejects (streams/README.md, reason too_old, duplicate,
    // conflicting_value): concurrent senders inside the out-of-order window make it drop nothing but
    // duplicates (retries); a full re-send also makes samples older than the window too_old
    Set<String> allowed = resent ? Set.of("duplicate", "too_old") : Set.of("duplicate");
    double dropped = droppedOtherThan(check, allowed) - droppedBefore;
    System.out.println(what + ": rollup stage metrics: " + check.metricSummary("strata_streams_"));
    if (dropped != 0) {
      check.failures.add(what + ": the rollup stage dropped " + dropped + " samples for another reason than " + allowed + ": "
          + check.metricSummary("strata_streams_"));
      check.summary.add("rollup stage dropped " + dropped + " samples for another reason than " + allowed);
    }
    if (resent) {
      double duplicates = check.metric("strata_streams_dropped_samples_total", l -> l.contains("reason=\"duplicate\"") || l.contains("reason=\"too_old\""));
      if (duplicates < resentAcknowledged) {
        check.failures.add(what + ": the restarted rollup stage dropped " + duplicates + " samples as duplicate or too_old, fewer than the "
            + resentAcknowledged + " acknowledged before the kill and sent again");
        check.summary.add("re-sent samples not recognised: " + duplicates + " duplicate/too_old < " + resentAcknowledged + " re-sent");
      }
    }

    long t0 = System.nanoTime();
    check.compareMatrix(FUNCTIONS, RANGES, STEPS, fleet.firstMs, newest + 120_000);
    System.out.printf("%s: %d rollup queries compared with raw (%d points) in %.0f s%n", what, check.comparedQueries, check.comparedPoints,
        (System.nanoTime() - t0) / 1e9);
    check.assertNoFailures(what + ": rollup topics and rollup answers vs the samples sent and raw answers");
  }
}
