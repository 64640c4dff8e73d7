package io.strata.flink.kafka;

import static io.strata.flink.TestSeries.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.strata.avro.Label;
import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.flink.model.DecodedBatch;
import io.strata.flink.model.RawRecord;
import io.strata.schemas.Topics;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.SeriesPartitioner;
import io.strata.schemas.registry.MockSchemaRegistry;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.serde.AvroWireSerde;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The rule job's decoding of {@code metrics.samples}: what it refuses never reaches the rule groups. */
class SampleBatchDeserializerTest {
  static final int PARTITIONS = 4;
  String scope;
  SampleBatchDeserializer deserializer;
  AvroWireSerde<SampleBatch> serde;

  @BeforeEach
  void open() {
    scope = "sbd-" + UUID.randomUUID();
    deserializer = new SampleBatchDeserializer("mock://" + scope, PARTITIONS);
    deserializer.open(null);
    serde = new AvroWireSerde<>(SchemaRegistries.forUrl("mock://" + scope), SampleBatch.class);
  }

  @AfterEach
  void drop() {
    MockSchemaRegistry.dropScope(scope);
  }

  static Series series(String... pairs) {
    List<Label> labels = new ArrayList<>();
    for (int i = 0; i < pairs.length; i += 2) {
      labels.add(new Label(pairs[i], pairs[i + 1]));
    }
    return new Series(labels, List.of(new Sample(T0, 1.0)));
  }

  /** Decodes a one-series batch read from the partition its series belongs on (or {@code partition} if given). */
  DecodedBatch decode(Series s, Integer partition) {
    SampleBatch b = new SampleBatch("default", "test", List.of(s));
    int p = partition != null ? partition : SeriesPartitioner.partition("default", Labels.fromAvro(s.getLabels()), PARTITIONS);
    return deserializer.decode(new RawRecord(null, serde.serialize(Topics.SAMPLES, b), Topics.SAMPLES, p, 5, T0,
        new String[0], new byte[0][]));
  }

  String refusal(Series s) {
    DecodedBatch d = decode(s, null);
    return d.deadLetter == null ? null : d.deadLetter.reason;
  }

  @Test
  void decodedBatchesAndDeadLettersNeedNoKryo() {
    // the job runs with generic types disabled: every field must have a Flink serializer of its own
    for (Class<?> c : List.of(DecodedBatch.class, io.strata.flink.model.DeadLetter.class, RawRecord.class)) {
      var info = org.apache.flink.api.common.typeinfo.TypeInformation.of(c);
      assertEquals(true, info instanceof org.apache.flink.api.java.typeutils.PojoTypeInfo, c + " is a POJO");
      var pojo = (org.apache.flink.api.java.typeutils.PojoTypeInfo<?>) info;
      for (int i = 0; i < pojo.getArity(); i++) {
        assertEquals(false, pojo.getPojoFieldAt(i).getTypeInformation() instanceof org.apache.flink.api.java.typeutils.GenericTypeInfo,
            c.getSimpleName() + "." + pojo.getPojoFieldAt(i).getField().getName() + " would need Kryo");
      }
    }
  }

  @Test
  void validSeriesOnItsPartitionIsDecoded() {
    DecodedBatch d = decode(series("__name__", "up", "job", "a"), null);
    assertNull(d.deadLetter);
    assertEquals(1, d.series.length);
  }

  @Test
  void labelNameWithADashIsRefused() {
    assertEquals("INVALID_LABEL_NAME", refusal(series("__name__", "up", "bad-name", "x")));
  }

  @Test
  void labelNameStartingWithADigitIsRefused() {
    assertEquals("INVALID_LABEL_NAME", refusal(series("0digit", "x", "__name__", "up")));
  }

  @Test
  void dottedMetricNameIsRefused() {
    assertEquals("INVALID_METRIC_NAME", refusal(series("__name__", "http.requests")));
  }

  @Test
  void duplicatedLabelIsRefused() {
    assertEquals("DUPLICATE_LABEL", refusal(series("__name__", "up", "job", "a", "job", "b")));
  }

  @Test
  void emptyLabelValueIsRefused() {
    assertEquals("EMPTY_LABEL_VALUE", refusal(series("__name__", "up", "job", "")));
  }

  @Test
  void seriesWithoutMetricNameIsRefused() {
    assertEquals("MISSING_METRIC_NAME", refusal(series("job", "a")));
  }

  @Test
  void seriesOnTheWrongPartitionIsRefusedWithWhereItWasRead() {
    Series s = series("__name__", "up", "job", "a");
    int own = SeriesPartitioner.partition("default", Labels.fromAvro(s.getLabels()), PARTITIONS);
    DecodedBatch d = decode(s, (own + 1) % PARTITIONS);
    assertNotNull(d.deadLetter);
    assertEquals("WRONG_PARTITION", d.deadLetter.reason);
    assertEquals((own + 1) % PARTITIONS, d.deadLetter.sourcePartition);
    assertEquals(5, d.deadLetter.sourceOffset);
    assertEquals(0, d.series.length, "nothing of the record is evaluated");
  }
}
