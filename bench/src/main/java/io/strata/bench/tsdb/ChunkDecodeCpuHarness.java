package io.strata.bench.tsdb;

import io.strata.tsdb.chunkenc.DecimalChunkEncoder;
import io.strata.tsdb.chunkenc.RawChunkIterator;
import io.strata.tsdb.chunkenc.XorAppender;
import io.strata.tsdb.chunkenc.XorIterator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Chunk decoding rate per CPU-second of the decoding thread, for a machine too loaded for JMH's wall-clock
 * rates to mean much: the data of {@code ChunkDecodeBenchmark} (jittered node_exporter-like series, the
 * "mix" and the "noise" gauges), decoded in rounds; each round's thread CPU time
 * ({@code ThreadMXBean.getCurrentThreadCpuTime}) is measured and the best and median rounds are printed
 * after a warm-up. {@code xor}: 100 XOR chunks of 120 samples; {@code compacted}: the same 12,000 samples
 * per kind as 25 chunks of 480, as compaction writes them (smaller of XOR and decimal). With {@code xor},
 * each round is followed by one through {@link BaselineXorIterator} (the decoder before its rewrite) on the
 * same chunks, so both see the same machine load.
 *
 * <p>Run: {@code java -cp ... io.strata.bench.tsdb.ChunkDecodeCpuHarness [xor|compacted] [rounds]}
 */
public final class ChunkDecodeCpuHarness {
  private ChunkDecodeCpuHarness() {}

  static double sink;

  public static void main(String[] args) {
    String what = args.length > 0 ? args[0] : "xor";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 40;
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    for (String data : new String[] {"mix", "noise"}) {
      Object[] chunks = what.equals("compacted") ? compacted(data) : xor(data);
      int samples = ChunkDecodeBenchmark.CHUNKS * ChunkDecodeBenchmark.SAMPLES;
      int reps = 200; // 2.4 M samples per round
      double[] rate = new double[rounds];
      double[] base = new double[rounds];
      for (int r = -rounds; r < rounds; r++) { // first half: warm-up
        long c0 = mx.getCurrentThreadCpuTime();
        for (int k = 0; k < reps; k++) {
          sink += what.equals("compacted") ? decodeCompacted(chunks) : decodeXor((byte[][]) chunks[0]);
        }
        long c = mx.getCurrentThreadCpuTime() - c0;
        // the same XOR chunks through the decoder as it was before, interleaved round by round
        long b0 = mx.getCurrentThreadCpuTime();
        if (what.equals("xor")) {
          for (int k = 0; k < reps; k++) {
            sink += decodeBaseline((byte[][]) chunks[0]);
          }
        }
        long b = mx.getCurrentThreadCpuTime() - b0;
        if (r >= 0) {
          rate[r] = (double) samples * reps / (c / 1e9) / 1e6;
          base[r] = (double) samples * reps / (b / 1e9) / 1e6;
        }
      }
      java.util.Arrays.sort(rate);
      java.util.Arrays.sort(base);
      System.out.printf("%s %s: best %.1f, median %.1f M samples per CPU-second (%d rounds of %d samples)%n", what, data, rate[rounds - 1],
          rate[rounds / 2], rounds, samples * reps);
      if (what.equals("xor")) {
        System.out.printf("xor %s, decoder before the rewrite: best %.1f, median %.1f M samples per CPU-second%n", data, base[rounds - 1], base[rounds / 2]);
      }
    }
  }

  private static Object[] xor(String data) {
    NodeExporterLikeData d = new NodeExporterLikeData(100, true);
    byte[][] chunks = new byte[ChunkDecodeBenchmark.CHUNKS][];
    for (int c = 0; c < chunks.length; c++) {
      int series = data.equals("mix") ? c : 40 + c % 15;
      XorAppender a = new XorAppender(256);
      for (int s = 0; s < ChunkDecodeBenchmark.SAMPLES; s++) {
        double v = 0;
        for (int i = 0; i <= series; i++) {
          double x = d.next(i);
          if (i == series) {
            v = x;
          }
        }
        a.append(d.timestamp(s), v);
      }
      chunks[c] = a.toBytes();
    }
    return new Object[] {chunks};
  }

  private static double decodeXor(byte[][] chunks) {
    XorIterator it = XOR;
    double sum = 0;
    long ts = 0;
    for (byte[] c : chunks) {
      it.reset(c);
      while (it.next()) {
        sum += it.v();
        ts += it.t();
      }
    }
    return sum + ts;
  }

  private static final XorIterator XOR = new XorIterator();
  private static final BaselineXorIterator BASELINE = new BaselineXorIterator();

  private static double decodeBaseline(byte[][] chunks) {
    BaselineXorIterator it = BASELINE;
    double sum = 0;
    long ts = 0;
    for (byte[] c : chunks) {
      it.reset(c);
      while (it.next()) {
        sum += it.v();
        ts += it.t();
      }
    }
    return sum + ts;
  }

  private static Object[] compacted(String data) {
    int n = ChunkDecodeBenchmark.CHUNKS * ChunkDecodeBenchmark.SAMPLES / ChunkDecodeBenchmark.COMPACTED;
    byte[][] chunks = new byte[n][];
    int[] enc = new int[n];
    DecimalChunkEncoder e = new DecimalChunkEncoder();
    NodeExporterLikeData d = new NodeExporterLikeData(100, true);
    long[] ts = new long[ChunkDecodeBenchmark.COMPACTED];
    long[] bits = new long[ChunkDecodeBenchmark.COMPACTED];
    for (int c = 0; c < n; c++) {
      int series = data.equals("mix") ? c * 4 : 40 + c % 15;
      for (int s = 0; s < ts.length; s++) {
        double v = 0;
        for (int i = 0; i <= series; i++) {
          double x = d.next(i);
          if (i == series) {
            v = x;
          }
        }
        ts[s] = d.timestamp(s);
        bits[s] = Double.doubleToRawLongBits(v);
      }
      DecimalChunkEncoder.Encoded x = e.encodeBest(ts, bits, ts.length);
      chunks[c] = x.bytes();
      enc[c] = x.encoding();
    }
    return new Object[] {chunks, enc, new RawChunkIterator()};
  }

  private static double decodeCompacted(Object[] o) {
    byte[][] chunks = (byte[][]) o[0];
    int[] enc = (int[]) o[1];
    RawChunkIterator it = (RawChunkIterator) o[2];
    double sum = 0;
    long ts = 0;
    for (int c = 0; c < chunks.length; c++) {
      it.reset(enc[c], chunks[c]);
      while (it.next()) {
        sum += it.v();
        ts += it.t();
      }
    }
    return sum + ts;
  }
}
