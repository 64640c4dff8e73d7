package io.strata.tsdb.engine;

import io.strata.schemas.model.Labels;
import io.strata.tsdb.RollupCursor;
import io.strata.tsdb.RollupPoint;
import io.strata.tsdb.SampleColumns;
import io.strata.tsdb.SampleCursor;
import io.strata.tsdb.StoredSeries;
import io.strata.tsdb.WindowColumns;
import io.strata.tsdb.chunkenc.RollupField;
import java.util.ArrayList;
import java.util.List;

/**
 * A selected series with deleted ranges ({@link Tombstones}): every read of the wrapped series, its points in a
 * deleted range dropped. Only series with tombstones pay for it. Its bounds are the wrapped series' bounds with
 * a deleted range at either end cut off (a bound, no longer necessarily a point).
 */
final class TombstonedSeries implements StoredSeries {
  private final StoredSeries in;
  private final long[] ranges;
  private final long res;
  private final long minT;
  private final long maxT;

  TombstonedSeries(StoredSeries in, long[] ranges, long res) {
    this.in = in;
    this.ranges = ranges;
    this.res = res;
    long lo = in.minTime();
    long hi = in.maxTime();
    for (int i = 0; i < ranges.length && lo <= hi; i += 2) {
      if (ranges[i] <= lo && ranges[i + 1] >= lo) {
        lo = ranges[i + 1] == Long.MAX_VALUE ? Long.MAX_VALUE : ranges[i + 1] + 1;
      }
    }
    for (int i = ranges.length - 2; i >= 0 && lo <= hi; i -= 2) {
      if (ranges[i] <= hi && ranges[i + 1] >= hi) {
        hi = ranges[i] == Long.MIN_VALUE ? Long.MIN_VALUE : ranges[i] - 1;
      }
    }
    this.minT = lo <= hi ? lo : Long.MAX_VALUE;
    this.maxT = lo <= hi ? hi : Long.MIN_VALUE;
  }

  /** True when a deleted range covers all the series' data: nothing is left to read. */
  boolean empty() {
    return minT > maxT;
  }

  /** Whether a point is left in [from, to]. */
  boolean hasPoint(long from, long to) {
    if (empty()) {
      return false;
    }
    if (res == 0) {
      return readSamples(from, to, new SampleColumns(16, false)) > 0;
    }
    return readRollups(RollupField.COUNT, from, to, new SampleColumns(16, false)) > 0;
  }

  @Override
  public Labels labels() {
    return in.labels();
  }

  @Override
  public long minTime() {
    return minT;
  }

  @Override
  public long maxTime() {
    return maxT;
  }

  @Override
  public int readSamples(long from, long to, SampleColumns out) {
    int before = out.size();
    in.readSamples(from, to, out);
    return keep(out, before);
  }

  @Override
  public int readRollups(RollupField field, long from, long to, SampleColumns out) {
    int before = out.size();
    in.readRollups(field, from, to, out);
    return keep(out, before);
  }

  /** Drops the deleted points appended after {@code before}; returns how many were kept. */
  private int keep(SampleColumns out, int before) {
    long[] t = out.timestamps();
    double[] v = out.values();
    double[] c = out.counts();
    int w = before;
    for (int r = before; r < out.size(); r++) {
      if (!Tombstones.hides(ranges, res, t[r])) {
        t[w] = t[r];
        v[w] = v[r];
        if (c != null) {
          c[w] = c[r];
        }
        w++;
      }
    }
    out.truncate(w);
    return w - before;
  }

  @Override
  public int readWindows(long from, long to, WindowColumns out) {
    int before = out.size();
    in.readWindows(from, to, out);
    long[] starts = out.starts();
    List<RollupPoint> kept = null;
    for (int i = before; i < out.size(); i++) {
      if (Tombstones.hides(ranges, res, starts[i])) {
        if (kept == null) {
          kept = new ArrayList<>();
          for (int j = before; j < i; j++) {
            kept.add(out.point(j));
          }
        }
      } else if (kept != null) {
        kept.add(out.point(i));
      }
    }
    if (kept == null) {
      return out.size() - before;
    }
    out.truncate(before);
    for (RollupPoint p : kept) {
      out.add(p);
    }
    return kept.size();
  }

  @Override
  public SampleCursor samples() {
    SampleCursor c = in.samples();
    return new SampleCursor() {
      @Override
      public boolean next() {
        while (c.next()) {
          if (!Tombstones.hides(ranges, 0, c.timestamp())) {
            return true;
          }
        }
        return false;
      }

      @Override
      public long timestamp() {
        return c.timestamp();
      }

      @Override
      public double value() {
        return c.value();
      }
    };
  }

  @Override
  public RollupCursor rollups() {
    RollupCursor c = in.rollups();
    return new RollupCursor() {
      @Override
      public boolean next() {
        while (c.next()) {
          if (!Tombstones.hides(ranges, res, c.point().windowStartMs())) {
            return true;
          }
        }
        return false;
      }

      @Override
      public RollupPoint point() {
        return c.point();
      }
    };
  }
}
