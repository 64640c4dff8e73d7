package io.strata.bench.ingest;

import io.strata.ingest.kafka.PartitionedBatch;
import io.strata.ingest.kafka.SampleBatchEncoder;
import io.strata.ingest.kafka.SeriesSamples;
import io.strata.ingest.remotewrite.RemoteWriteV1Decoder;
import io.strata.ingest.remotewrite.RemoteWriteV1Encoder;
import io.strata.schemas.model.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

/**
 * remote_write 1.0 decode (snappy + protobuf + label validation) followed by the direct SampleBatch
 * encoding, per sample, of the requests {@code RemoteWriteCpuBenchIT} sends: 10,000 node_exporter-like
 * series in requests of 2,000 single-sample series. {@code cache=true} decodes with the series cache
 * (the server's path), {@code false} without it (every series decoded into Strings and Labels).
 * {@code decodeAndEncode} lists the series, then encodes them into one record (the path before the
 * streaming batch); {@code decodeIntoPartitionedBatch} is the server's path now: each series is encoded
 * into its partition's record (4 partitions, as the IT's topic) while the request is decoded.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RemoteWriteDecodeBench {
  static final int SERIES = 10_000;
  static final int PER_REQUEST = 2_000;
  static final int PARTITIONS = 4;

  @Param({"true", "false"})
  public boolean cache;

  private List<byte[]> bodies;
  private RemoteWriteV1Decoder decoder;
  private final SampleBatchEncoder encoder = new SampleBatchEncoder();
  private final PartitionedBatch batch = PartitionedBatch.encoding("default", "remote_write", PARTITIONS);
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    bodies = new ArrayList<>();
    long t = 1767225600000L;
    for (int round = 0; round < 4; round++) {
      for (int start = 0; start < SERIES; start += PER_REQUEST) {
        List<SeriesSamples> batch = new ArrayList<>(PER_REQUEST);
        for (int i = start; i < start + PER_REQUEST; i++) {
          batch.add(SeriesSamples.of(Labels.of("__name__", "node_cpu_seconds_total", "cpu", Integer.toString(i % 64), "instance",
              "host-" + (i / 64) + ".example.org:9100", "job", "node", "mode", i % 2 == 0 ? "user" : "system"), t, i * 1.5 + round));
        }
        bodies.add(RemoteWriteV1Encoder.encode(batch));
      }
      t += 15_000;
    }
    decoder = new RemoteWriteV1Decoder(64 << 20, 100_000);
  }

  @Benchmark
  @OperationsPerInvocation(PER_REQUEST)
  public byte[] decodeAndEncode() {
    byte[] body = bodies.get(next);
    next = (next + 1) % bodies.size();
    List<SeriesSamples> series = decoder.decodeRequest(cache ? "default" : null, body).series();
    encoder.begin(1, "default", "remote_write", series.size());
    for (int i = 0; i < series.size(); i++) {
      encoder.series(series.get(i));
    }
    return encoder.finish();
  }

  @Benchmark
  @OperationsPerInvocation(PER_REQUEST)
  public int decodeIntoPartitionedBatch() {
    byte[] body = bodies.get(next);
    next = (next + 1) % bodies.size();
    batch.clear();
    decoder.decodeRequest(cache ? "default" : null, body, batch);
    int bytes = 0;
    for (int p = 0; p < PARTITIONS; p++) {
      byte[] record = batch.record(p, 1);
      bytes += record == null ? 0 : record.length;
    }
    return bytes;
  }
}
