package io.strata.flink.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strata.schemas.model.StaleMarker;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** Samples keep their values bit for bit through Flink's serializer (keyBy, checkpointed state). */
class SeriesSamplesTest {
  @Test
  void staleMarkersSurviveFlinkSerialization() throws Exception {
    double[] values = {1.5, StaleMarker.VALUE, Double.NaN, -0.0, Double.POSITIVE_INFINITY};
    SeriesSamples s = new SeriesSamples(new String[] {"__name__", "up"}, new long[] {1, 2, 3, 4, 5}, values);
    TypeSerializer<SeriesSamples> ser = TypeInformation.of(SeriesSamples.class).createSerializer(new SerializerConfigImpl());
    DataOutputSerializer out = new DataOutputSerializer(256);
    ser.serialize(s, out);
    SeriesSamples back = ser.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    for (int i = 0; i < values.length; i++) {
      assertEquals(Double.doubleToRawLongBits(values[i]), Double.doubleToRawLongBits(back.value(i)), "value " + i);
    }
    assertEquals(StaleMarker.BITS, Double.doubleToRawLongBits(back.values()[1]), "the stale marker is not a plain NaN");
  }
}
