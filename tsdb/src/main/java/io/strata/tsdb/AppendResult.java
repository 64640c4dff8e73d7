package io.strata.tsdb;

/** What became of one appended sample. Rejections are counted by reason and never merged silently. */
public enum AppendResult {
  /** Stored. */
  APPENDED,
  /** Same series, timestamp and value as a stored sample: a re-delivery, a no-op. */
  DUPLICATE,
  /** Same series and timestamp as a stored sample but another value. */
  CONFLICTING_VALUE,
  /** Older than the out-of-order window allows. */
  TOO_OLD
}
