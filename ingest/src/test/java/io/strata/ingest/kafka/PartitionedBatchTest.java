package io.strata.ingest.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.avro.SampleBatch;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.SeriesPartitioner;
import io.strata.schemas.model.StaleMarker;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.registry.SchemaRegistry;
import io.strata.schemas.serde.AvroWireSerde;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A batch that encodes series as they are added must produce, per partition, the record the producer
 * writes for the same series sent as a list: same partition (SeriesPartitioner's), same bytes
 * (SampleBatchEncoder.begin/series/finish, themselves checked against AvroWireSerde).
 */
public class PartitionedBatchTest {
  private static final long T0 = 1767225600000L;
  private static final String TOPIC = "metrics.samples";

  private final SchemaRegistry registry = SchemaRegistries.forUrl("mock://" + UUID.randomUUID());
  private final AvroWireSerde<SampleBatch> serde = new AvroWireSerde<>(registry, SampleBatch.class);

  /** The producer's list path: group by partition (in order), one record per partition (null for none). */
  public static byte[][] asList(String tenant, String source, List<SeriesSamples> series, int partitions, int schemaId) {
    byte[][] out = new byte[partitions][];
    for (int p = 0; p < partitions; p++) {
      List<SeriesSamples> mine = new ArrayList<>();
      for (SeriesSamples s : series) {
        if (s.count() > 0 && SeriesPartitioner.partition(tenant, s.labels(), partitions) == p) {
          mine.add(s);
        }
      }
      if (!mine.isEmpty()) {
        SampleBatchEncoder enc = new SampleBatchEncoder();
        enc.begin(schemaId, tenant, source, mine.size());
        mine.forEach(enc::series);
        out[p] = enc.finish();
      }
    }
    return out;
  }

  @Test
  void recordsEqualTheListEncodingForRandomSeries() {
    int schemaId = registry.register(AvroWireSerde.valueSubject(TOPIC), serde.registeredSchema());
    Random r = new Random(11);
    for (int round = 0; round < 200; round++) {
      int partitions = 1 + r.nextInt(8);
      String tenant = r.nextBoolean() ? "default" : "team-ä";
      List<SeriesSamples> series = new ArrayList<>();
      PartitionedBatch batch = PartitionedBatch.encoding(tenant, "remote_write", partitions);
      long samples = 0;
      for (int i = r.nextInt(60); i > 0; i--) {
        Labels labels = Labels.of("__name__", "m" + r.nextInt(50), "instance", "host-" + r.nextInt(20), "zone", r.nextInt(5) == 0 ? "zürich" : "eu");
        int count = r.nextInt(6) == 0 ? 0 : 1 + r.nextInt(4);
        int from = r.nextInt(3);
        long[] ts = new long[from + count + 1];
        double[] vs = new double[from + count + 1];
        for (int k = 0; k < ts.length; k++) {
          ts[k] = r.nextInt(4) == 0 ? -r.nextLong(1L << 50) : T0 + r.nextLong(1L << 40);
          vs[k] = r.nextInt(5) == 0 ? StaleMarker.VALUE : r.nextGaussian() * 1e6;
        }
        long[] t = java.util.Arrays.copyOfRange(ts, from, from + count);
        double[] v = java.util.Arrays.copyOfRange(vs, from, from + count);
        series.add(new SeriesSamples(labels, t, v, count));
        samples += count;
        switch (r.nextInt(4)) {
          case 0 -> batch.add(EncodedSeries.of(tenant, labels), ts, vs, from, count); // the decoder's way
          case 1 -> batch.add(EncodedSeries.of("other", labels), ts, vs, from, count); // encoded for another tenant: hashed again
          case 2 -> batch.add(new SeriesSamples(labels, t, v, count, EncodedSeries.of(tenant, labels)));
          default -> batch.add(new SeriesSamples(labels, t, v, count));
        }
      }
      assertEquals(samples, batch.samples(), "round " + round);
      byte[][] expected = asList(tenant, "remote_write", series, partitions, schemaId);
      for (int p = 0; p < partitions; p++) {
        assertArrayEquals(expected[p], batch.record(p, schemaId), "round " + round + " partition " + p);
      }
    }
  }

  @Test
  void clearForgetsEverythingAndAnEmptyPartitionHasNoRecord() {
    Labels up = Labels.of("__name__", "up", "job", "node");
    PartitionedBatch batch = PartitionedBatch.encoding("default", "remote_write", 3);
    batch.add(EncodedSeries.of("default", up), new long[] {T0}, new double[] {1}, 0, 1);
    batch.clear();
    assertEquals(0, batch.samples());
    for (int p = 0; p < 3; p++) {
      assertNull(batch.record(p, 1), "partition " + p);
    }
    batch.add(EncodedSeries.of("default", up), new long[] {T0}, new double[] {1}, 0, 0); // no samples: nothing
    for (int p = 0; p < 3; p++) {
      assertNull(batch.record(p, 1), "partition " + p);
    }
    batch.add(EncodedSeries.of("default", up), new long[] {T0, T0 + 15_000}, new double[] {1, 0}, 1, 1);
    int p = SeriesPartitioner.partition("default", up, 3);
    SampleBatch decoded = serde.deserialize(batch.record(p, registry.register(AvroWireSerde.valueSubject(TOPIC), serde.registeredSchema())));
    assertEquals("default", decoded.getTenant());
    assertEquals(1, decoded.getSeries().size());
    assertEquals(T0 + 15_000, decoded.getSeries().get(0).getSamples().get(0).getTimestampMs());
  }

  @Test
  void aCollectingBatchKeepsTheSeries() {
    Labels up = Labels.of("__name__", "up");
    PartitionedBatch batch = PartitionedBatch.collecting("default", "remote_write");
    batch.add(EncodedSeries.of("default", up), new long[] {1, 2, 3}, new double[] {4, 5, 6}, 1, 2);
    assertEquals(1, batch.collected().size());
    SeriesSamples s = batch.collected().get(0);
    assertEquals(up, s.labels());
    assertArrayEquals(new long[] {2, 3}, s.timestamps());
    assertArrayEquals(new double[] {5, 6}, s.values());
    assertEquals(2, batch.samples());
  }

  @Test
  void seriesPastTheRecordSizeGoIntoFurtherRecordsOfTheirPartitionInOrder() {
    int schemaId = registry.register(AvroWireSerde.valueSubject(TOPIC), serde.schema());
    int max = 4_000;
    Random r = new Random(5);
    List<SeriesSamples> series = new ArrayList<>();
    PartitionedBatch batch = PartitionedBatch.encoding("default", "remote_write", 3, max);
    for (int i = 0; i < 500; i++) {
      int n = 1 + r.nextInt(20);
      long[] ts = new long[n];
      double[] vs = new double[n];
      for (int k = 0; k < n; k++) {
        ts[k] = T0 + k * 15_000L;
        vs[k] = r.nextDouble();
      }
      SeriesSamples s = new SeriesSamples(Labels.of("__name__", "node_cpu_seconds_total", "cpu", Integer.toString(i), "mode", "idle"), ts, vs, n);
      series.add(s);
      if (i % 2 == 0) {
        batch.add(s);
      } else {
        batch.add(EncodedSeries.of("default", s.labels()), ts, vs, 0, n);
      }
    }
    int records = 0;
    for (int p = 0; p < 3; p++) {
      List<SeriesSamples> expected = new ArrayList<>();
      for (SeriesSamples s : series) {
        if (SeriesPartitioner.partition("default", s.labels(), 3) == p) {
          expected.add(s);
        }
      }
      List<io.strata.avro.Series> got = new ArrayList<>();
      for (byte[] record : batch.records(p, schemaId)) {
        records++;
        assertTrue(record.length <= max, "record of " + record.length + " bytes, limit " + max);
        SampleBatch b = serde.deserialize(record);
        assertEquals("default", b.getTenant());
        assertEquals("remote_write", b.getSource());
        got.addAll(b.getSeries());
      }
      assertEquals(expected.size(), got.size(), "partition " + p);
      for (int k = 0; k < expected.size(); k++) {
        assertEquals(expected.get(k).labels(), Labels.fromAvro(got.get(k).getLabels()));
        assertEquals(expected.get(k).count(), got.get(k).getSamples().size());
        assertEquals(expected.get(k).values()[0], got.get(k).getSamples().get(0).getValue());
      }
    }
    assertTrue(records > 20, "the series were split over many records: " + records);
  }

  @Test
  void aSingleSeriesLargerThanARecordIsRefusedWith413() {
    PartitionedBatch batch = PartitionedBatch.encoding("default", "remote_write", 2, 4_000);
    int n = 1_000; // ~10 bytes per sample: 10 KB
    long[] ts = new long[n];
    double[] vs = new double[n];
    for (int k = 0; k < n; k++) {
      ts[k] = T0 + k;
    }
    batch.add(SeriesSamples.of(Labels.of("__name__", "up"), T0, 1));
    SeriesTooLargeException e = assertThrows(SeriesTooLargeException.class,
        () -> batch.add(EncodedSeries.of("default", Labels.of("__name__", "big")), ts, vs, 0, n));
    assertEquals(413, e.status());
    assertTrue(e.getMessage().contains("{__name__=\"big\"}") || e.getMessage().contains("big"), e.getMessage());
    assertTrue(e.getMessage().contains("largest Kafka record"), e.getMessage());
  }

  @Test
  void aKnownSeriesHasItsLabelsCheckedOnceAndItsSamplesEveryTime() {
    int[] labelChecks = {0};
    int[] sampleChecks = {0};
    Object rules = new Object();
    SeriesCheck check = new SeriesCheck() {
      @Override
      public void checkLabels(Labels labels, int samples) {
        labelChecks[0]++;
      }

      @Override
      public void checkSamples(Labels labels, long[] ts, int from, int n) {
        sampleChecks[0]++;
        if (ts[from] < 0) {
          throw new IllegalArgumentException("negative");
        }
      }

      @Override
      public Object labelRules() {
        return rules;
      }
    };
    EncodedSeries up = EncodedSeries.of("default", Labels.of("__name__", "up"));
    for (int request = 0; request < 3; request++) {
      PartitionedBatch.encoding("default", "remote_write", 2).check(check).add(up, new long[] {T0}, new double[] {1}, 0, 1);
    }
    assertEquals(1, labelChecks[0]);
    assertEquals(3, sampleChecks[0]);
    assertThrows(IllegalArgumentException.class,
        () -> PartitionedBatch.encoding("default", "remote_write", 2).check(check).add(up, new long[] {-1}, new double[] {1}, 0, 1));
    // other rules (another tenant's limits, a changed config): checked again
    SeriesCheck other = new SeriesCheck() {
      @Override
      public void checkLabels(Labels labels, int samples) {
        labelChecks[0]++;
      }

      @Override
      public void checkSamples(Labels labels, long[] ts, int from, int n) {}

      @Override
      public Object labelRules() {
        return new Object();
      }
    };
    PartitionedBatch.encoding("default", "remote_write", 2).check(other).add(up, new long[] {T0}, new double[] {1}, 0, 1);
    assertEquals(2, labelChecks[0]);
  }
}
