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
  void alertEventIsKeyedByTenantAndFingerprintInWireFormat() {
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
      assertEquals("default/0123456789abcdef", new String(r.key(), StandardCharsets.UTF_8));
      AlertEvent e = new AvroWireSerde<>(SchemaRegistries.forUrl("mock://" + scope), AlertEvent.class).deserialize(r.value());
      assertEquals(AlertState.pending, e.getState());
      assertEquals(Map.of("alertname", "Down", "job", "api"), e.getLabels());
      assertEquals(Map.of("summary", "down"), e.getAnnotations());
      assertNull(e.getFiredAtMs());
      assertNull(e.getResolvedAtMs());
      assertEquals(T0, e.getActiveAtMs());
      assertNull(e.getStartsAtMs());
      assertNull(e.getEndsAtMs());

      t.state = null; // gone: a tombstone retires the key
      ProducerRecord<byte[], byte[]> gone = s.serialize(t, null, null);
      assertEquals("default/0123456789abcdef", new String(gone.key(), StandardCharsets.UTF_8));
      assertNull(gone.value());
    } finally {
      MockSchemaRegistry.dropScope(scope);
    }
  }

  @Test
  void twoTenantsAlertsWithTheSameLabelsHaveDifferentKeys() {
    AlertTransition a = new AlertTransition();
    a.fingerprint = io.strata.flink.rules.Fingerprint.of(new String[] {"alertname", "Down"});
    a.tenant = "team-a";
    AlertTransition b = new AlertTransition();
    b.fingerprint = a.fingerprint;
    b.tenant = "team-b";
    org.junit.jupiter.api.Assertions.assertNotEquals(a.key(), b.key());
  }

  @Test
  void ruleSamplesGoToTheirPartitionAsABatchFromSourceRule() {
    String scope = "ser-" + UUID.randomUUID();
    try {
      RuleSamplesSerializer s = new RuleSamplesSerializer(Topics.SAMPLES, "mock://" + scope);
      s.open(null, null);
      var rs = new io.strata.flink.model.RuleSamples("t1", 3, new io.strata.flink.model.SeriesSamples[] {
          new io.strata.flink.model.SeriesSamples(new String[] {"__name__", "job:x:sum", "job", "a"}, new long[] {T0}, new double[] {2})});
      ProducerRecord<byte[], byte[]> r = s.serialize(rs, null, null);
      assertEquals(3, r.partition());
      assertNull(r.key());
      io.strata.avro.SampleBatch b = new AvroWireSerde<>(SchemaRegistries.forUrl("mock://" + scope), io.strata.avro.SampleBatch.class)
          .deserialize(r.value());
      assertEquals("t1", b.getTenant());
      assertEquals("rule", b.getSource());
      assertEquals(2.0, b.getSeries().get(0).getSamples().get(0).getValue());
    } finally {
      MockSchemaRegistry.dropScope(scope);
    }
  }

  @Test
  void deadLetterKeepsKeyBytesAndHeadersAndCarriesTheErrorHeaders() {
    byte[] value = {1, 2, 3};
    RawRecord raw = new RawRecord("key".getBytes(), value, "metrics.samples", 3, 17, T0, new String[] {"traceparent"},
        new byte[][] {"00-1-01".getBytes(StandardCharsets.UTF_8)});
    DeadLetter d = new DeadLetter(raw, "BAD_MAGIC_BYTE", "first byte is 1");
    ProducerRecord<byte[], byte[]> r = new DeadLetterSerializer(Topics.DEADLETTER).serialize(d, null, null);
    assertEquals(Topics.DEADLETTER, r.topic());
    assertArrayEquals("key".getBytes(), r.key());
    assertArrayEquals(value, r.value());
    assertEquals("00-1-01", header(r, "traceparent"));
    assertEquals("BAD_MAGIC_BYTE", header(r, Topics.DLQ_REASON_HEADER));
    assertEquals("flink", header(r, Topics.DLQ_STAGE_HEADER));
    assertEquals("first byte is 1", header(r, Topics.DLQ_MESSAGE_HEADER));
    assertEquals("metrics.samples", header(r, Topics.DLQ_TOPIC_HEADER));
    assertEquals("3", header(r, Topics.DLQ_PARTITION_HEADER));
    assertEquals("17", header(r, Topics.DLQ_OFFSET_HEADER));
    assertEquals(Long.toString(T0), header(r, Topics.DLQ_TIMESTAMP_HEADER));
  }

  static String header(ProducerRecord<byte[], byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
