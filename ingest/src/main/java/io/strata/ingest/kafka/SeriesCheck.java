package io.strata.ingest.kafka;

import io.strata.schemas.model.Labels;

/**
 * Checks a series before it joins a {@link PartitionedBatch}: throws (a
 * {@link io.strata.ingest.remotewrite.BadRequestException}) to refuse the whole request. The check of the
 * labels depends only on the labels and {@link #labelRules()}, so a batch skips it for a cached
 * {@link EncodedSeries} that passed the same rules before (one reference compare per known series).
 */
public interface SeriesCheck {
  /** The series {@code labels} with the sample timestamps {@code ts[from, from+n)}: labels, then samples. */
  default void check(Labels labels, long[] ts, int from, int n) {
    checkLabels(labels, n);
    checkSamples(labels, ts, from, n);
  }

  /** The labels alone ({@code samples}: how many samples the series carries, for counting a refusal). */
  void checkLabels(Labels labels, int samples);

  /** The sample timestamps {@code ts[from, from+n)} of the series {@code labels}. */
  void checkSamples(Labels labels, long[] ts, int from, int n);

  /** An immutable object that stands for the label rules: equal (identical) rules, same result for the same labels. */
  Object labelRules();
}
