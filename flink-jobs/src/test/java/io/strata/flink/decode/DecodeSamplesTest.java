package io.strata.flink.decode;

import static io.strata.flink.TestSeries.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.avro.Label;
import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.flink.CountingMetrics;
import io.strata.flink.metrics.MetricsHooks;
import io.strata.flink.model.DeadLetter;
import io.strata.flink.model.RawRecord;
import io.strata.flink.model.SeriesSamples;
import io.strata.flink.rules.RuleFileLoader;
import io.strata.schemas.Topics;
import io.strata.schemas.registry.MockSchemaRegistry;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.serde.AvroWireSerde;
import java.util.List;
import java.util.UUID;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DecodeSamplesTest {
  final String scope = "decode-" + UUID.randomUUID();
  final String hook = "decode-" + UUID.randomUUID();
  final CountingMetrics metrics = new CountingMetrics();
  OneInputStreamOperatorTestHarness<RawRecord, SeriesSamples> h;

  @BeforeEach
  void open() throws Exception {
    MetricsHooks.register(hook, metrics);
    var rules = RuleFileLoader.load("""
        groups:
          - name: g
            rules:
              - alert: Down
                expr: up{job="api"} == 0
        """, "r.yml");
    h = ProcessFunctionTestHarnesses.forProcessFunction(new DecodeSamples("mock://" + scope, rules, hook));
  }

  @AfterEach
  void close() throws Exception {
    h.close();
    MetricsHooks.unregister(hook);
    MockSchemaRegistry.dropScope(scope);
  }

  static Series series(List<Label> labels, long ts, double v) {
    return new Series(labels, List.of(new Sample(ts, v)));
  }

  byte[] encode(SampleBatch b) {
    return new AvroWireSerde<>(SchemaRegistries.forUrl("mock://" + scope), SampleBatch.class).serialize(Topics.SAMPLES, b);
  }

  RawRecord record(byte[] value) {
    return new RawRecord("k".getBytes(), value, Topics.SAMPLES, 2, 42);
  }

  @Test
  void keepsOnlySeriesSelectedByARuleAndCountsAllSamples() throws Exception {
    SampleBatch batch = new SampleBatch("tenant-a", "scrape", List.of(
        series(List.of(new Label("__name__", "up"), new Label("job", "api")), T0, 0),
        series(List.of(new Label("__name__", "up"), new Label("job", "db")), T0 + 5, 1),
        series(List.of(new Label("__name__", "mem_bytes"), new Label("job", "api")), T0 + 9, 7)));
    h.processElement(record(encode(batch)), 0);

    List<SeriesSamples> out = h.extractOutputValues();
    assertEquals(1, out.size());
    SeriesSamples s = out.get(0);
    assertEquals("tenant-a", s.tenant);
    assertArrayEquals(new String[] {"__name__", "up", "job", "api"}, s.labels);
    assertArrayEquals(new long[] {T0}, s.timestamps);
    assertEquals(T0 + 9, s.eventTime, "event time is the newest sample of the whole batch");
    assertEquals(3, metrics.samples.get());
    assertEquals(1, metrics.records.get());
  }

  @Test
  void unsortedLabelsFromAProducerAreSorted() throws Exception {
    SampleBatch batch = new SampleBatch("t", "direct", List.of(
        series(List.of(new Label("job", "api"), new Label("__name__", "up")), T0, 0)));
    h.processElement(record(encode(batch)), 0);
    assertArrayEquals(new String[] {"__name__", "up", "job", "api"}, h.extractOutputValues().get(0).labels);
  }

  @Test
  void batchWithoutSelectedSeriesStillAdvancesEventTime() throws Exception {
    SampleBatch batch = new SampleBatch("t", "scrape", List.of(
        series(List.of(new Label("__name__", "mem_bytes")), T0 + 7, 1)));
    h.processElement(record(encode(batch)), 0);
    SeriesSamples s = h.extractOutputValues().get(0);
    assertTrue(s.isProgress());
    assertEquals(T0 + 7, s.eventTime);
  }

  @Test
  void garbageRecordIsDeadLetteredWithItsBytesAndReason() throws Exception {
    byte[] garbage = "not avro at all".getBytes();
    h.processElement(record(garbage), 0);
    assertEquals(List.of(), h.extractOutputValues());
    var dead = h.getSideOutput(DecodeSamples.DEAD_LETTERS);
    assertEquals(1, dead.size());
    DeadLetter d = dead.peek().getValue();
    assertArrayEquals(garbage, d.value);
    assertArrayEquals("k".getBytes(), d.key);
    assertEquals("BAD_MAGIC_BYTE", d.reason);
    assertEquals(42, d.sourceOffset);
    assertEquals(1, metrics.deadLetters.get("BAD_MAGIC_BYTE").get());
  }

  @Test
  void unknownSchemaIdIsDeadLettered() throws Exception {
    byte[] v = {0, 0, 0, 0x7f, 0x7f, 1, 2, 3};
    h.processElement(record(v), 0);
    assertEquals("UNKNOWN_SCHEMA_ID", h.getSideOutput(DecodeSamples.DEAD_LETTERS).peek().getValue().reason);
  }

  @Test
  void tombstoneIsDeadLettered() throws Exception {
    h.processElement(record(null), 0);
    assertEquals("EMPTY", h.getSideOutput(DecodeSamples.DEAD_LETTERS).peek().getValue().reason);
  }
}
