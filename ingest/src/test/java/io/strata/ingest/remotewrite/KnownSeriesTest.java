package io.strata.ingest.remotewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.CodedOutputStream;
import io.strata.ingest.kafka.SeriesSamples;
import io.strata.schemas.model.Labels;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

/** The remote_write 1.0 decoder's cache of known series: same answers as without it, for good and bad input. */
class KnownSeriesTest {
  private static final long T0 = 1767225600000L; // 2026-01-01T00:00:00Z

  private static SeriesSamples series(int i, long t) {
    return new SeriesSamples(Labels.of("__name__", "node_cpu_seconds_total", "cpu", Integer.toString(i), "mode", "idle", "job", "node"),
        new long[] {t}, new double[] {i}, 1);
  }

  private static byte[] request(long t, int n) {
    List<SeriesSamples> s = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      s.add(series(i, t));
    }
    return RemoteWriteV1Encoder.encode(s);
  }

  @Test
  void sameLabelBytesGiveEqualLabelsFromTheCache() {
    RemoteWriteV1Decoder decoder = new RemoteWriteV1Decoder(1 << 20);
    List<SeriesSamples> first = decoder.decodeRequest("default", request(T0, 50)).series();
    List<SeriesSamples> second = decoder.decodeRequest("default", request(T0 + 15_000, 50)).series();
    List<SeriesSamples> uncached = decoder.decodeRequest(request(T0 + 15_000, 50)).series();
    assertEquals(50, decoder.knownSeries());
    for (int i = 0; i < 50; i++) {
      assertEquals(series(i, T0).labels(), second.get(i).labels());
      assertEquals(uncached.get(i).labels(), second.get(i).labels());
      assertSame(first.get(i).labels(), second.get(i).labels(), "second request served from the cache");
      assertEquals(T0 + 15_000, second.get(i).timestamps()[0], "samples are the request's, not cached");
      assertNotNull(second.get(i).encoded());
      assertNull(uncached.get(i).encoded());
    }
  }

  @Test
  void tenantsDoNotShareEntries() {
    RemoteWriteV1Decoder decoder = new RemoteWriteV1Decoder(1 << 20);
    SeriesSamples a = decoder.decodeRequest("team-a", request(T0, 1)).series().get(0);
    SeriesSamples b = decoder.decodeRequest("team-b", request(T0, 1)).series().get(0);
    assertEquals(a.labels(), b.labels());
    assertEquals(2, decoder.knownSeries());
  }

  @Test
  void invalidLabelNameIsRejectedTheFirstTimeAndEveryTime() {
    RemoteWriteV1Decoder decoder = new RemoteWriteV1Decoder(1 << 20);
    SeriesSamples bad = new SeriesSamples(Labels.of("__name__", "up", "bad-name", "x"), new long[] {T0}, new double[] {1}, 1);
    byte[] body = RemoteWriteV1Encoder.encode(List.of(series(0, T0), bad));
    for (int attempt = 0; attempt < 3; attempt++) {
      BadRequestException e = assertThrows(BadRequestException.class, () -> decoder.decodeRequest("default", body));
      assertEquals("label_name", e.reason());
      assertTrue(e.getMessage().contains("series 1") && e.getMessage().contains("bad-name"), e.getMessage());
    }
    assertEquals(1, decoder.knownSeries(), "only the valid series is cached");
  }

  @Test
  void invalidMetricNameIsRejectedEveryTime() {
    RemoteWriteV1Decoder decoder = new RemoteWriteV1Decoder(1 << 20);
    byte[] body = RemoteWriteV1Encoder.encode(List.of(new SeriesSamples(Labels.of("__name__", "1up"), new long[] {T0}, new double[] {1}, 1)));
    for (int attempt = 0; attempt < 3; attempt++) {
      assertEquals("metric_name", assertThrows(BadRequestException.class, () -> decoder.decodeRequest("default", body)).reason());
    }
  }

  @Test
  void labelsAfterSamplesAreDecodedWithoutTheCache() throws Exception {
    // TimeSeries{label __name__=up, sample{1, T0}, label job=node}: labels not one contiguous run
    ByteArrayOutputStream ts = new ByteArrayOutputStream();
    CodedOutputStream o = CodedOutputStream.newInstance(ts);
    o.writeByteArray(1, label("__name__", "up"));
    ByteArrayOutputStream sample = new ByteArrayOutputStream();
    CodedOutputStream so = CodedOutputStream.newInstance(sample);
    so.writeDouble(1, 1.0);
    so.writeInt64(2, T0);
    so.flush();
    o.writeByteArray(2, sample.toByteArray());
    o.writeByteArray(1, label("job", "node"));
    o.flush();
    ByteArrayOutputStream req = new ByteArrayOutputStream();
    CodedOutputStream ro = CodedOutputStream.newInstance(req);
    ro.writeByteArray(1, ts.toByteArray());
    ro.flush();
    RemoteWriteV1Decoder decoder = new RemoteWriteV1Decoder(1 << 20);
    SeriesSamples got = decoder.decodeRequest("default", Snappy.compress(req.toByteArray())).series().get(0);
    assertEquals(Labels.of("__name__", "up", "job", "node"), got.labels());
    assertEquals(T0, got.timestamps()[0]);
    assertEquals(0, decoder.knownSeries());
  }

  private static byte[] label(String name, String value) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    CodedOutputStream o = CodedOutputStream.newInstance(b);
    o.writeString(1, name);
    o.writeString(2, value);
    o.flush();
    return b.toByteArray();
  }

  @Test
  void fullCacheIsClearedAndStaysCorrect() {
    long budget = KnownSeries.estimate(60, 4) * 10; // room for about 10 of these series
    RemoteWriteV1Decoder decoder = new RemoteWriteV1Decoder(1 << 20, Integer.MAX_VALUE, budget);
    for (int round = 0; round < 3; round++) {
      List<SeriesSamples> got = decoder.decodeRequest("default", request(T0 + round, 25)).series();
      for (int i = 0; i < 25; i++) {
        assertEquals(series(i, T0).labels(), got.get(i).labels());
      }
      assertTrue(decoder.knownSeries() <= 12, "bounded: " + decoder.knownSeries());
    }
  }

  @Test
  void concurrentRequestsGetTheirOwnSeries() throws Exception {
    RemoteWriteV1Decoder decoder = new RemoteWriteV1Decoder(1 << 20, Integer.MAX_VALUE, KnownSeries.estimate(60, 4) * 40);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int th = 0; th < 4; th++) {
        int offset = th * 30;
        done.add(pool.submit(() -> {
          for (int r = 0; r < 100; r++) {
            List<SeriesSamples> s = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
              s.add(series(offset + i, T0 + r));
            }
            List<SeriesSamples> got = decoder.decodeRequest("default", RemoteWriteV1Encoder.encode(s)).series();
            for (int i = 0; i < 30; i++) {
              assertEquals(s.get(i).labels(), got.get(i).labels());
              assertEquals(T0 + r, got.get(i).timestamps()[0]);
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(); // rethrows an assertion failure of a worker
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
