package io.strata.query.eval;

import io.strata.promql.storage.SelectHints;
import io.strata.tsdb.Resolution;
import io.strata.tsdb.chunkenc.RollupField;

/**
 * The aggregate of a rollup window that keeps a PromQL function correct when it reads rollups instead of
 * raw samples (Thanos's choice of downsampled aggregate per function). The engine receives these values as
 * points stamped at the window's last millisecond, with the window's sample count beside them.
 */
enum RollupColumn {
  /** min_over_time: the minimum of window minima. */
  MIN,
  /** max_over_time: the maximum of window maxima. */
  MAX,
  /** sum_over_time and avg_over_time (the engine divides summed sums by summed counts). */
  SUM,
  /** count_over_time: the engine sums the counts. */
  COUNT,
  /** Plain selectors and gauge functions: the series as if scraped once per window, at its last sample. */
  LAST,
  /** rate, increase, irate, resets: the reset-adjusted counter at the window's last sample, a monotone series. */
  COUNTER;

  /** The stored aggregate this column reads. */
  RollupField field() {
    return switch (this) {
      case MIN -> RollupField.MIN;
      case MAX -> RollupField.MAX;
      case SUM -> RollupField.SUM;
      case COUNT -> RollupField.COUNT;
      case LAST -> RollupField.LAST;
      case COUNTER -> RollupField.COUNTER;
    };
  }

  /** Whether the engine needs each point's sample count (it divides sums by counts, or sums counts). */
  boolean needsCounts() {
    return this == SUM || this == COUNT;
  }

  /**
   * The column for the selector these hints describe, or null when it must read raw samples: functions
   * whose result no window aggregate preserves (quantile_over_time, stddev/stdvar_over_time, changes,
   * holt_winters), and ranges too short to hold whole windows (one window; two for counter functions,
   * whose rate needs two points).
   */
  static RollupColumn forHints(SelectHints hints, Resolution resolution) {
    RollupColumn c = switch (hints.function()) {
      case "min_over_time" -> MIN;
      case "max_over_time" -> MAX;
      case "sum_over_time", "avg_over_time" -> SUM;
      case "count_over_time" -> COUNT;
      case "rate", "increase", "irate", "resets" -> COUNTER;
      case "quantile_over_time", "stddev_over_time", "stdvar_over_time", "changes", "holt_winters" -> null;
      default -> LAST;
    };
    if (c == null || hints.rangeMs() == 0) {
      return c;
    }
    long windows = hints.rangeMs() / resolution.millis();
    return windows >= (c == COUNTER ? 2 : 1) ? c : null;
  }
}
