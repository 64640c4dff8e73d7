package io.strata.bench.ingest;

import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.ingest.kafka.SampleBatchEncoder;
import io.strata.ingest.kafka.SeriesSamples;
import io.strata.schemas.model.Labels;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.registry.SchemaRegistry;
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
 * Encoding one SampleBatch of {@link #SERIES} single-sample series (a remote_write request of Prometheus's
 * 2,000 samples): the Avro SpecificRecord path (one Sample, Series, Label object each, through
 * AvroWireSerde) against {@link SampleBatchEncoder} (same bytes). Scores are per sample; run with
 * {@code -prof gc} to see bytes allocated per sample.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SampleBatchEncodeBench {
  static final int SERIES = 2_000;
  private static final String TOPIC = "metrics.samples";

  private List<SeriesSamples> series;
  private AvroWireSerde<SampleBatch> serde;
  private int schemaId;
  private final SampleBatchEncoder encoder = new SampleBatchEncoder();

  @Setup(Level.Trial)
  public void setUp() {
    series = new ArrayList<>(SERIES);
    for (int i = 0; i < SERIES; i++) {
      series.add(SeriesSamples.of(Labels.of("__name__", "node_cpu_seconds_total", "cpu", Integer.toString(i % 64), "instance",
          "host-" + (i / 64) + ".example.org:9100", "job", "node", "mode", i % 2 == 0 ? "user" : "system"), 1767225600000L + i, i * 1.5));
    }
    SchemaRegistry registry = SchemaRegistries.forUrl("mock://" + UUID.randomUUID());
    serde = new AvroWireSerde<>(registry, SampleBatch.class);
    schemaId = registry.register(AvroWireSerde.valueSubject(TOPIC), serde.registeredSchema());
  }

  @Benchmark
  @OperationsPerInvocation(SERIES)
  public byte[] avroSpecificRecord() {
    List<Series> out = new ArrayList<>(SERIES);
    for (SeriesSamples s : series) {
      List<Sample> samples = new ArrayList<>(s.count());
      for (int i = 0; i < s.count(); i++) {
        samples.add(new Sample(s.timestamps()[i], s.values()[i]));
      }
      out.add(new Series(s.labels().toAvro(), samples));
    }
    return serde.serialize(TOPIC, new SampleBatch("default", "remote_write", out));
  }

  @Benchmark
  @OperationsPerInvocation(SERIES)
  public byte[] direct() {
    encoder.begin(schemaId, "default", "remote_write", SERIES);
    for (SeriesSamples s : series) {
      encoder.series(s);
    }
    return encoder.finish();
  }
}
