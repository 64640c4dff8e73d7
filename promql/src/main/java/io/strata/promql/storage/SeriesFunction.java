package io.strata.promql.storage;

/**
 * What {@link Queryable#selectEach} applies to each selected series, on the thread that read it.
 *
 * @param <R> the result kept per series
 */
@FunctionalInterface
public interface SeriesFunction<R> {
  /**
   * The result for one series, or null to keep nothing for it. The series' arrays belong to the store and
   * are valid only during this call (the store reuses them for its next series): copy what must outlive it.
   */
  R apply(SeriesData series);
}
