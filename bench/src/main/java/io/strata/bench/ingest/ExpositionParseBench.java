package io.strata.bench.ingest;

import io.strata.ingest.exposition.ExpositionParseException;
import io.strata.ingest.exposition.ExpositionParser;
import io.strata.ingest.exposition.Format;
import io.strata.ingest.exposition.SampleView;
import io.strata.ingest.exposition.SampleVisitor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Throughput of {@link ExpositionParser} over a node_exporter-like exposition of {@link #SAMPLES} samples.
 * Scores are per sample (OperationsPerInvocation), so ops/s is samples/s. Run with {@code -prof gc}: the
 * visitor path should show ~0 B/op (the body is parsed from one byte[] with no per-sample objects).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ExpositionParseBench {
  static final int SAMPLES = 10_000;

  @Param({"PROMETHEUS_TEXT_0_0_4", "OPENMETRICS_1_0"})
  public Format format;

  private byte[] body;
  private ExpositionParser parser;
  private final BlackholeVisitor visitor = new BlackholeVisitor();

  /** Sums what a scraper reads from each sample so nothing is dead code. */
  static final class BlackholeVisitor implements SampleVisitor {
    Blackhole bh;

    @Override
    public void sample(SampleView s) {
      bh.consume(s.value());
      bh.consume(s.seriesHash());
      bh.consume(s.labelCount());
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    body = nodeExporterLike(SAMPLES, format).getBytes(StandardCharsets.UTF_8);
    parser = new ExpositionParser();
  }

  /** A body shaped like node_exporter output: families of 10-50 series with 1-4 labels, mixed values. */
  static String nodeExporterLike(int samples, Format format) {
    StringBuilder sb = new StringBuilder(samples * 80);
    int n = 0;
    int family = 0;
    while (n < samples) {
      String name = "node_family_" + family + "_bytes_total";
      sb.append("# HELP ").append(name).append(" Family number ").append(family).append(" of the benchmark.\n");
      sb.append("# TYPE ").append(name).append(family % 3 == 0 ? " gauge\n" : " counter\n");
      int series = 10 + (family * 7) % 41;
      for (int s = 0; s < series && n < samples; s++, n++) {
        sb.append(name).append("{device=\"sd").append((char) ('a' + s % 26)).append(s).append('"');
        if (s % 2 == 0) {
          sb.append(",mode=\"idle\"");
        }
        if (s % 4 == 0) {
          sb.append(",mountpoint=\"/var/lib/").append(s).append('"');
        }
        sb.append("} ");
        switch (s % 4) {
          case 0 -> sb.append(s * 1234567L);
          case 1 -> sb.append(s).append(".25");
          case 2 -> sb.append("1.8253e+0").append(s % 10);
          default -> sb.append("0.000").append(s);
        }
        sb.append('\n');
      }
      family++;
    }
    if (format == Format.OPENMETRICS_1_0) {
      sb.append("# EOF\n");
    }
    return sb.toString();
  }

  /**
   * CPU time of the benchmark thread, as a secondary result: on the shared 2-core machine the thread is
   * often descheduled, which lowers the ops/s score but not the work per sample. {@code cpuNanos} is
   * reported per second of wall time, so samples per CPU-second = score * 1e9 / cpuNanos.
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class CpuTime {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    public long cpuNanos;
  }

  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public void parseWithVisitor(Blackhole bh, CpuTime cpu) throws ExpositionParseException {
    long start = CpuTime.MX.getCurrentThreadCpuTime();
    visitor.bh = bh;
    parser.parse(body, 0, body.length, format, visitor);
    cpu.cpuNanos += CpuTime.MX.getCurrentThreadCpuTime() - start;
  }
}
