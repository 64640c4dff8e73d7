package io.strata.bench.kafka;

import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.bench.tsdb.NodeExporterLikeData;
import io.strata.schemas.model.SeriesPartitioner;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.serde.AvroWireSerde;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;

/**
 * What each Kafka codec costs on {@code metrics.samples} as ingest writes it: node_exporter-like scrapes (one
 * SampleBatch per 100-series instance and partition, one sample per series), packed into Kafka record batches of
 * about the producer's 256 KiB batch size with Kafka's own codecs, then read back. Prints, per codec, bytes
 * per sample and CPU nanoseconds per sample to compress and to decompress (this thread's CPU time, so a loaded
 * machine changes little). The question it answers: can {@code metrics.samples} use a codec every client reads
 * without an add-on (gzip: kafkajs reads only gzip natively) instead of lz4, and at what cost.
 */
public final class SampleCompressionHarness {
  private SampleCompressionHarness() {}

  public static void main(String[] args) {
    int series = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int scrapes = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    NodeExporterLikeData data = new NodeExporterLikeData(series);
    AvroWireSerde<SampleBatch> serde = new AvroWireSerde<>(SchemaRegistries.forUrl("mock://compression-harness"), SampleBatch.class);
    List<byte[]> values = new ArrayList<>();
    for (int step = 0; step < scrapes; step++) {
      long t = data.timestamp(step);
      Map<Integer, List<Series>> byPartition = new HashMap<>();
      for (int i = 0; i < series; i++) {
        byPartition.computeIfAbsent(SeriesPartitioner.partition("default", data.labels(i), 4), k -> new ArrayList<>())
            .add(new Series(data.labels(i).toAvro(), List.of(new Sample(t, data.next(i)))));
        if (i % 100 == 99 || i == series - 1) {
          for (List<Series> s : byPartition.values()) {
            values.add(serde.serialize("metrics.samples", new SampleBatch("default", "scrape", s)));
          }
          byPartition.clear();
        }
      }
    }
    long samples = (long) series * scrapes;
    long raw = values.stream().mapToLong(v -> v.length).sum();
    System.out.printf("%d samples in %d SampleBatch records, %.1f value bytes per sample uncompressed%n", samples, values.size(),
        (double) raw / samples);
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    System.out.println("codec   bytes/sample  compress ns/sample  decompress ns/sample   (best of " + rounds + " rounds)");
    for (CompressionType type : CompressionType.values()) {
      long best = Long.MAX_VALUE;
      long bestRead = Long.MAX_VALUE;
      long size = 0;
      for (int r = 0; r < rounds; r++) {
        long c0 = cpu.getCurrentThreadCpuTime();
        List<ByteBuffer> batches = write(values, type);
        long c1 = cpu.getCurrentThreadCpuTime();
        long read = 0;
        for (ByteBuffer b : batches) {
          for (Record rec : MemoryRecords.readableRecords(b.duplicate()).records()) {
            read += rec.valueSize();
          }
        }
        long c2 = cpu.getCurrentThreadCpuTime();
        if (read != raw) {
          throw new IllegalStateException("BUG: read " + read + " bytes back, wrote " + raw);
        }
        size = batches.stream().mapToLong(ByteBuffer::remaining).sum();
        best = Math.min(best, c1 - c0);
        bestRead = Math.min(bestRead, c2 - c1);
      }
      System.out.printf("%-7s %12.2f  %18.0f  %20.0f%n", type.name, (double) size / samples, (double) best / samples,
          (double) bestRead / samples);
    }
  }

  /** The records in batches of at most ~256 KiB uncompressed (ingest's batch.size), each compressed whole. */
  private static List<ByteBuffer> write(List<byte[]> values, CompressionType type) {
    List<ByteBuffer> out = new ArrayList<>();
    MemoryRecordsBuilder b = null;
    long inBatch = 0;
    for (byte[] v : values) {
      if (b == null || inBatch + v.length > 256 * 1024) {
        if (b != null) {
          out.add(b.build().buffer());
        }
        b = MemoryRecords.builder(ByteBuffer.allocate(512 * 1024), RecordBatch.CURRENT_MAGIC_VALUE, Compression.of(type).build(),
            TimestampType.CREATE_TIME, 0L);
        inBatch = 0;
      }
      b.append(0L, null, v);
      inBatch += v.length;
    }
    out.add(b.build().buffer());
    return out;
  }
}
