package io.strata.tsdb.chunkenc;

import io.strata.tsdb.RollupPoint;
import io.strata.tsdb.format.ChunkRecord;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Prints rollup decode costs (ns per window, wall and thread CPU) and sizes (bytes per window) of the
 * interleaved (2) and columnar (4) encodings over node_exporter-like 5m rollups. Not part of the suite
 * (no *Test name) and asserts nothing; run it by name:
 * {@code mvn -o -q -pl tsdb test -Dtest=RollupDecodeHarness -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code -Drollup.rounds=N}, default 15). The JMH version is bench's RollupDecodeBenchmark.
 */
class RollupDecodeHarness {
  static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  static final long RES = 300_000;
  static final int SERIES = 100;
  /** Windows per series: 480 (40 h), as compaction writes them ({@code tsdb.compacted.chunk.samples}). */
  static final int WINDOWS = 480;
  static final String[] KINDS = {"cpu-seconds counter", "byte counter", "noise gauge", "memory gauge", "histogram bucket"};

  /** Series kinds in node_exporter-like proportions: 20% cpu, 20% bytes, 15% noise, 15% memory, 30% buckets. */
  static int kind(int series) {
    int slot = series % 100;
    return slot < 20 ? 0 : slot < 40 ? 1 : slot < 55 ? 2 : slot < 70 ? 3 : 4;
  }

