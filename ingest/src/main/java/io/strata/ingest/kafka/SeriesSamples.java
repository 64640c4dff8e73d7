package io.strata.ingest.kafka;

import io.strata.schemas.model.Labels;

/**
 * The samples of one series in one request or scrape, on primitive arrays (first {@code count} used).
 * {@code encoded} is optional (null when absent): the series key hash and Avro labels of {@code labels},
 * precomputed by a decoder that caches known series; it must describe exactly {@code labels}.
 */
public record SeriesSamples(Labels labels, long[] timestamps, double[] values, int count, EncodedSeries encoded) {
  public SeriesSamples {
    if (count > timestamps.length || count > values.length) {
      throw new IllegalArgumentException("BUG: count " + count + " exceeds arrays of " + timestamps.length + "/" + values.length);
    }
  }

  public SeriesSamples(Labels labels, long[] timestamps, double[] values, int count) {
    this(labels, timestamps, values, count, null);
  }

  public static SeriesSamples of(Labels labels, long timestamp, double value) {
    return new SeriesSamples(labels, new long[] {timestamp}, new double[] {value}, 1);
  }
}
