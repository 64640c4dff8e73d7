package io.strata.tsdb.engine;

import io.strata.tsdb.SampleCursor;
import io.strata.tsdb.chunkenc.XorIterator;
import io.strata.tsdb.format.ChunkRecord;

/** Raw samples of one series over merged chunks. */
final class RawMergeCursor extends MergeCursor implements SampleCursor {
  private long t;
  private double v;

  RawMergeCursor(ChunkSource src, long mint, long maxt) {
    super(src, mint, maxt);
  }

  private static final class RawIter extends Iter {
    final XorIterator x = new XorIterator();
    double v;

    @Override
    boolean next() {
      if (!x.next()) {
        return false;
      }
      t = x.t();
      v = x.v();
      return true;
    }

    @Override
    boolean damaged() {
      return x.damaged();
    }
  }

  @Override
  protected Iter open(ChunkRecord c) {
    RawIter it = new RawIter();
    it.x.reset(c.data());
    return it;
  }

  @Override
  protected void take(Iter it) {
    t = it.t;
    v = ((RawIter) it).v;
  }

  @Override
  public boolean next() {
    return advance();
  }

  @Override
  public long timestamp() {
    return t;
  }

  @Override
  public double value() {
    return v;
  }
}
