package io.strata.ingest.remotewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.CodedOutputStream;
import io.strata.ingest.kafka.PartitionedBatch;
import io.strata.ingest.kafka.PartitionedBatchTest;
import io.strata.ingest.kafka.SeriesSamples;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.SeriesPartitioner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

/**
 * Requests in Prometheus's plain shape are decoded on {@link RemoteWriteV1FastPath}, everything else the
 * general way; a request must decode to the same result (or the same error) either way. Random requests mix
 * the plain shape with what must leave it: exemplars, histograms, metadata, unknown fields, labels after
 * samples, samples with fields reversed or missing, invalid names, truncated or corrupted bytes.
 */
class RemoteWriteV1FastPathTest {
  private static final String[] NAMES = {"__name__", "__name__", "job", "instance", "mode", "a", "1bad", "", "zzz"};
  private static final String[] VALUES = {"up", "node_cpu_seconds_total", "x", "", "Zürich", "1bad"};

  private static byte[] message(Writer w) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    w.write(out);
    out.flush();
    return bytes.toByteArray();
  }

  interface Writer {
    void write(CodedOutputStream out) throws IOException;
  }

  private static byte[] randomTimeSeries(SplittableRandom r) throws IOException {
    return message(out -> {
      int labels = r.nextInt(0, 5);
      int samples = r.nextInt(0, 4);
      boolean labelLast = r.nextInt(10) == 0;
      for (int i = 0; i < labels - (labelLast ? 1 : 0); i++) {
        String name = i == 0 ? "__name__" : NAMES[r.nextInt(NAMES.length)];
        String value = VALUES[r.nextInt(VALUES.length)];
        out.writeByteArray(1, message(l -> {
          l.writeString(1, name);
          l.writeString(2, value);
        }));
      }
      for (int i = 0; i < samples; i++) {
        double v = r.nextInt(4) == 0 ? Double.NaN : r.nextDouble() * 1e6;
        long t = r.nextLong(-1L << 40, 1L << 42);
        int shape = r.nextInt(12);
        out.writeByteArray(2, message(s -> {
          if (shape == 0) {
            s.writeInt64(2, t); // reversed
            s.writeDouble(1, v);
          } else if (shape == 1) {
            s.writeDouble(1, v); // no timestamp
          } else if (shape == 2) {
            s.writeDouble(1, v);
            s.writeInt64(2, t);
            s.writeInt32(3, 7); // unknown field
          } else {
            s.writeDouble(1, v);
            s.writeInt64(2, t);
          }
        }));
      }
      if (labelLast) {
        out.writeByteArray(1, message(l -> {
          l.writeString(1, "zz");
          l.writeString(2, "late");
        }));
      }
      switch (r.nextInt(14)) {
        case 0 -> out.writeByteArray(3, new byte[] {0x11, 0, 0, 0, 0, 0, 0, (byte) 0xf0, 0x3f}); // exemplar
        case 1 -> out.writeByteArray(4, new byte[] {0x08, 0x01}); // histogram
        case 2 -> out.writeInt64(9, 42); // unknown field
        default -> { }
      }
    });
  }

  private static byte[] randomRequest(SplittableRandom r) throws IOException {
    byte[] raw = message(out -> {
      int series = r.nextInt(0, 6);
      for (int i = 0; i < series; i++) {
        out.writeByteArray(1, randomTimeSeries(r));
      }
      if (r.nextInt(10) == 0) {
        out.writeByteArray(3, message(m -> {
          m.writeEnum(1, 1);
          m.writeString(2, "up");
          m.writeString(4, "help");
        }));
      }
    });
    switch (r.nextInt(10)) {
      case 0 -> raw = Arrays.copyOf(raw, r.nextInt(raw.length + 1)); // truncated
      case 1 -> {
        if (raw.length > 0) {
          raw[r.nextInt(raw.length)] = (byte) r.nextInt(256); // one corrupted byte
        }
      }
      default -> { }
    }
    return raw;
  }

  private static String render(RemoteWriteV1Decoder decoder, String tenant, byte[] body) {
    try {
      return render(decoder.decodeRequest(tenant, body));
    } catch (BadRequestException e) {
      return "ERROR " + e.reason() + ": " + e.getMessage();
    }
  }

  private static String render(WriteRequestData d) {
    {
      StringBuilder sb = new StringBuilder();
      for (SeriesSamples s : d.series()) {
        sb.append(s.labels()).append(' ').append(s.count());
        for (int i = 0; i < s.count(); i++) {
          sb.append(' ').append(s.timestamps()[i]).append('=').append(Double.doubleToRawLongBits(s.values()[i]));
        }
        sb.append('\n');
      }
      return sb.append(d.metadata()).append(" samples=").append(d.samples()).append(" histograms=").append(d.histogramsSkipped())
          .append(" exemplars=").append(d.exemplarsSkipped()).toString();
    }
  }

  @Test
  void fastAndGeneralPathsAgree() throws IOException {
    SplittableRandom r = new SplittableRandom(7);
    RemoteWriteV1Decoder cached = new RemoteWriteV1Decoder(1 << 20, 4);
    RemoteWriteV1Decoder general = new RemoteWriteV1Decoder(1 << 20, 4);
    KnownSeries known = new KnownSeries(1 << 20);
    int errors = 0;
    int plain = 0;
    int fast = 0;
    for (int n = 0; n < 5000; n++) {
      byte[] raw = randomRequest(r);
      byte[] body = Snappy.compress(raw);
      String expected = render(general, null, body); // no tenant: no cache, never the fast path
      WriteRequestData direct = RemoteWriteV1FastPath.decode(raw, raw.length, "t", known, 4);
      if (direct != null) {
        fast++;
        assertEquals(expected, render(direct), "request " + n + " on the fast path alone");
      }
      assertEquals(expected, render(cached, "t", body), "request " + n);
      assertEquals(expected, render(cached, "t", body), "request " + n + " again (known series)");
      if (expected.startsWith("ERROR")) {
        errors++;
      } else if (!expected.contains("histograms=0 exemplars=0") || expected.contains("MetricMetadata") || expected.contains("FamilyMetadata")) {
        continue;
      } else {
        plain++;
      }
    }
    assertTrue(errors > 500 && plain > 500 && fast > 500, "errors " + errors + ", plain successes " + plain + ", fast path " + fast);
  }

  /** What the producer sends for a list of series: per partition (SeriesPartitioner's), the series in order. */
  private static String records(String tenant, List<SeriesSamples> series, int partitions) {
    byte[][] records = PartitionedBatchTest.asList(tenant, "remote_write", series, partitions, 7);
    StringBuilder sb = new StringBuilder();
    for (int p = 0; p < partitions; p++) {
      if (records[p] != null) {
        sb.append(p).append(':').append(HexFormat.of().formatHex(records[p]));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String records(PartitionedBatch batch) {
    StringBuilder sb = new StringBuilder();
    for (int p = 0; p < batch.partitions(); p++) {
      byte[] record = batch.record(p, 7);
      if (record != null) {
        sb.append(p).append(':').append(HexFormat.of().formatHex(record));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  @Test
  void decodingIntoABatchWritesWhatTheListWouldSend() throws IOException {
    SplittableRandom r = new SplittableRandom(13);
    RemoteWriteV1Decoder streaming = new RemoteWriteV1Decoder(1 << 20, 4);
    RemoteWriteV1Decoder general = new RemoteWriteV1Decoder(1 << 20, 4);
    int compared = 0;
    for (int n = 0; n < 3000; n++) {
      byte[] body = Snappy.compress(randomRequest(r));
      String expected;
      WriteRequestData listed;
      try {
        listed = general.decodeRequest(null, body);
        expected = records("t", listed.series(), 3);
      } catch (BadRequestException e) {
        listed = null;
        expected = "ERROR " + e.reason() + ": " + e.getMessage();
      }
      for (int again = 0; again < 2; again++) { // the second time the series are known
        PartitionedBatch batch = PartitionedBatch.encoding("t", "remote_write", 3);
        String got;
        try {
          WriteRequestData d = streaming.decodeRequest("t", body, batch);
          got = records(batch);
          assertTrue(d.series().isEmpty(), "the series went into the batch");
          assertEquals(listed.metadata(), d.metadata());
          assertEquals(listed.samples(), d.samples());
          assertEquals(listed.histogramsSkipped(), d.histogramsSkipped());
          assertEquals(listed.exemplarsSkipped(), d.exemplarsSkipped());
          compared++;
        } catch (BadRequestException e) {
          got = "ERROR " + e.reason() + ": " + e.getMessage();
        }
        assertEquals(expected, got, "request " + n + (again == 1 ? " again" : ""));
      }
    }
    assertTrue(compared > 1000, "successful requests compared: " + compared);
  }

  @Test
  void aRequestLargerThanTheKeptBufferDecodesTheSame() {
    List<SeriesSamples> series = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) { // ~2 MB decompressed: past the per-thread buffer, and past the kept arrays
      series.add(SeriesSamples.of(Labels.of("__name__", "node_network_receive_bytes_total", "device", "eth" + i,
          "instance", "host-" + i + ".example.org:9100", "job", "node"), 1767225600000L + i, i));
    }
    byte[] big = RemoteWriteV1Encoder.encode(series);
    byte[] small = RemoteWriteV1Encoder.encode(series.subList(0, 10));
    RemoteWriteV1Decoder decoder = new RemoteWriteV1Decoder(64 << 20, 100_000);
    for (int round = 0; round < 2; round++) {
      assertEquals(render(new RemoteWriteV1Decoder(64 << 20).decodeRequest(big)), render(decoder.decodeRequest("t", big)));
      assertEquals(render(new RemoteWriteV1Decoder(64 << 20).decodeRequest(small)), render(decoder.decodeRequest("t", small)));
    }
  }
}
