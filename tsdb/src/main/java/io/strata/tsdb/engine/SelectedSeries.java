package io.strata.tsdb.engine;

import io.strata.schemas.model.Labels;
import io.strata.tsdb.RollupCursor;
import io.strata.tsdb.RollupPoint;
import io.strata.tsdb.SampleCursor;
import io.strata.tsdb.StoredSeries;
import io.strata.tsdb.format.BlockMeta;
import io.strata.tsdb.format.ChunkRecord;
import java.util.List;

/** One series of a select: its in-memory chunks as of the select, and its persisted chunks through the select's snapshot. */
final class SelectedSeries implements StoredSeries {
  private final ReadContext rc;
  private final ChunkReader reader;
  private final long seriesId;
  private final Labels labels;
  private final long res;
  private final long mint;
  private final long maxt;
  private final List<ChunkRecord> mem;
  private final List<List<BlockMeta>> clusters;
  private MergeCursor primed;

  SelectedSeries(ReadContext rc, ChunkReader reader, long seriesId, Labels labels, long res, long mint, long maxt, List<ChunkRecord> mem,
      List<List<BlockMeta>> clusters) {
    this.rc = rc;
    this.reader = reader;
    this.seriesId = seriesId;
    this.labels = labels;
    this.res = res;
    this.mint = mint;
    this.maxt = maxt;
    this.mem = mem;
    this.clusters = clusters;
  }

  private ChunkSource source() {
    int[] next = {0};
    return new ChunkSource(mem, () -> next[0] < clusters.size() ? reader.chunks(rc.ro(), res, clusters.get(next[0]++), seriesId, mint, maxt) : null);
  }

  private MergeCursor cursor() {
    MergeCursor c = res == 0 ? new RawMergeCursor(source(), mint, maxt) : new RollupMergeCursor(source(), mint, maxt);
    c.onDamage(() -> reader.corruption(new IllegalStateException("chunk of series " + seriesId + " at resolution " + res + " ended before its sample count")));
    return c;
  }

  /** Positions a first cursor; false when the series has no data in range (it is then not selected). */
  boolean prime() {
    MergeCursor c = cursor();
    if (!c.advance()) {
      return false;
    }
    primed = c;
    return true;
  }

  private MergeCursor take() {
    MergeCursor p = primed;
    if (p != null) {
      primed = null;
      return p;
    }
    MergeCursor c = cursor();
    return c.advance() ? c : null;
  }

  @Override
  public Labels labels() {
    return labels;
  }

  @Override
  public SampleCursor samples() {
    if (res != 0) {
      return EMPTY_SAMPLES;
    }
    RawMergeCursor c = (RawMergeCursor) take();
    if (c == null) {
      return EMPTY_SAMPLES;
    }
    return new SampleCursor() {
      boolean first = true;

      @Override
      public boolean next() {
        if (first) {
          first = false;
          return true;
        }
        return c.next();
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
    if (res == 0) {
      return EMPTY_ROLLUPS;
    }
    RollupMergeCursor c = (RollupMergeCursor) take();
    if (c == null) {
      return EMPTY_ROLLUPS;
    }
    return new RollupCursor() {
      boolean first = true;

      @Override
      public boolean next() {
        if (first) {
          first = false;
          return true;
        }
        return c.next();
      }

      @Override
      public RollupPoint point() {
        return c.point();
      }
    };
  }

  static final SampleCursor EMPTY_SAMPLES = new SampleCursor() {
    @Override
    public boolean next() {
      return false;
    }

    @Override
    public long timestamp() {
      throw new IllegalStateException("empty cursor");
    }

    @Override
    public double value() {
      throw new IllegalStateException("empty cursor");
    }
  };

  static final RollupCursor EMPTY_ROLLUPS = new RollupCursor() {
    @Override
    public boolean next() {
      return false;
    }

    @Override
    public RollupPoint point() {
      throw new IllegalStateException("empty cursor");
    }
  };
}
