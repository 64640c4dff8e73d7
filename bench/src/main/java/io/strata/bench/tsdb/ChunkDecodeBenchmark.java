package io.strata.bench.tsdb;

import io.strata.tsdb.chunkenc.DecimalChunkEncoder;
import io.strata.tsdb.chunkenc.RawChunkIterator;
import io.strata.tsdb.chunkenc.XorAppender;
import io.strata.tsdb.chunkenc.XorIterator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decodes chunks (one op = one sample), per kind of data: the node_exporter-like mix, or the worst case of
 * full-precision noise gauges only. {@code decode}: 100 XOR chunks of 120 samples, as the head cuts them.
 * {@code decodeCompacted}: the same 12,000 samples per series kind as 25 chunks of 480, encoded as
 * compaction does (the smaller of XOR and decimal, {@link DecimalChunkEncoder#encodeBest}) and read through
 * {@link RawChunkIterator} as queries do.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ChunkDecodeBenchmark {
  static final int CHUNKS = 100;
  static final int SAMPLES = 120;

  @Param({"mix", "noise"})
  public String data;

  static final int COMPACTED = 480;

  private byte[][] chunks;
  private byte[][] compacted;
  private int[] compactedEncoding;
  private final XorIterator it = new XorIterator();
  private final RawChunkIterator raw = new RawChunkIterator();

  @Setup
  public void setup() {
    NodeExporterLikeData d = new NodeExporterLikeData(100, true); // jittered timestamps: the slower 14-bit dod path
    chunks = new byte[CHUNKS][];
    for (int c = 0; c < CHUNKS; c++) {
      int series = data.equals("mix") ? c : 40 + c % 15; // 40..54 are the noisy gauges
      XorAppender a = new XorAppender(256);
      for (int s = 0; s < SAMPLES; s++) {
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
    // the same series kinds, 480 samples per chunk: 4 x 120 consecutive samples of each chunk's series
    int n = CHUNKS * SAMPLES / COMPACTED;
    compacted = new byte[n][];
    compactedEncoding = new int[n];
    DecimalChunkEncoder enc = new DecimalChunkEncoder();
    NodeExporterLikeData d2 = new NodeExporterLikeData(100, true);
    long[] ts = new long[COMPACTED];
    long[] bits = new long[COMPACTED];
    for (int c = 0; c < n; c++) {
      int series = data.equals("mix") ? c * 4 : 40 + c % 15;
      for (int s = 0; s < COMPACTED; s++) {
        double v = 0;
        for (int i = 0; i <= series; i++) {
          double x = d2.next(i);
          if (i == series) {
            v = x;
          }
        }
        ts[s] = d2.timestamp(s);
        bits[s] = Double.doubleToRawLongBits(v);
      }
      DecimalChunkEncoder.Encoded e = enc.encodeBest(ts, bits, COMPACTED);
      compacted[c] = e.bytes();
      compactedEncoding[c] = e.encoding();
    }
  }

  @Benchmark
  @OperationsPerInvocation(CHUNKS * SAMPLES)
  public double decode() {
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

  @Benchmark
  @OperationsPerInvocation(CHUNKS * SAMPLES)
  public double decodeCompacted() {
    double sum = 0;
    long ts = 0;
    for (int c = 0; c < compacted.length; c++) {
      raw.reset(compactedEncoding[c], compacted[c]);
      while (raw.next()) {
        sum += raw.v();
        ts += raw.t();
      }
    }
    return sum + ts;
  }
}
