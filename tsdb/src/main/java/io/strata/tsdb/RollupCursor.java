package io.strata.tsdb;

/** Walks the rollup windows of one series in time order. */
public interface RollupCursor {
  boolean next();

  RollupPoint point();
}
