package io.strata.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.StaleMarker;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.registry.SchemaRegistry;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AvroWireSerdeTest {
  private static final long T0 = 1767225600000L; // 2026-01-01T00:00:00Z

  private final SchemaRegistry registry = SchemaRegistries.forUrl("mock://" + getClass().getName());
  private final AvroWireSerde<SampleBatch> serde = new AvroWireSerde<>(registry, SampleBatch.class);

  static SampleBatch batch(double... values) {
    List<Sample> samples = new java.util.ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      samples.add(new Sample(T0 + i * 15_000L, values[i]));
    }
    Series s = new Series(Labels.of("__name__", "up", "job", "node").toAvro(), samples);
    return new SampleBatch("default", "test", List.of(s));
  }

  @Test
  void roundTripKeepsStaleMarkerBits() {
    SampleBatch in = batch(1.0, StaleMarker.VALUE, Double.POSITIVE_INFINITY);
    SampleBatch out = serde.deserialize(serde.serialize("metrics.samples", in));
    // Avro's equals compares doubles with ==, so NaN never equals itself: compare raw bits
    assertEquals(in.getSeries().get(0).getLabels(), out.getSeries().get(0).getLabels());
    var a = in.getSeries().get(0).getSamples();
    var b = out.getSeries().get(0).getSamples();
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i).getTimestampMs(), b.get(i).getTimestampMs());
      assertEquals(Double.doubleToRawLongBits(a.get(i).getValue()), Double.doubleToRawLongBits(b.get(i).getValue()));
    }
    assertEquals(StaleMarker.BITS, Double.doubleToRawLongBits(out.getSeries().get(0).getSamples().get(1).getValue()));
  }

  @Test
  void writesConfluentHeaderWithTheRegisteredId() {
    byte[] bytes = serde.serialize("metrics.samples", batch(1.0));
    int id = registry.register("metrics.samples-value", serde.registeredSchema());
    assertEquals(0, bytes[0]);
    assertEquals(id, ByteBuffer.wrap(bytes, 1, 4).getInt());
  }

  @Test
  void badMagicByteIsRejectedWithReason() {
    byte[] bytes = serde.serialize("metrics.samples", batch(1.0));
    bytes[0] = 1;
    WireFormatException e = assertThrows(WireFormatException.class, () -> serde.deserialize(bytes));
    assertEquals(WireFormatException.Reason.BAD_MAGIC_BYTE, e.reason());
  }

  @Test
  void truncatedAvroIsRejectedWithReason() {
    byte[] bytes = serde.serialize("metrics.samples", batch(1.0, 2.0));
    WireFormatException e = assertThrows(WireFormatException.class, () -> serde.deserialize(Arrays.copyOf(bytes, bytes.length - 5)));
    assertEquals(WireFormatException.Reason.BAD_AVRO, e.reason());
  }

  @Test
  void unknownSchemaIdIsRejectedWithReason() {
    byte[] bytes = serde.serialize("metrics.samples", batch(1.0));
    ByteBuffer.wrap(bytes, 1, 4).putInt(987654);
    WireFormatException e = assertThrows(WireFormatException.class, () -> serde.deserialize(bytes));
    assertEquals(WireFormatException.Reason.UNKNOWN_SCHEMA_ID, e.reason());
  }

  @Test
  void shortAndEmptyValuesAreRejected() {
    assertEquals(WireFormatException.Reason.EMPTY, assertThrows(WireFormatException.class, () -> serde.deserialize(new byte[0])).reason());
    assertEquals(WireFormatException.Reason.TOO_SHORT, assertThrows(WireFormatException.class, () -> serde.deserialize(new byte[] {0, 0, 1})).reason());
  }

  @Test
  void sameBytesForSameBatch() {
    assertArrayEquals(serde.serialize("a", batch(3.0)), serde.serialize("a", batch(3.0)));
  }
}
