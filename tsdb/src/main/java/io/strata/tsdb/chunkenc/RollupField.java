package io.strata.tsdb.chunkenc;

/** One aggregate of a rollup window, as a query reads it ({@link RollupColumnDecoder}). */
public enum RollupField {
  /** Number of raw samples in the window (decoded as a double: exact up to 2^53). */
  COUNT,
  SUM,
  MIN,
  MAX,
  LAST,
  /** The counter aggregate (reset-adjusted last value), what rate() and increase() read. */
  COUNTER
}
