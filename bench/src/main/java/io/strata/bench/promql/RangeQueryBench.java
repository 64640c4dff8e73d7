package io.strata.bench.promql;

import io.strata.promql.PromQL;
import io.strata.promql.ast.Expr;
import io.strata.promql.engine.Engine;
import io.strata.promql.engine.Matrix;
import io.strata.promql.storage.InMemoryStorage;
import io.strata.schemas.model.Labels;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The PromQL evaluator alone (no store decoding, no HTTP): range queries over {@link InMemoryStorage} holding
 * node_exporter-like data, 10 instances x (40 CPU counters, 15 temperature gauges, 10 histogram buckets) =
 * 650 series, 24 h at 15 s (3.7 M samples). Each query runs with 250 steps (step = range / 250, at least
 * 15 s, as Grafana asks), through {@link Engine#rangeQuery}. The step-by-step evaluator it was compared with
 * (the whole expression at each step) is test-scope only since 2026-12-07 (promql's {@code StepByStep}, the
 * oracle of its differential tests); its figures stay in results/.
 *
 * <p>Run: {@code cd /work/main && mvn -o -q -pl bench package -DskipTests && java -cp
 * bench/target/strata-bench-0.1.0-SNAPSHOT.jar:$(cat /tmp/bcp.txt) org.openjdk.jmh.Main RangeQueryBench -prof gc}
 * with {@code /tmp/bcp.txt} from {@code mvn -o -q -pl bench dependency:build-classpath -Dmdep.outputFile=/tmp/bcp.txt}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
public class RangeQueryBench {
  static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  static final long SCRAPE = 15_000;
  static final int HOURS = 24;
  static final String[] MODES = {"user", "system", "idle", "iowait", "irq"};
  static final String[] LE = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"};

  /** name | expression | range in hours. */
  @Param({
      "rate1h|sum by (instance) (rate(node_cpu_seconds_total[5m]))|1",
      "rate24h|sum by (instance) (rate(node_cpu_seconds_total[5m]))|24",
      "histogram_quantile6h|histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))|6",
      "avg_over_time6h|avg_over_time(node_hwmon_temp_celsius[10m])|6",
      "max_over_time24h|max(max_over_time(node_hwmon_temp_celsius[1h]))|24",
      "ratio1h|sum by (instance) (rate(node_cpu_seconds_total{mode=\"idle\"}[5m])) / sum by (instance) (rate(node_cpu_seconds_total[5m]))|1"})
  public String query;

  private InMemoryStorage storage;
  private final Engine engine = new Engine();
  private Expr expr;
  private long start;
  private long end;
  private long step;

  @Setup
  public void setup() {
    storage = data();
    String[] q = query.split("\\|");
    expr = PromQL.parse(q[1]);
    long range = Long.parseLong(q[2]) * 3_600_000L;
    end = T0 + HOURS * 3_600_000L;
    start = end - range;
    step = Math.max(SCRAPE, range / 250);
  }

  static InMemoryStorage data() {
    InMemoryStorage s = new InMemoryStorage();
    int samples = HOURS * 240;
    for (int inst = 0; inst < 10; inst++) {
      String instance = "node-" + inst + ":9100";
      for (int slot = 0; slot < 65; slot++) {
        SplittableRandom r = new SplittableRandom(inst * 1000L + slot);
        Labels l;
        if (slot < 40) {
          l = Labels.of("__name__", "node_cpu_seconds_total", "job", "node", "instance", instance,
              "cpu", Integer.toString(slot / 5), "mode", MODES[slot % 5]);
        } else if (slot < 55) {
          l = Labels.of("__name__", "node_hwmon_temp_celsius", "job", "node", "instance", instance, "sensor", "temp" + (slot - 40));
        } else {
          l = Labels.of("__name__", "http_request_duration_seconds_bucket", "job", "node", "instance", instance, "le", LE[slot - 55]);
        }
        double x = 1000 + slot * 17.31;
        for (int k = 0; k < samples; k++) {
          if (slot < 40) {
            x += Math.round(r.nextDouble() * 1500) / 100.0;
          } else if (slot < 55) {
            x = 40 + slot * 0.1 + Math.round(r.nextGaussian() * 100) / 100.0;
          } else {
            // cumulative buckets: a larger le holds at least as many observations
            x += (slot - 54) * r.nextInt(5);
          }
          s.add(l, T0 + k * SCRAPE + 7_000, x);
        }
      }
    }
    return s;
  }

  @Benchmark
  public Matrix rangeQuery() {
    return engine.rangeQuery(storage, expr, start, end, step);
  }
}
