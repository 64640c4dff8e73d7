package io.strata.ingest.kafka;

import io.strata.schemas.model.Labels;

/**
 * Checks a series before it joins a {@link PartitionedBatch}: throws (a
 * {@link io.strata.ingest.remotewrite.BadRequestException}) to refuse the whole request.
 */
public interface SeriesCheck {
  /** The series {@code labels} with the sample timestamps {@code ts[from, from+n)}. */
  void check(Labels labels, long[] ts, int from, int n);
}
