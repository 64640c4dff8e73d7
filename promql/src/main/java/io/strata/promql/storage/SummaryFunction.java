package io.strata.promql.storage;

/**
 * What {@link Queryable#summarizeEach} applies to each summarized series, on the thread that read it.
 *
 * @param <R> the result kept per series
 */
@FunctionalInterface
public interface SummaryFunction<R> {
  /** The result for one series, or null to keep nothing for it. */
  R apply(SummarizedSeries series);
}
