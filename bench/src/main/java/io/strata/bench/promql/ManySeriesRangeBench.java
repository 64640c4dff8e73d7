package io.strata.bench.promql;

import io.strata.promql.PromQL;
import io.strata.promql.ast.Expr;
import io.strata.promql.engine.Engine;
import io.strata.promql.engine.Matrix;
import io.strata.promql.storage.Queryable;
import io.strata.promql.storage.SelectHints;
import io.strata.promql.storage.SeriesData;
import io.strata.promql.storage.SeriesFunction;
import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine's serial part of large range queries: thousands of series through a range function, then an
 * aggregation. The series sit in memory already decoded, and {@code selectEach} hands them out on a pool of
 * reading threads in contiguous shares as the TSDB's {@code StoreQueryable} does (series sorted by labels,
 * results in the series' order), so what the query costs is the range function on the pool plus the
 * engine's work on the calling thread (ordering the results, grouping, folding the steps, counting samples).
 *
 * <p>Data: 100 instances x 40 {@code node_cpu_seconds_total} counters (8 cpus x 5 modes) = 4,000 series and
 * 100 x 15 {@code node_hwmon_temp_celsius} gauges = 1,500 series, 25 h at 15 s (the 24 h queried plus the
 * 1 h window before it). Queries: 24 h, step 345.6 s (250 steps, Grafana's range / 250).
 *
 * <p>Besides JMH's time per query, the auxiliary counter {@code callerCpuMs} is the CPU time per query of the
 * thread that ran {@code Engine.rangeQuery} (the store's reading threads excluded), i.e. the serial part.
 * JMH adds such counters up over the iterations: the value per query is the {@code avg} of its
 * {@code (min, avg, max)} line.
 *
 * <p>Run: {@code cd /work/main && mvn -o -q -pl bench package -DskipTests && mvn -o -q -pl bench
 * dependency:build-classpath -Dmdep.outputFile=/tmp/bcp.txt && java -cp bench/target/classes:$(cat /tmp/bcp.txt)
 * org.openjdk.jmh.Main ManySeriesRangeBench -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 6, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx3g"})
public class ManySeriesRangeBench {
  static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  static final long SCRAPE = 15_000;
  /** Samples per series: 25 h at 15 s, plus one. */
  static final int SAMPLES = 25 * 240 + 1;
  static final String[] MODES = {"idle", "iowait", "irq", "system", "user"};

  @Param({"sum_by_instance_rate|sum by (instance) (rate(node_cpu_seconds_total[1h]))",
      "max_max_over_time|max(max_over_time(node_hwmon_temp_celsius[1h]))"})
  public String query;

  private Queryable storage;
  private final Engine engine = new Engine();
  private Expr expr;
  private final long end = T0 + 25 * 3_600_000L;
  private final long start = end - 24 * 3_600_000L;
  private final long step = 24 * 3_600_000L / 250;

  /** The calling thread's CPU time, per query. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class CallerCpu {
    long cpuNs;
    long queries;

    @Setup(Level.Iteration)
    public void reset() {
      cpuNs = 0;
      queries = 0;
    }

    public double callerCpuMs() {
      return queries == 0 ? 0 : cpuNs / 1e6 / queries;
    }
  }

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  @Setup
  public void setup() {
    storage = new PooledStore(data());
    expr = PromQL.parse(query.split("\\|")[1]);
  }

  static List<SeriesData> data() {
    List<SeriesData> out = new ArrayList<>();
    for (int inst = 0; inst < 100; inst++) {
      String instance = "node-" + inst + ":9100";
      for (int slot = 0; slot < 55; slot++) {
        SplittableRandom r = new SplittableRandom(inst * 1000L + slot);
        boolean counter = slot < 40;
        Labels l = counter
            ? Labels.of("__name__", "node_cpu_seconds_total", "job", "node", "instance", instance,
                "cpu", Integer.toString(slot / 5), "mode", MODES[slot % 5])
            : Labels.of("__name__", "node_hwmon_temp_celsius", "job", "node", "instance", instance,
                "chip", "platform_coretemp_0", "sensor", "temp" + (slot - 40));
        long[] t = new long[SAMPLES];
        double[] v = new double[SAMPLES];
        double x = 1000 + slot * 17.31;
        // one series in 20 restarts (a counter reset) somewhere in the day
        int reset = counter && r.nextInt(20) == 0 ? r.nextInt(SAMPLES) : -1;
        for (int k = 0; k < SAMPLES; k++) {
          t[k] = T0 + k * SCRAPE + 7_000 - (k == 0 ? 0 : r.nextInt(50));
          if (counter) {
            x = k == reset ? 0 : x + Math.round(r.nextDouble() * 1500) / 100.0;
          } else {
            x = 40 + slot * 0.1 + Math.round(r.nextGaussian() * 100) / 100.0;
          }
          v[k] = x;
        }
        out.add(new SeriesData(l, t, v));
      }
    }
    out.sort(Comparator.comparing(SeriesData::labels));
    return out;
  }

  @Benchmark
  public Matrix rangeQuery(CallerCpu cpu) {
    long t0 = THREADS.getCurrentThreadCpuTime();
    Matrix m = engine.rangeQuery(storage, expr, start, end, step);
    cpu.cpuNs += THREADS.getCurrentThreadCpuTime() - t0;
    cpu.queries++;
    return m;
  }

  /**
   * Decoded series in memory, sorted by labels, every sample returned whatever the hints (the engine trims);
   * the series of a set of matchers are found once (a store's index lookup is not what is measured here).
   * {@code selectEach} works like the TSDB's: over 32 series, up to 4 contiguous shares per reading thread,
   * each with its own function, results in the series' order.
   */
  static final class PooledStore implements Queryable {
    private static final ForkJoinPool READERS = new ForkJoinPool(Math.max(2, Runtime.getRuntime().availableProcessors()));
    private final List<SeriesData> series;

    PooledStore(List<SeriesData> series) {
      this.series = series;
    }

    /** Selections by matchers: a store finds them in its index, so the benchmark does not time the matching. */
    private final Map<List<LabelMatcher>, List<SeriesData>> selections = new ConcurrentHashMap<>();

    @Override
    public List<SeriesData> select(SelectHints hints, List<LabelMatcher> matchers) {
      return new ArrayList<>(selections.computeIfAbsent(List.copyOf(matchers), this::match));
    }

    private List<SeriesData> match(List<LabelMatcher> matchers) {
      List<SeriesData> out = new ArrayList<>();
      next:
      for (SeriesData s : series) {
        for (LabelMatcher m : matchers) {
          if (!m.matches(s.labels())) {
            continue next;
          }
        }
        out.add(s);
      }
      return out;
    }

    @Override
    public <R> List<R> selectEach(SelectHints hints, List<LabelMatcher> matchers,
        Supplier<? extends SeriesFunction<? extends R>> functions) {
      List<SeriesData> items = select(hints, matchers);
      int n = items.size();
      int tasks = n < 32 ? 1 : Math.min(n / 16, READERS.getParallelism() * 4);
      Object[] out = new Object[n];
      Runnable all = () -> IntStream.range(0, tasks).parallel().forEach(task -> {
        SeriesFunction<? extends R> f = functions.get();
        for (int i = (int) ((long) n * task / tasks); i < (long) n * (task + 1) / tasks; i++) {
          out[i] = f.apply(items.get(i));
        }
      });
      try {
        READERS.submit(all).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
      List<R> kept = new ArrayList<>(n);
      for (Object o : out) {
        if (o != null) {
          @SuppressWarnings("unchecked")
          R r = (R) o;
          kept.add(r);
        }
      }
      return kept;
    }
  }
}
