package io.strata.bench.tsdb;

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
 * Decodes 100 XOR chunks of 120 samples (one op = one sample), per kind of data: the node_exporter-like
 * mix, or the worst case of full-precision noise gauges only.
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

  private byte[][] chunks;
  private final XorIterator it = new XorIterator();

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
}
