package io.strata.ingest.pushgateway;

import io.strata.schemas.model.Labels;

/**
 * One metric of a pushed family, as the Pushgateway keeps it (a {@code io.prometheus.client.Metric}):
 * labels without {@code __name__}, and the values of its kind. Counters, gauges and untyped metrics use
 * {@code value}; summaries {@code sum}, {@code count} and the quantile arrays; histograms {@code sum},
 * {@code count} and cumulative bucket counts by upper bound (ascending, +Inf optional).
 *
 * @param labels label set without the metric name; after sanitising it holds the grouping labels and {@code instance}
 */
public record PushedMetric(Labels labels, double value, double sum, double count, double[] quantiles, double[] quantileValues,
    double[] upperBounds, double[] bucketCounts) {
  static final double[] NONE = new double[0];

  public static PushedMetric simple(Labels labels, double value) {
    return new PushedMetric(labels, value, 0, 0, NONE, NONE, NONE, NONE);
  }

  public PushedMetric withLabels(Labels l) {
    return new PushedMetric(l, value, sum, count, quantiles, quantileValues, upperBounds, bucketCounts);
  }
}
