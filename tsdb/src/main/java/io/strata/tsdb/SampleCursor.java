package io.strata.tsdb;

/** Walks the samples of one series in time order without materialising them. */
public interface SampleCursor {
  /** Advances to the next sample; false when there is none. */
  boolean next();

  long timestamp();

  double value();
}
