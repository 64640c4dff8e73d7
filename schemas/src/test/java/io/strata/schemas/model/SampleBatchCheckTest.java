package io.strata.schemas.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.avro.Label;
import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.schemas.model.SampleBatchCheck.Reason;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SampleBatchCheckTest {
  private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

  /** A series from name/value pairs kept in the given order (no sorting, no de-duplication). */
  static Series series(String... pairs) {
    List<Label> labels = new ArrayList<>();
    for (int i = 0; i < pairs.length; i += 2) {
      labels.add(new Label(pairs[i], pairs[i + 1]));
    }
    return new Series(labels, List.of(new Sample(T0, 1.0)));
  }

  static SampleBatch batch(Series... series) {
    return new SampleBatch("default", "test", List.of(series));
  }

  private static Reason refusal(SampleBatch b) {
    SampleBatchCheck.Rejection r = SampleBatchCheck.check(b, 0, 0);
    return r == null ? null : r.reason();
  }

  @Test
  void aValidBatchPasses() {
    assertNull(SampleBatchCheck.check(batch(series("__name__", "http_requests_total", "job", "api"),
        series("__name__", "job:rate5m", "job", "api")), 0, 0));
  }

  @Test
  void labelNameWithADashIsRefused() {
    assertEquals(Reason.INVALID_LABEL_NAME, refusal(batch(series("__name__", "up", "bad-name", "x"))));
  }

  @Test
  void labelNameStartingWithADigitIsRefused() {
    assertEquals(Reason.INVALID_LABEL_NAME, refusal(batch(series("0digit", "x", "__name__", "up"))));
  }

  @Test
  void dottedMetricNameIsRefused() {
    assertEquals(Reason.INVALID_METRIC_NAME, refusal(batch(series("__name__", "http.requests.total"))));
  }

  @Test
  void metricNameWithAColonIsAccepted() {
    assertNull(refusal(batch(series("__name__", "job:http_requests:rate5m"))));
  }

  @Test
  void duplicatedLabelIsRefusedSortedOrNot() {
    assertEquals(Reason.DUPLICATE_LABEL, refusal(batch(series("__name__", "up", "job", "a", "job", "b"))));
    assertEquals(Reason.DUPLICATE_LABEL, refusal(batch(series("job", "a", "__name__", "up", "job", "b"))));
  }

  @Test
  void emptyLabelValueIsRefused() {
    assertEquals(Reason.EMPTY_LABEL_VALUE, refusal(batch(series("__name__", "up", "job", ""))));
  }

  @Test
  void seriesWithoutMetricNameIsRefused() {
    assertEquals(Reason.MISSING_METRIC_NAME, refusal(batch(series("job", "a"))));
  }

  @Test
  void oneBadSeriesRefusesTheWholeBatch() {
    SampleBatchCheck.Rejection r = SampleBatchCheck.check(batch(series("__name__", "up"), series("__name__", "up", "bad-name", "x")), 0, 0);
    assertEquals(Reason.INVALID_LABEL_NAME, r.reason());
    assertTrue(r.message().startsWith("series 1:"), r.message());
  }

  @Test
  void seriesOnAnotherPartitionThanItsOwnIsRefused() {
    Labels l = Labels.of("__name__", "up", "job", "a");
    int own = SeriesPartitioner.partition("default", l, 4);
    SampleBatch b = batch(series("__name__", "up", "job", "a"));
    assertNull(SampleBatchCheck.check(b, own, 4));
    int other = (own + 1) % 4;
    SampleBatchCheck.Rejection r = SampleBatchCheck.check(b, other, 4);
    assertEquals(Reason.WRONG_PARTITION, r.reason());
    assertTrue(r.message().contains("belongs on partition " + own + " of 4"), r.message());
  }

  @Test
  void batchMixingPartitionsIsRefused() {
    // two series of different partitions in one record: at most one of them can be where it belongs
    Labels a = null;
    Labels b = null;
    for (int i = 0; b == null; i++) {
      Labels l = Labels.of("__name__", "up", "instance", "h" + i);
      if (a == null) {
        a = l;
      } else if (SeriesPartitioner.partition("default", l, 2) != SeriesPartitioner.partition("default", a, 2)) {
        b = l;
      }
    }
    int pa = SeriesPartitioner.partition("default", a, 2);
    assertNotEquals(pa, SeriesPartitioner.partition("default", b, 2));
    SampleBatch mixed = batch(new Series(a.toAvro(), List.of(new Sample(T0, 1.0))), new Series(b.toAvro(), List.of(new Sample(T0, 1.0))));
    assertEquals(Reason.WRONG_PARTITION, SampleBatchCheck.check(mixed, pa, 2).reason());
  }

  @Test
  void unknownPartitionCountSkipsOnlyThePartitionCheck() {
    assertNull(SampleBatchCheck.check(batch(series("__name__", "up")), 7, 0));
    assertEquals(Reason.MISSING_METRIC_NAME, SampleBatchCheck.check(batch(series("job", "a")), 7, 0).reason());
  }
}
