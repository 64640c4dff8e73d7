package io.strata.bench.kafka;

import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.SampleBatchCheck;
import io.strata.schemas.model.SeriesPartitioner;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.serde.AvroWireSerde;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the series check costs a stage reading {@code metrics.samples}: decoding one record of {@link #SERIES}
 * single-sample node_exporter-like series on their partition (of 4), alone and followed by
 * {@link SampleBatchCheck#check}. Scores are per series; run with {@code -prof gc} for bytes per series.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SampleBatchCheckBench {
  static final int SERIES = 500;
  private static final String TOPIC = "metrics.samples";

  private byte[] record;
  private AvroWireSerde<SampleBatch> serde;

  @Setup(Level.Trial)
  public void setUp() {
    List<Series> series = new ArrayList<>(SERIES);
    for (int i = 0; series.size() < SERIES; i++) {
      Labels l = Labels.of("__name__", "node_cpu_seconds_total", "cpu", Integer.toString(i % 64), "instance",
          "host-" + (i / 64) + ".example.org:9100", "job", "node", "mode", i % 2 == 0 ? "user" : "system");
      if (SeriesPartitioner.partition("default", l, 4) == 0) {
        series.add(new Series(l.toAvro(), List.of(new Sample(1767225600000L + i, i * 1.5))));
      }
    }
    serde = new AvroWireSerde<>(SchemaRegistries.forUrl("mock://" + UUID.randomUUID()), SampleBatch.class);
    record = serde.serialize(TOPIC, new SampleBatch("default", "scrape", series));
  }

  @Benchmark
  @OperationsPerInvocation(SERIES)
  public SampleBatch decode() {
    return serde.deserialize(record);
  }

  @Benchmark
  @OperationsPerInvocation(SERIES)
  public SampleBatchCheck.Rejection decodeAndCheck() {
    SampleBatch b = serde.deserialize(record);
    SampleBatchCheck.Rejection r = SampleBatchCheck.check(b, 0, 4);
    if (r != null) {
      throw new IllegalStateException("BUG: " + r);
    }
    return r;
  }
}
