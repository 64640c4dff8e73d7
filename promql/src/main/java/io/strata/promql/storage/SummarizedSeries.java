package io.strata.promql.storage;

import io.strata.schemas.model.Labels;
import io.strata.schemas.model.SampleSummary;

/**
 * One series as {@link Queryable#summarizeEach} hands it over: instead of its samples, the summary of its
 * samples in each step's window {@code [refs[k] - range, refs[k]]}, computed by the store (from rollup windows
 * and raw samples at the edges). Valid only during the call it is passed to.
 */
public interface SummarizedSeries {
  Labels labels();

  /**
   * Fills {@code out} (cleared by the caller) with the summary of the series' samples in step {@code k}'s
   * window, stale markers left out; false when the window holds no sample. Fields that the function
   * ({@link SelectHints#function()}) does not read may be left unset: {@code sum} unless it is
   * {@code sum_over_time}, {@code min} and {@code max} unless it is
   * {@code min_over_time} or {@code max_over_time}.
   */
  boolean summarize(int k, SampleSummary out);
}
