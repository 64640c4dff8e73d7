package io.strata.streams;

import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.SeriesKey;
import io.strata.schemas.model.StaleMarker;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Intent-named builders of input batches: {@code counter("http_requests_total").labels("job", "api").at(T0, 5)}. */
public final class Samples {
  private Samples() {}

  public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  public static final String TENANT = "default";

  /** T0 plus seconds. */
  public static Instant t(long seconds) {
    return T0.plusSeconds(seconds);
  }

  public static SeriesBuilder series(String metricName) {
    return new SeriesBuilder(metricName);
  }

  public static SeriesBuilder counter(String metricName) {
    return new SeriesBuilder(metricName);
  }

  public static SeriesBuilder gauge(String metricName) {
    return new SeriesBuilder(metricName);
  }

  public static SampleBatch batch(SeriesBuilder... series) {
    return batch(TENANT, series);
  }

  public static SampleBatch batch(String tenant, SeriesBuilder... series) {
    List<Series> out = new ArrayList<>();
    for (SeriesBuilder s : series) {
      out.add(s.build());
    }
    return new SampleBatch(tenant, "test", out);
  }

  public static final class SeriesBuilder {
    private final List<String> labelPairs = new ArrayList<>();
    private final List<Sample> samples = new ArrayList<>();

    SeriesBuilder(String metricName) {
      labelPairs.add(Labels.METRIC_NAME);
      labelPairs.add(metricName);
    }

    public SeriesBuilder labels(String... nameValues) {
      labelPairs.addAll(List.of(nameValues));
      return this;
    }

    public SeriesBuilder at(Instant t, double value) {
      samples.add(new Sample(t.toEpochMilli(), value));
      return this;
    }

    public SeriesBuilder staleAt(Instant t) {
      return at(t, StaleMarker.VALUE);
    }

    public Labels labelSet() {
      return Labels.of(labelPairs.toArray(new String[0]));
    }

    public byte[] seriesKey(String tenant) {
      return SeriesKey.encode(tenant, labelSet());
    }

    Series build() {
      return new Series(labelSet().toAvro(), new ArrayList<>(samples));
    }
  }
}
