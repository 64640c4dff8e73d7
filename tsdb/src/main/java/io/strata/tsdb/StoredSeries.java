package io.strata.tsdb;

import io.strata.schemas.model.Labels;
import io.strata.tsdb.chunkenc.RollupField;
import io.strata.tsdb.format.ChunkRecord;
import java.util.List;

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
    for (RollupPoint p; (p = nextWindow(c, from, to)) != null; n++) {
      out.add(p.windowStartMs(), valueOf(field, p), p.count());
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
    for (RollupPoint p; (p = nextWindow(c, from, to)) != null; n++) {
      out.add(p);
    }
    return n;
  }

  /**
   * The stored chunks holding the series' points in [from, to] and in the selected range, as stored, by first
   * timestamp: they may also hold points outside the range and may overlap each other (a reader clips and merges
   * them as the store does: {@code engine.ChunkSeries}). What the store API ships instead of decoding and
   * re-encoding. Null when the series cannot be given as its stored chunks (the default; a series with deleted
   * ranges, whose reads filter its chunks' points).
   */
  default List<ChunkRecord> storedChunks(long from, long to) {
    return null;
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

  /** The cursor's next window whose start is in [from, to]; null at the end or past {@code to}. */
  private static RollupPoint nextWindow(RollupCursor c, long from, long to) {
    while (c.next()) {
      RollupPoint p = c.point();
      long t = p.windowStartMs();
      if (t >= from) {
        return t <= to ? p : null;
      }
    }
    return null;
  }

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
