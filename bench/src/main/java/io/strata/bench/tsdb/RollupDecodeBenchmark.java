package io.strata.bench.tsdb;

import io.strata.tsdb.chunkenc.ChunkEncoding;
import io.strata.tsdb.chunkenc.RollupAppender;
import io.strata.tsdb.chunkenc.RollupColumnDecoder;
import io.strata.tsdb.chunkenc.RollupColumnsAppender;
import io.strata.tsdb.chunkenc.RollupField;
import io.strata.tsdb.chunkenc.RollupIterator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Decodes 5m rollup chunks (one op = one window): 100 node_exporter-like series, 480 windows each (the
 * chunk size compaction writes), every window aggregated from 20 raw samples at 15 s. Compares today's
 * path for the interleaved encoding 2 ({@link RollupIterator}, a {@code RollupPoint} per window) with
 * the bulk column decoder ({@link RollupColumnDecoder}) on encoding 2 and on the columnar encoding 4,
 * reading one field as queries do (COUNTER for rate(), MAX for max_over_time, SUM with counts for
 * avg_over_time). Run with {@code -prof gc}: the decoder paths allocate 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RollupDecodeBenchmark {
  static final int SERIES = 100;
  static final int WINDOWS = 480;
  static final int SAMPLES_PER_WINDOW = 20;
  static final long RES = 300_000;

  private byte[][] interleaved;
  private byte[][] columns;
  private final RollupIterator it = new RollupIterator();
  private final RollupColumnDecoder dec = new RollupColumnDecoder();
  private final long[] t = new long[WINDOWS];
  private final double[] v = new double[WINDOWS];
  private final double[] counts = new double[WINDOWS];

  @Setup
  public void setup() {
    NodeExporterLikeData d = new NodeExporterLikeData(SERIES);
    double[][] sum = new double[SERIES][WINDOWS];
    double[][] min = new double[SERIES][WINDOWS];
    double[][] max = new double[SERIES][WINDOWS];
    double[][] last = new double[SERIES][WINDOWS];
    double[][] counter = new double[SERIES][WINDOWS];
    double[] prev = new double[SERIES];
    double[] offset = new double[SERIES];
    for (int w = 0; w < WINDOWS; w++) {
      for (int i = 0; i < SERIES; i++) {
        min[i][w] = Double.POSITIVE_INFINITY;
        max[i][w] = Double.NEGATIVE_INFINITY;
      }
      for (int s = 0; s < SAMPLES_PER_WINDOW; s++) {
        for (int i = 0; i < SERIES; i++) { // NodeExporterLikeData wants every series once per step, in order
          double x = d.next(i);
          if (x < prev[i]) {
            offset[i] += prev[i]; // a counter reset (or a gauge going down): the counter aggregate carries on
          }
          prev[i] = x;
          sum[i][w] += x;
          min[i][w] = Math.min(min[i][w], x);
          max[i][w] = Math.max(max[i][w], x);
          last[i][w] = x;
          counter[i][w] = x + offset[i];
        }
      }
    }
    interleaved = new byte[SERIES][];
    columns = new byte[SERIES][];
    for (int i = 0; i < SERIES; i++) {
      RollupAppender a2 = new RollupAppender(256);
      RollupColumnsAppender a4 = new RollupColumnsAppender(256);
      for (int w = 0; w < WINDOWS; w++) {
        long start = NodeExporterLikeData.T0 + w * RES;
        a2.append(start, SAMPLES_PER_WINDOW, sum[i][w], min[i][w], max[i][w], last[i][w], counter[i][w]);
        a4.append(start, SAMPLES_PER_WINDOW, sum[i][w], min[i][w], max[i][w], last[i][w], counter[i][w]);
      }
      interleaved[i] = a2.toBytes();
      columns[i] = a4.toBytes();
    }
  }

  @Benchmark
  @OperationsPerInvocation(SERIES * WINDOWS)
  public void iteratorInterleaved(Blackhole bh) {
    for (byte[] c : interleaved) {
      it.reset(ChunkEncoding.ROLLUP, c);
      while (it.next()) {
        bh.consume(it.point());
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(SERIES * WINDOWS)
  public void iteratorColumns(Blackhole bh) {
    for (byte[] c : columns) {
      it.reset(ChunkEncoding.ROLLUP_COLUMNS, c);
      while (it.next()) {
        bh.consume(it.point());
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(SERIES * WINDOWS)
  public int decoderInterleavedCounter() {
    return decodeAll(interleaved, ChunkEncoding.ROLLUP, RollupField.COUNTER, null);
  }

  @Benchmark
  @OperationsPerInvocation(SERIES * WINDOWS)
  public int decoderColumnsCounter() {
    return decodeAll(columns, ChunkEncoding.ROLLUP_COLUMNS, RollupField.COUNTER, null);
  }

  @Benchmark
  @OperationsPerInvocation(SERIES * WINDOWS)
  public int decoderColumnsMax() {
    return decodeAll(columns, ChunkEncoding.ROLLUP_COLUMNS, RollupField.MAX, null);
  }

  @Benchmark
  @OperationsPerInvocation(SERIES * WINDOWS)
  public int decoderColumnsSumWithCounts() {
    return decodeAll(columns, ChunkEncoding.ROLLUP_COLUMNS, RollupField.SUM, counts);
  }

  private int decodeAll(byte[][] chunks, int encoding, RollupField f, double[] cs) {
    int n = 0;
    for (byte[] c : chunks) {
      n += dec.decode(encoding, c, f, Long.MIN_VALUE, Long.MAX_VALUE, t, v, cs, 0);
    }
    return n + (int) v[WINDOWS - 1];
  }
}
