package io.strata.ingest.remotewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.CodedOutputStream;
import io.strata.ingest.exposition.FamilyMetadata;
import io.strata.ingest.exposition.MetricType;
import io.strata.ingest.kafka.SeriesSamples;
import io.strata.schemas.model.Labels;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

class RemoteWriteV2DecoderTest {
  private static final long T0 = 1767225600000L;
  private final RemoteWriteV2Decoder decoder = new RemoteWriteV2Decoder(1 << 20, 1000);

  private static SeriesSamples series(String... labels) {
    return new SeriesSamples(Labels.of(labels), new long[] {T0, T0 + 15_000}, new double[] {1, 2}, 2);
  }

  @Test
  void decodesSymbolsLabelsSamplesAndMetadata() {
    byte[] body = RemoteWriteV2Encoder.encode(List.of(
        series("__name__", "http_request_duration_seconds_bucket", "le", "0.5", "job", "api"),
        series("__name__", "http_request_duration_seconds_count", "job", "api"),
        series("__name__", "up", "job", "api")),
        List.of(new FamilyMetadata("http_request_duration_seconds", MetricType.HISTOGRAM, "Request latency.", "seconds")));
    WriteRequestData d = decoder.decode(body);
    assertEquals(3, d.series().size());
    assertEquals(Labels.of("__name__", "http_request_duration_seconds_bucket", "le", "0.5", "job", "api"), d.series().get(0).labels());
    assertEquals(T0 + 15_000, d.series().get(2).timestamps()[1]);
    assertEquals(6, d.samples());
    assertEquals(List.of(new FamilyMetadata("http_request_duration_seconds", MetricType.HISTOGRAM, "Request latency.", "seconds")), d.metadata(),
        "bucket and count series name one family");
  }

  /** Builds a v2 request by hand: symbols, then one series with the given refs and one sample, plus raw extra series bytes. */
  private static byte[] request(List<String> symbols, int[] refs, byte[] extraSeriesField) throws Exception {
    ByteArrayOutputStream req = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(req);
    ByteArrayOutputStream ts = new ByteArrayOutputStream();
    CodedOutputStream t = CodedOutputStream.newInstance(ts);
    ByteArrayOutputStream packed = new ByteArrayOutputStream();
    CodedOutputStream p = CodedOutputStream.newInstance(packed);
    for (int r : refs) {
      p.writeUInt32NoTag(r);
    }
    p.flush();
    t.writeByteArray(1, packed.toByteArray());
    ByteArrayOutputStream sample = new ByteArrayOutputStream();
    CodedOutputStream s = CodedOutputStream.newInstance(sample);
    s.writeDouble(1, 7);
    s.writeInt64(2, T0);
    s.flush();
    t.writeByteArray(2, sample.toByteArray());
    if (extraSeriesField != null) {
      t.writeRawBytes(extraSeriesField);
    }
    t.flush();
    // the series comes before the symbols: receivers must not depend on field order
    out.writeByteArray(5, ts.toByteArray());
    for (String sym : symbols) {
      out.writeString(4, sym);
    }
    out.flush();
    return Snappy.compress(req.toByteArray());
  }

  @Test
  void seriesBeforeSymbolsDecodeAndHistogramsAreCountedNotWritten() throws Exception {
    ByteArrayOutputStream hist = new ByteArrayOutputStream();
    CodedOutputStream h = CodedOutputStream.newInstance(hist);
    h.writeByteArray(3, new byte[] {0x08, 0x01}); // a Histogram with count_int = 1
    h.flush();
    WriteRequestData d = decoder.decode(request(List.of("", "__name__", "up", "job", "node"), new int[] {1, 2, 3, 4}, hist.toByteArray()));
    assertEquals(Labels.of("__name__", "up", "job", "node"), d.series().get(0).labels());
    assertEquals(1, d.histogramsSkipped());
  }

  @Test
  void labelRefOutsideTheSymbolsTableIsRejected() throws Exception {
    BadRequestException e = assertThrows(BadRequestException.class,
        () -> decoder.decode(request(List.of("", "__name__", "up"), new int[] {1, 2, 1, 9}, null)));
    assertEquals("symbol_ref", e.reason());
    assertTrue(e.getMessage().contains("9"), e.getMessage());
  }

  @Test
  void oddNumberOfLabelRefsIsRejected() throws Exception {
    BadRequestException e = assertThrows(BadRequestException.class,
        () -> decoder.decode(request(List.of("", "__name__", "up"), new int[] {1, 2, 1}, null)));
    assertTrue(e.getMessage().contains("odd"), e.getMessage());
  }

  @Test
  void invalidLabelNameIsRejected() throws Exception {
    BadRequestException e = assertThrows(BadRequestException.class,
        () -> decoder.decode(request(List.of("", "__name__", "up", "bad-name", "x"), new int[] {1, 2, 3, 4}, null)));
    assertEquals("label_name", e.reason());
  }

  @Test
  void truncatedSnappyAndMalformedProtobufAreRejected() throws Exception {
    byte[] good = RemoteWriteV2Encoder.encode(List.of(series("__name__", "up")), List.of());
    assertEquals("snappy", assertThrows(BadRequestException.class, () -> decoder.decode(Arrays.copyOf(good, good.length - 3))).reason());
    byte[] garbage = Snappy.compress(new byte[] {0x2a, (byte) 0xff, 0x7f, 0x01}); // field 5, length 16383, 1 byte follows
    assertEquals("protobuf", assertThrows(BadRequestException.class, () -> decoder.decode(garbage)).reason());
  }

  @Test
  void seriesLimitIsEnforced() {
    RemoteWriteV2Decoder small = new RemoteWriteV2Decoder(1 << 20, 2);
    byte[] body = RemoteWriteV2Encoder.encode(List.of(series("__name__", "a"), series("__name__", "b"), series("__name__", "c")), List.of());
    BadRequestException e = assertThrows(BadRequestException.class, () -> small.decode(body));
    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains("ingest.max_series_per_request"), e.getMessage());
  }

  @Test
  void v1MetadataIsDecoded() {
    byte[] body = RemoteWriteV1Encoder.encode(List.of(), List.of(new FamilyMetadata("http_requests_total", MetricType.COUNTER, "Requests.", "")));
    WriteRequestData d = new RemoteWriteV1Decoder(1 << 20).decodeRequest(body);
    assertEquals(List.of(new FamilyMetadata("http_requests_total", MetricType.COUNTER, "Requests.", "")), d.metadata());
    assertEquals(0, d.series().size());
  }

  @Test
  void v1MetadataWithAnInvalidFamilyNameIsRejected() {
    byte[] body = RemoteWriteV1Encoder.encode(List.of(), List.of(new FamilyMetadata("bad-name", MetricType.GAUGE, "", "")));
    assertEquals("metric_name", assertThrows(BadRequestException.class, () -> new RemoteWriteV1Decoder(1 << 20).decodeRequest(body)).reason());
  }
}
