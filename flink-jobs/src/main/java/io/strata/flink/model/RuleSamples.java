package io.strata.flink.model;

/**
 * What one group evaluation writes to one partition of {@code metrics.samples}: recording-rule samples,
 * {@code ALERTS} / {@code ALERTS_FOR_STATE} and stale markers of one tenant, all on {@link #partition}
 * (the series-key partitioner's choice), written as one {@code SampleBatch} with source "rule".
 */
public class RuleSamples {
  public String tenant;
  public int partition;
  public SeriesSamples[] series;

  public RuleSamples() {}

  public RuleSamples(String tenant, int partition, SeriesSamples[] series) {
    this.tenant = tenant;
    this.partition = partition;
    this.series = series;
  }
}
