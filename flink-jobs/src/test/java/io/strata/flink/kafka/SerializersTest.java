package io.strata.flink.kafka;

import static io.strata.flink.TestSeries.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.strata.avro.AlertEvent;
import io.strata.avro.AlertState;
import io.strata.flink.model.AlertTransition;
import io.strata.flink.model.DeadLetter;
import io.strata.flink.model.RawRecord;
import io.strata.schemas.Topics;
import io.strata.schemas.registry.MockSchemaRegistry;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.serde.AvroWireSerde;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class SerializersTest {

  @Test
  void alertEventIsKeyedByFingerprintInWireFormat() {
    String scope = "ser-" + UUID.randomUUID();
    try {
      AlertEventSerializer s = new AlertEventSerializer("p." + Topics.ALERTS, "mock://" + scope);
      s.open(null, null);
      AlertTransition t = new AlertTransition();
      t.fingerprint = "0123456789abcdef";
      t.tenant = "default";
      t.ruleGroup = "g";
      t.alertName = "Down";
      t.state = AlertTransition.PENDING;
      t.labels = new String[] {"alertname", "Down", "job", "api"};
      t.annotations = new String[] {"summary", "down"};
      t.value = 0;
      t.activeAtMs = T0;
      t.evaluatedAtMs = T0;
      ProducerRecord<byte[], byte[]> r = s.serialize(t, null, null);
      assertEquals("p." + Topics.ALERTS, r.topic());
      assertEquals("0123456789abcdef", new String(r.key(), StandardCharsets.UTF_8));
      AlertEvent e = new AvroWireSerde<>(SchemaRegistries.forUrl("mock://" + scope), AlertEvent.class).deserialize(r.value());
      assertEquals(AlertState.pending, e.getState());
      assertEquals(Map.of("alertname", "Down", "job", "api"), e.getLabels());
      assertEquals(Map.of("summary", "down"), e.getAnnotations());
      assertNull(e.getFiredAtMs());
      assertNull(e.getResolvedAtMs());
      assertEquals(T0, e.getActiveAtMs());
    } finally {
      MockSchemaRegistry.dropScope(scope);
    }
  }

  @Test
  void deadLetterKeepsKeyAndBytesAndCarriesTheErrorHeaders() {
    byte[] value = {1, 2, 3};
    DeadLetter d = new DeadLetter(new RawRecord("key".getBytes(), value, "metrics.samples", 3, 17), "BAD_MAGIC_BYTE", "first byte is 1");
    ProducerRecord<byte[], byte[]> r = new DeadLetterSerializer(Topics.DEADLETTER).serialize(d, null, null);
    assertEquals(Topics.DEADLETTER, r.topic());
    assertArrayEquals("key".getBytes(), r.key());
    assertArrayEquals(value, r.value());
    assertEquals("BAD_MAGIC_BYTE", header(r, Topics.DLQ_REASON_HEADER));
    assertEquals("flink", header(r, Topics.DLQ_STAGE_HEADER));
    assertEquals("first byte is 1 (metrics.samples partition 3 offset 17)", header(r, Topics.DLQ_MESSAGE_HEADER));
  }

  static String header(ProducerRecord<byte[], byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
