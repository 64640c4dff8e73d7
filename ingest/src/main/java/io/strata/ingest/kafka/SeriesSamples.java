package io.strata.ingest.kafka;

import io.strata.schemas.model.Labels;

/** The samples of one series in one request or scrape, on primitive arrays (first {@code count} used). */
public record SeriesSamples(Labels labels, long[] timestamps, double[] values, int count) {
  public SeriesSamples {
    if (count > timestamps.length || count > values.length) {
      throw new IllegalArgumentException("BUG: count " + count + " exceeds arrays of " + timestamps.length + "/" + values.length);
    }
  }

  public static SeriesSamples of(Labels labels, long timestamp, double value) {
    return new SeriesSamples(labels, new long[] {timestamp}, new double[] {value}, 1);
  }
}
