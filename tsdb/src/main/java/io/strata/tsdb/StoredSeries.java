package io.strata.tsdb;

import io.strata.schemas.model.Labels;

/** One selected series: its labels and cursors over the selected time range. */
public interface StoredSeries {
  Labels labels();

  /** Raw samples in the selected range (empty for a rollup selection). */
  SampleCursor samples();

  /** Rollup windows in the selected range (empty for a raw selection). */
  RollupCursor rollups();
}
