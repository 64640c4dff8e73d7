package io.strata.app;

import io.strata.ingest.kafka.SeriesSamples;
import io.strata.schemas.model.Labels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A deterministic fleet of node_exporter-like hosts scraped every 15 s: per host 25 series (8 CPU-seconds
 * counters, 4 network byte counters, an error counter that rarely moves, 4 gauges of which some repeat their
 * value between scrapes, and a classic histogram with 6 {@code le} buckets plus {@code _sum} and
 * {@code _count}). Host 2 reboots at scrape 200 and host 5 at scrape 401 (every counter restarts near 0),
 * host 3's {@code lo} byte counter resets alone at scrape 333, and the last host goes away at scrape
 * {@link #DEATH_SCRAPE} with a stale marker on each of its series, as Prometheus writes when a target
 * disappears. Scrape timestamps carry a per-host phase and a few milliseconds of jitter.
 *
 * <p>{@link #backfill} samples end just before the wall clock at construction; {@link #appendLive} adds one
 * current sample per live series. Everything sent is kept, so tests know every sample and window to expect.
 */
final class NodeFleet {
  static final long SCRAPE_MS = 15_000;
  static final int SERIES_PER_HOST = 25;
  static final int DEATH_SCRAPE = 450;
  /** Prometheus's stale marker: a NaN with this exact bit pattern. */
  static final double STALE = Double.longBitsToDouble(0x7ff0000000000002L);
  static final String JOB = "node";

  private static final String[] MODES = {"idle", "user", "system", "iowait"};
  private static final double[] MODE_SHARE = {0.80, 0.12, 0.06, 0.02};
  private static final String[] LE = {"0.05", "0.1", "0.25", "0.5", "1", "+Inf"};
  private static final double[] LE_BOUND = {0.05, 0.1, 0.25, 0.5, 1, Double.POSITIVE_INFINITY};

  final int hosts;
  final int backfill;
  final long firstMs;
  final List<Labels> labels = new ArrayList<>();
  /** Per series every sample sent or to send, stale markers included, in time order. */
  final long[][] ts;
  final double[][] vs;
  final int[] n;
  private final SplittableRandom[] rng;
  private final double[][] hostState; // current values of a host's 25 series
  private final int[] hostScrapes;

  /** {@code backfill} scrapes of every host ending a scrape interval before {@code nowMs}, room for {@code liveRoom} more. */
  NodeFleet(int hosts, int backfill, int liveRoom, long nowMs) {
    this.hosts = hosts;
    this.backfill = backfill;
    this.firstMs = (nowMs / SCRAPE_MS) * SCRAPE_MS - (long) backfill * SCRAPE_MS;
    int cap = backfill + liveRoom;
    int total = hosts * SERIES_PER_HOST;
    ts = new long[total][cap];
    vs = new double[total][cap];
    n = new int[total];
    rng = new SplittableRandom[hosts];
    hostState = new double[hosts][SERIES_PER_HOST];
    hostScrapes = new int[hosts];
    for (int h = 0; h < hosts; h++) {
      String instance = String.format("host-%02d:9100", h);
      for (int c = 0; c < 2; c++) {
        for (String mode : MODES) {
          labels.add(Labels.of("__name__", "node_cpu_seconds_total", "job", JOB, "instance", instance, "cpu", Integer.toString(c), "mode", mode));
        }
      }
      for (String dir : new String[] {"receive", "transmit"}) {
        for (String dev : new String[] {"eth0", "lo"}) {
          labels.add(Labels.of("__name__", "node_network_" + dir + "_bytes_total", "job", JOB, "instance", instance, "device", dev));
        }
      }
      labels.add(Labels.of("__name__", "node_network_receive_errs_total", "job", JOB, "instance", instance, "device", "eth0"));
      labels.add(Labels.of("__name__", "node_load1", "job", JOB, "instance", instance));
      labels.add(Labels.of("__name__", "node_load5", "job", JOB, "instance", instance));
      labels.add(Labels.of("__name__", "node_memory_MemAvailable_bytes", "job", JOB, "instance", instance));
      labels.add(Labels.of("__name__", "node_filesystem_avail_bytes", "job", JOB, "instance", instance, "mountpoint", "/"));
      for (String le : LE) {
        labels.add(Labels.of("__name__", "http_request_duration_seconds_bucket", "job", JOB, "instance", instance, "le", le));
      }
      labels.add(Labels.of("__name__", "http_request_duration_seconds_sum", "job", JOB, "instance", instance));
      labels.add(Labels.of("__name__", "http_request_duration_seconds_count", "job", JOB, "instance", instance));
      rng[h] = new SplittableRandom(1000 + h);
      boot(h, false);
    }
    for (int k = 0; k < backfill; k++) {
      for (int h = 0; h < hosts; h++) {
        if (alive(h, k)) {
          scrape(h, firstMs + k * SCRAPE_MS + phase(h) + jitter(h, k));
        }
      }
    }
  }

  /** Whether host h is still scraped at scrape k (the last host dies at {@link #DEATH_SCRAPE}). */
  private boolean alive(int h, int k) {
    return h != hosts - 1 || k <= DEATH_SCRAPE;
  }

  private static long phase(int h) {
    return (h * 1877L + 311) % SCRAPE_MS;
  }

  private static long jitter(int h, int k) {
    return (h * 7919L + k * 104_729L) % 41 - 20;
  }

  /** Resets a host's counters: a fresh host (long uptime: large values) or a reboot (near zero). */
  private void boot(int h, boolean reboot) {
    SplittableRandom r = rng[h];
    double[] s = hostState[h];
    for (int i = 0; i < 8; i++) {
      s[i] = reboot ? 0 : Math.round(r.nextDouble(1e4, 1e6) * MODE_SHARE[i % 4] * 100) / 100.0;
    }
    for (int i = 8; i < 12; i++) {
      s[i] = reboot ? 0 : Math.floor(r.nextDouble(1e9, 5e10));
    }
    s[12] = reboot ? 0 : 3;
    if (!reboot) {
      s[13] = 0.5;
      s[14] = 0.6;
      s[15] = 4096.0 * r.nextInt(500_000, 1_500_000);
      s[16] = 4096.0 * r.nextInt(5_000_000, 20_000_000);
    }
    for (int i = 17; i < 25; i++) {
      s[i] = 0;
    }
  }

  /** One scrape of host h at time t: every series of the host advances and gets a sample. */
  private void scrape(int h, long t) {
    int k = hostScrapes[h]++;
    SplittableRandom r = rng[h];
    double[] s = hostState[h];
    if ((h == 2 && k == 200) || (h == 5 && k == 401)) {
      boot(h, true);
    }
    if (h == 3 && k == 333) {
      s[9] = 0; // lo receive bytes reset alone
    }
    if (h == hosts - 1 && k == DEATH_SCRAPE) {
      for (int i = 0; i < SERIES_PER_HOST; i++) {
        add(h * SERIES_PER_HOST + i, t, STALE);
      }
      return;
    }
    for (int i = 0; i < 8; i++) {
      s[i] = Math.round((s[i] + 2 * 15 * MODE_SHARE[i % 4] * r.nextDouble(0.5, 1.5) / 2) * 100) / 100.0;
    }
    for (int i = 8; i < 12; i++) {
      s[i] += Math.floor(r.nextDouble(0, i % 2 == 0 ? 1.5e7 : 2e5));
    }
    if (r.nextInt(50) == 0) {
      s[12] += 1;
    }
    if (r.nextInt(10) < 7) { // load1 repeats its value 30% of the time
      s[13] = Math.max(0, Math.round((s[13] + r.nextDouble(-0.3, 0.3)) * 100) / 100.0);
    }
    s[14] = Math.round((s[14] * 0.9 + s[13] * 0.1) * 100) / 100.0;
    if (r.nextBoolean()) {
      s[15] += 4096.0 * r.nextInt(-2000, 2000);
    }
    if (r.nextInt(10) < 3) {
      s[16] -= 4096.0 * r.nextInt(1, 100);
    }
    int requests = r.nextInt(0, 60);
    for (int q = 0; q < requests; q++) {
      double d = Math.round(Math.exp(r.nextDouble(-5, 1)) * 1e6) / 1e6;
      for (int b = 0; b < LE.length; b++) {
        if (d <= LE_BOUND[b]) {
          s[17 + b] += 1;
        }
      }
      s[23] += d;
      s[24] += 1;
    }
    for (int i = 0; i < SERIES_PER_HOST; i++) {
      add(h * SERIES_PER_HOST + i, t, s[i]);
    }
  }

  private void add(int series, long t, double v) {
    ts[series][n[series]] = t;
    vs[series][n[series]] = v;
    n[series]++;
  }

  /** One sample more of every live series, at wall-clock time t; returns the request holding them. */
  List<SeriesSamples> appendLive(long t) {
    List<SeriesSamples> out = new ArrayList<>();
    for (int h = 0; h < hosts - 1; h++) {
      scrape(h, t + phase(h) % 1000);
      for (int i = 0; i < SERIES_PER_HOST; i++) {
        int s = h * SERIES_PER_HOST + i;
        out.add(new SeriesSamples(labels.get(s), new long[] {ts[s][n[s] - 1]}, new double[] {vs[s][n[s] - 1]}, 1));
      }
    }
    return out;
  }

  int seriesCount() {
    return labels.size();
  }

  /**
   * The backfill samples of scrapes [k0, k1) of every series (for the dead host up to its stale markers), as
   * one remote_write request's series.
   */
  List<SeriesSamples> slice(int k0, int k1) {
    List<SeriesSamples> out = new ArrayList<>();
    for (int s = 0; s < labels.size(); s++) {
      int from = Math.min(k0, backfillCount(s));
      int to = Math.min(k1, backfillCount(s));
      if (to > from) {
        out.add(new SeriesSamples(labels.get(s), Arrays.copyOfRange(ts[s], from, to), Arrays.copyOfRange(vs[s], from, to), to - from));
      }
    }
    return out;
  }

  /** Samples of series s that belong to the backfill (the dead host has fewer). */
  private int backfillCount(int s) {
    return s / SERIES_PER_HOST == hosts - 1 ? Math.min(backfill, DEATH_SCRAPE + 1) : backfill;
  }

  /** Samples (stale markers excluded) sent for series s so far, i.e. what the store must hold. */
  long sampleCount(int s) {
    long c = 0;
    for (int i = 0; i < n[s]; i++) {
      c += isStale(vs[s][i]) ? 0 : 1;
    }
    return c;
  }

  long sampleCount() {
    long c = 0;
    for (int s = 0; s < labels.size(); s++) {
      c += sampleCount(s);
    }
    return c;
  }

  /** Timestamp of the newest sample (not stale marker) of series s. */
  long newestSampleMs(int s) {
    for (int i = n[s] - 1; i >= 0; i--) {
      if (!isStale(vs[s][i])) {
        return ts[s][i];
      }
    }
    return Long.MIN_VALUE;
  }

  long newestMs() {
    long max = Long.MIN_VALUE;
    for (int s = 0; s < labels.size(); s++) {
      max = Math.max(max, ts[s][n[s] - 1]);
    }
    return max;
  }

  static boolean isStale(double v) {
    return Double.doubleToRawLongBits(v) == 0x7ff0000000000002L;
  }
}
