package io.strata.bench.tsdb;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.schemas.model.Labels;
import io.strata.tsdb.TsdbConfig;
import io.strata.tsdb.engine.StrataStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * In-order appends through {@code Store.append} on one thread: one scrape of 1000 node_exporter-like
 * series per invocation (one op = one sample). Values are precomputed so the generator is not measured.
 * No commit runs during the trial (JMH's GC profiler would count its allocations too): cut chunks stay in
 * the heap, which is the append path's real per-sample allocation (a chunk copy every 120 samples).
 * Run with {@code -prof gc}: gc.alloc.rate.norm is bytes allocated per sample.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx3g"})
public class HeadAppendBenchmark {
  static final int SERIES = 1000;
  static final int STEPS = 4096; // value table wraps; timestamps keep increasing

  private StrataStore store;
  private Path dir;
  private Labels[] labels;
  private double[][] values;
  private long step;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    dir = Files.createTempDirectory("strata-bench-append");
    store = StrataStore.open(TsdbConfig.defaults(dir).withBackgroundCompaction(false), new PrometheusRegistry());
    NodeExporterLikeData data = new NodeExporterLikeData(SERIES);
    labels = new Labels[SERIES];
    values = new double[STEPS][SERIES];
    for (int i = 0; i < SERIES; i++) {
      labels[i] = data.labels(i);
    }
    for (int s = 0; s < STEPS; s++) {
      for (int i = 0; i < SERIES; i++) {
        values[s][i] = data.next(i);
      }
    }
  }

  /**
   * Deletes the files without closing the store: close() persists the head, and JMH's GC profiler would
   * charge that to the last iteration. The forked JVM exits right after.
   */
  @TearDown(Level.Trial)
  public void close() throws Exception {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  @OperationsPerInvocation(SERIES)
  public int appendOneScrape() {
    long t = NodeExporterLikeData.T0 + step * NodeExporterLikeData.STEP;
    double[] v = values[(int) (step % STEPS)];
    int appended = 0;
    for (int i = 0; i < SERIES; i++) {
      appended += store.append("bench", labels[i], t, v[i]).ordinal();
    }
    step++;
    return appended;
  }
}