  /** 5m windows of 20 raw samples at 15 s: count, sum, min, max, last, reset-adjusted counter. */
  static RollupPoint[] rollups(int series, int windows, SplittableRandom r) {
    int kind = kind(series);
    double v = switch (kind) {
      case 0 -> 1000 + series * 17.31;
      case 1 -> 1e9 + series;
      case 3 -> 8e9;
      default -> 0;
    };
    double prev = v;
    double offset = 0;
    RollupPoint[] out = new RollupPoint[windows];
    for (int w = 0; w < windows; w++) {
      double sum = 0;
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (int s = 0; s < 20; s++) {
        switch (kind) {
          case 0 -> v = Math.round((v + r.nextInt(1500) / 100.0) * 100) / 100.0;
          case 1 -> v += r.nextInt(5) == 0 ? 0 : r.nextInt(200_000);
          case 2 -> v = 40 + (series % 7) + r.nextDouble() * 2;
          case 3 -> v = 8e9 + 4096L * r.nextInt(100_000);
          default -> v += r.nextInt(3 + (series % 10) * 2);
        }
        if (v < prev) {
          offset += prev;
        }
        prev = v;
        sum += v;
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      out[w] = new RollupPoint(T0 + w * RES, 20, sum, min, max, v, v + offset);
    }
    return out;
  }

  static byte[] encode(RollupPoint[] ps, int from, int to, boolean columns) {
    if (columns) {
      RollupColumnsAppender a = new RollupColumnsAppender(256);
      for (int i = from; i < to; i++) {
        RollupPoint p = ps[i];
        a.append(p.windowStartMs(), p.count(), p.sum(), p.min(), p.max(), p.last(), p.counter());
      }
      return a.toBytes();
    }
    RollupAppender a = new RollupAppender(256);
    for (int i = from; i < to; i++) {
      RollupPoint p = ps[i];
      a.append(p.windowStartMs(), p.count(), p.sum(), p.min(), p.max(), p.last(), p.counter());
    }
    return a.toBytes();
  }

  private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
  private static long sink;

  @Test
  void printCostsAndSizes() {
    int rounds = Integer.getInteger("rollup.rounds", 15);
    SplittableRandom r = new SplittableRandom(42);
    RollupPoint[][] data = new RollupPoint[SERIES][];
    for (int s = 0; s < SERIES; s++) {
      data[s] = rollups(s, WINDOWS, r);
    }

    System.out.println("== bytes per window (chunk bytes; in brackets: + record header, box and CRC as stored) ==");
    System.out.printf("%-22s %8s %18s %18s%n", "kind", "windows", "encoding 2", "encoding 4");
    for (int per : new int[] {120, 480}) {
      long[][] bytes = new long[KINDS.length + 1][4];
      long[] windows = new long[KINDS.length + 1];
      for (int s = 0; s < SERIES; s++) {
        int k = kind(s);
        for (int from = 0; from < WINDOWS; from += per) {
          int to = Math.min(WINDOWS, from + per);
          for (int enc = 0; enc < 2; enc++) {
            byte[] c = encode(data[s], from, to, enc == 1);
            long stored = new ChunkRecord(enc == 1 ? ChunkEncoding.ROLLUP_COLUMNS : ChunkEncoding.ROLLUP, data[s][from].windowStartMs(),
                data[s][to - 1].windowStartMs(), to - from, c).encode().length;
            bytes[k][enc * 2] += c.length;
            bytes[k][enc * 2 + 1] += stored;
            bytes[KINDS.length][enc * 2] += c.length;
            bytes[KINDS.length][enc * 2 + 1] += stored;
          }
          windows[k] += to - from;
          windows[KINDS.length] += to - from;
        }
      }
      System.out.println("-- " + per + " windows per chunk --");
      for (int k = 0; k <= KINDS.length; k++) {
        double n = windows[k];
        System.out.printf("%-22s %8d %8.2f [%6.2f] %8.2f [%6.2f]%n", k == KINDS.length ? "all" : KINDS[k], windows[k], bytes[k][0] / n, bytes[k][1] / n,
            bytes[k][2] / n, bytes[k][3] / n);
      }
    }

    // decode: 480-window chunks (compaction's size), all series
    byte[][] c2 = new byte[SERIES][];
    byte[][] c4 = new byte[SERIES][];
    for (int s = 0; s < SERIES; s++) {
      c2[s] = encode(data[s], 0, WINDOWS, false);
      c4[s] = encode(data[s], 0, WINDOWS, true);
    }
    String[] names = {"RollupIterator enc 2 (next+point)", "RollupColumnDecoder enc 2 COUNTER", "RollupIterator enc 4 (next+point)",
        "RollupColumnDecoder enc 4 COUNTER", "RollupColumnDecoder enc 4 MAX", "RollupColumnDecoder enc 4 LAST",
        "RollupColumnDecoder enc 4 SUM+counts"};
    double[][] wall = new double[names.length][rounds];
    double[][] cpu = new double[names.length][rounds];
    RollupIterator it = new RollupIterator();
    RollupColumnDecoder dec = new RollupColumnDecoder();
    long[] t = new long[WINDOWS];
    double[] v = new double[WINDOWS];
    double[] counts = new double[WINDOWS];
    int reps = 20; // 20 x 100 chunks x 480 windows = 960,000 windows per measurement
    for (int round = -5; round < rounds; round++) { // 5 warm-up rounds
      for (int m = 0; m < names.length; m++) {
        long w0 = System.nanoTime();
        long c0 = MX.getCurrentThreadCpuTime();
        long acc = 0;
        for (int rep = 0; rep < reps; rep++) {
          for (int s = 0; s < SERIES; s++) {
            switch (m) {
              case 0 -> {
                it.reset(ChunkEncoding.ROLLUP, c2[s]);
                while (it.next()) {
                  acc += Double.doubleToRawLongBits(it.point().counter());
                }
              }
              case 1 -> acc += dec.decode(ChunkEncoding.ROLLUP, c2[s], RollupField.COUNTER, Long.MIN_VALUE, Long.MAX_VALUE, t, v, null, 0);
              case 2 -> {
                it.reset(ChunkEncoding.ROLLUP_COLUMNS, c4[s]);
                while (it.next()) {
                  acc += Double.doubleToRawLongBits(it.point().counter());
                }
              }
              case 3 -> acc += dec.decode(ChunkEncoding.ROLLUP_COLUMNS, c4[s], RollupField.COUNTER, Long.MIN_VALUE, Long.MAX_VALUE, t, v, null, 0);
              case 4 -> acc += dec.decode(ChunkEncoding.ROLLUP_COLUMNS, c4[s], RollupField.MAX, Long.MIN_VALUE, Long.MAX_VALUE, t, v, null, 0);
              case 5 -> acc += dec.decode(ChunkEncoding.ROLLUP_COLUMNS, c4[s], RollupField.LAST, Long.MIN_VALUE, Long.MAX_VALUE, t, v, null, 0);
              default -> acc += dec.decode(ChunkEncoding.ROLLUP_COLUMNS, c4[s], RollupField.SUM, Long.MIN_VALUE, Long.MAX_VALUE, t, v, counts, 0);
            }
            acc += Double.doubleToRawLongBits(v[WINDOWS - 1]) + t[WINDOWS - 1];
          }
        }
        long cpuNs = MX.getCurrentThreadCpuTime() - c0;
        long wallNs = System.nanoTime() - w0;
        sink += acc;
        if (round >= 0) {
          double n = (double) reps * SERIES * WINDOWS;
          wall[m][round] = wallNs / n;
          cpu[m][round] = cpuNs / n;
        }
      }
    }
    System.out.printf("== ns per window, %d chunks x %d windows x %d, median (best) of %d rounds; load average %.1f ==%n", SERIES, WINDOWS, reps, rounds,
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    for (int m = 0; m < names.length; m++) {
      Arrays.sort(wall[m]);
      Arrays.sort(cpu[m]);
      System.out.printf("%-40s wall %7.2f (%6.2f)   cpu %7.2f (%6.2f)%n", names[m], wall[m][rounds / 2], wall[m][0], cpu[m][rounds / 2], cpu[m][0]);
    }
    System.out.println("(sink " + (sink & 1) + ")");
  }
}
