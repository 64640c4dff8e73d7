package io.strata.tsdb;

import io.strata.schemas.model.Labels;
import io.strata.tsdb.chunkenc.RollupField;

/**
 * One selected series: its labels and its data in the selected time range, through cursors (one point at a
 * time) or bulk reads into {@link SampleColumns} (what the query layer uses: the store decodes chunks
 * straight into the arrays).
 */
public interface StoredSeries {
  Labels labels();

  /** Raw samples in the selected range (empty for a rollup selection). */
  SampleCursor samples();

  /** Rollup windows in the selected range (empty for a raw selection). */
  RollupCursor rollups();

  /**
   * Appends the raw samples with timestamps in [from, to] and in the selected range to {@code out}, in time
   * order; returns how many. Nothing for a rollup selection.
   */
  default int readSamples(long from, long to, SampleColumns out) {
    int n = 0;
    SampleCursor c = samples();
    while (c.next()) {
      long t = c.timestamp();
      if (t > to) {
        break;
      }
      if (t >= from) {
        out.add(t, c.value(), 1);
        n++;
      }
    }
    return n;
  }

  /**
   * Appends the rollup windows whose window start is in [from, to] and in the selected range to {@code out}:
   * the window start, the field's value, and the window's sample count when {@code out} has counts; returns
   * how many. Nothing for a raw selection.
   */
  default int readRollups(RollupField field, long from, long to, SampleColumns out) {
    int n = 0;
    RollupCursor c = rollups();
    while (c.next()) {
      RollupPoint p = c.point();
      long t = p.windowStartMs();
      if (t > to) {
        break;
      }
      if (t >= from) {
        out.add(t, valueOf(field, p), p.count());
        n++;
      }
    }
    return n;
  }

  /**
   * Appends the rollup windows whose start is in [from, to] (and in the selected range), whole, in start
   * order; returns how many. Nothing for a raw selection. What exact rollup queries read: legacy windows
   * come back with {@code exact} false and the query reads raw samples for them.
   */
  default int readWindows(long from, long to, WindowColumns out) {
    int n = 0;
    RollupCursor c = rollups();
    while (c.next()) {
      RollupPoint p = c.point();
      long t = p.windowStartMs();
      if (t > to) {
        break;
      }
      if (t >= from) {
        out.add(p);
        n++;
      }
    }
    return n;
  }

  /**
   * The series' time bounds at the selection's resolution over the whole store (not only the selected
   * range): for a rollup selection the first and the last stored window start, windows still in memory
   * included; for raw the first and last sample timestamp. Long.MAX_VALUE / Long.MIN_VALUE when unknown or
   * empty. A query takes a series' rollups as final up to {@code maxTime() + resolution} and reads raw
   * samples after that.
   */
  long minTime();

  /** See {@link #minTime()}. */
  long maxTime();

  /** The field of a window. */
  static double valueOf(RollupField field, RollupPoint p) {
    return switch (field) {
      case COUNT -> p.count();
      case SUM -> p.sum();
      case MIN -> p.min();
      case MAX -> p.max();
      case LAST -> p.last();
      case COUNTER -> p.counter();
    };
  }
}
