package io.strata.ingest.remotewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.ingest.kafka.SeriesSamples;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.StaleMarker;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

class RemoteWriteV1DecoderTest {
  private static final long T0 = 1767225600000L; // 2026-01-01T00:00:00Z
  private final RemoteWriteV1Decoder decoder = new RemoteWriteV1Decoder(1 << 20);

  private static SeriesSamples series(String name, String... labels) {
    String[] all = new String[labels.length + 2];
    all[0] = "__name__";
    all[1] = name;
    System.arraycopy(labels, 0, all, 2, labels.length);
    return new SeriesSamples(Labels.of(all), new long[] {T0, T0 + 15_000}, new double[] {1.5, StaleMarker.VALUE}, 2);
  }

  @Test
  void decodesWhatPrometheusSends() {
    byte[] body = RemoteWriteV1Encoder.encode(List.of(series("up", "job", "node"), series("http_requests_total", "code", "200")));
    List<SeriesSamples> got = decoder.decode(body);
    assertEquals(2, got.size());
    assertEquals(Labels.of("__name__", "up", "job", "node"), got.get(0).labels());
    assertEquals(2, got.get(0).count());
    assertEquals(T0 + 15_000, got.get(0).timestamps()[1]);
    assertEquals(1.5, got.get(0).values()[0]);
    assertEquals(StaleMarker.BITS, Double.doubleToRawLongBits(got.get(0).values()[1]), "stale marker kept bit for bit");
  }

  @Test
  void emptyLabelValuesAreDropped() {
    byte[] body = RemoteWriteV1Encoder.encode(List.of(series("up", "job", "node", "zone", "")));
    assertEquals(Labels.of("__name__", "up", "job", "node"), decoder.decode(body).get(0).labels());
  }

  @Test
  void truncatedSnappyIsRejected() {
    byte[] body = RemoteWriteV1Encoder.encode(List.of(series("up", "job", "node")));
    BadRequestException e = assertThrows(BadRequestException.class, () -> decoder.decode(Arrays.copyOf(body, body.length / 2)));
    assertEquals("snappy", e.reason());
  }

  @Test
  void aSnappyHeaderDeclaringMoreThan2GiBIsRejected() {
    // the length varint 0xfe 0xff 0xff 0xff 0x0a reads as a negative int (a fuzz finding: it was a
    // NegativeArraySizeException, an HTTP 500)
    byte[] body = {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xfd};
    assertEquals("snappy", assertThrows(BadRequestException.class, () -> decoder.decode(body)).reason());
    assertEquals("snappy", assertThrows(BadRequestException.class, () -> new RemoteWriteV2Decoder(1 << 20, 100).decode(body)).reason());
  }

  @Test
  void malformedProtobufIsRejected() throws Exception {
    byte[] garbage = {0x0a, (byte) 0xff, (byte) 0xff, 0x01, 0x02}; // field 1, length 32767, 2 bytes follow
    BadRequestException e = assertThrows(BadRequestException.class, () -> decoder.decode(Snappy.compress(garbage)));
    assertEquals("protobuf", e.reason());
  }

  @Test
  void invalidLabelNameIsRejectedWithTheName() {
    byte[] body = RemoteWriteV1Encoder.encode(List.of(series("up", "job", "node"), series("up", "bad-name", "x")));
    BadRequestException e = assertThrows(BadRequestException.class, () -> decoder.decode(body));
    assertTrue(e.getMessage().contains("series 1") && e.getMessage().contains("bad-name"), e.getMessage());
  }

  @Test
  void missingMetricNameIsRejected() {
    SeriesSamples noName = new SeriesSamples(Labels.of("job", "x"), new long[] {T0}, new double[] {1}, 1);
    BadRequestException e = assertThrows(BadRequestException.class, () -> decoder.decode(RemoteWriteV1Encoder.encode(List.of(noName))));
    assertEquals("metric_name", e.reason());
  }

  @Test
  void oversizeDecompressedBodyIsRejected() {
    RemoteWriteV1Decoder small = new RemoteWriteV1Decoder(64);
    byte[] body = RemoteWriteV1Encoder.encode(List.of(series("a_rather_long_metric_name_to_pass_the_limit", "job", "node")));
    assertEquals("too_large", assertThrows(BadRequestException.class, () -> small.decode(body)).reason());
  }
}
