package io.strata.ingest.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.SeriesKey;
import io.strata.schemas.model.SeriesPartitioner;
import io.strata.schemas.model.StaleMarker;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.registry.SchemaRegistry;
import io.strata.schemas.serde.AvroWireSerde;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/** The direct encoder must write exactly the bytes AvroWireSerde writes for the same SampleBatch. */
class SampleBatchEncoderTest {
  private static final long T0 = 1767225600000L;
  private static final String TOPIC = "metrics.samples";

  private final SchemaRegistry registry = SchemaRegistries.forUrl("mock://" + UUID.randomUUID());
  private final AvroWireSerde<SampleBatch> serde = new AvroWireSerde<>(registry, SampleBatch.class);

  private byte[] viaAvro(String tenant, String source, List<SeriesSamples> series) {
    List<Series> out = new ArrayList<>();
    for (SeriesSamples s : series) {
      List<Sample> samples = new ArrayList<>();
      for (int i = 0; i < s.count(); i++) {
        samples.add(new Sample(s.timestamps()[i], s.values()[i]));
      }
      out.add(new Series(s.labels().toAvro(), samples));
    }
    return serde.serialize(TOPIC, new SampleBatch(tenant, source, out));
  }

  private byte[] direct(String tenant, String source, List<SeriesSamples> series) {
    int id = registry.register(AvroWireSerde.valueSubject(TOPIC), serde.registeredSchema());
    SampleBatchEncoder enc = new SampleBatchEncoder();
    enc.begin(id, tenant, source, series.size());
    series.forEach(enc::series);
    return enc.finish();
  }

  @Test
  void bytesEqualAvroWireSerdeForTypicalSeries() {
    List<SeriesSamples> series = List.of(
        new SeriesSamples(Labels.of("__name__", "node_load1", "instance", "host-1:9100", "job", "node"),
            new long[] {T0, T0 + 15_000, -5}, new double[] {0.25, StaleMarker.VALUE, -1e300}, 3),
        SeriesSamples.of(Labels.of("__name__", "up", "zone", "zürich-ö-日本"), T0, Double.NaN),
        new SeriesSamples(Labels.of("__name__", "empty"), new long[4], new double[4], 0));
    byte[] avro = viaAvro("default", "remote_write", series);
    assertArrayEquals(avro, direct("default", "remote_write", series));
    assertEquals(StaleMarker.BITS, Double.doubleToRawLongBits(serde.deserialize(direct("default", "remote_write", series))
        .getSeries().get(0).getSamples().get(1).getValue()), "stale marker bits survive");
  }

  @Test
  void bytesEqualForAnEmptyBatchAndLongStrings() {
    assertArrayEquals(viaAvro("t", "scrape", List.of()), direct("t", "scrape", List.of()));
    String longValue = "x".repeat(70_000);
    List<SeriesSamples> one = List.of(SeriesSamples.of(Labels.of("__name__", "m", "v", longValue), Long.MAX_VALUE, Double.MAX_VALUE));
    assertArrayEquals(viaAvro("tenant-ä", "otlp", one), direct("tenant-ä", "otlp", one));
  }

  @Test
  void bytesEqualForRandomBatches() {
    Random r = new Random(42);
    for (int round = 0; round < 50; round++) {
      List<SeriesSamples> series = new ArrayList<>();
      int n = r.nextInt(20);
      for (int i = 0; i < n; i++) {
        int count = r.nextInt(5);
        long[] ts = new long[count + 1];
        double[] vs = new double[count + 1];
        for (int k = 0; k < count; k++) {
          ts[k] = r.nextLong();
          vs[k] = r.nextGaussian() * Math.pow(10, r.nextInt(40) - 20);
        }
        series.add(new SeriesSamples(Labels.of("__name__", "m" + r.nextInt(1000), "l", Integer.toString(r.nextInt())), ts, vs, count));
      }
      assertArrayEquals(viaAvro("default", "bench", series), direct("default", "bench", series), "round " + round);
    }
  }

  @Test
  void cachedEncodingWritesTheSameBytesAndPartition() {
    List<SeriesSamples> plain = new ArrayList<>();
    List<SeriesSamples> cached = new ArrayList<>();
    Random rnd = new Random(7);
    for (int i = 0; i < 200; i++) {
      Labels l = Labels.of("__name__", "node_cpu_seconds_total", "cpu", Integer.toString(i), "mode", rnd.nextBoolean() ? "idle" : "zürich");
      plain.add(SeriesSamples.of(l, T0 + i, i * 0.5));
      cached.add(new SeriesSamples(l, new long[] {T0 + i}, new double[] {i * 0.5}, 1, EncodedSeries.of("tenant-a", l)));
      for (int n : new int[] {1, 3, 12, 64}) {
        assertEquals(SeriesPartitioner.partition("tenant-a", l, n), EncodedSeries.of("tenant-a", l).partition("tenant-a", n), l + " over " + n);
      }
      assertEquals(-1, EncodedSeries.of("tenant-a", l).partition("tenant-b", 12), "a hash for another tenant is not used");
    }
    cached.add(new SeriesSamples(Labels.EMPTY, new long[] {T0}, new double[] {1}, 1, EncodedSeries.of("tenant-a", Labels.EMPTY)));
    plain.add(SeriesSamples.of(Labels.EMPTY, T0, 1));
    assertArrayEquals(viaAvro("tenant-a", "remote_write", plain), direct("tenant-a", "remote_write", cached));
  }
}
