package io.strata.flink.model;

/**
 * One record of {@code metrics.samples}, decoded in the Kafka source (so each partition's watermark can
 * follow its own sample timestamps): the batch's series, or the dead letter when it did not decode.
 */
public class DecodedBatch {
  public String tenant;
  /** What produced the batch ({@code remote_write}, {@code scrape}, ..., {@value #RULE_SOURCE} for this job). */
  public String source;
  public SeriesSamples[] series;
  /** Largest sample timestamp of the batch: the record's event time ({@code Long.MIN_VALUE} when empty). */
  public long maxTimestampMs;
  /** Non-null when the record did not decode; the other fields are then empty. */
  public DeadLetter deadLetter;

  /** The {@code source} of the batches this job writes (recording rules, ALERTS, stale markers). */
  public static final String RULE_SOURCE = "rule";

  public DecodedBatch() {}

  public static DecodedBatch dead(DeadLetter d) {
    DecodedBatch b = new DecodedBatch();
    b.tenant = "";
    b.source = "";
    b.series = new SeriesSamples[0];
    b.maxTimestampMs = Long.MIN_VALUE;
    b.deadLetter = d;
    return b;
  }
}
