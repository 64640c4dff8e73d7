package io.strata.tsdb.engine;

import io.strata.tsdb.RollupCursor;
import io.strata.tsdb.RollupPoint;
import io.strata.tsdb.chunkenc.RollupIterator;
import io.strata.tsdb.format.ChunkRecord;

/** Rollup windows of one series over merged chunks. */
final class RollupMergeCursor extends MergeCursor implements RollupCursor {
  private RollupPoint p;

  RollupMergeCursor(ChunkSource src, long mint, long maxt) {
    super(src, mint, maxt);
  }

  private static final class RIter extends Iter {
    final RollupIterator r = new RollupIterator();

    @Override
    boolean next() {
      if (!r.next()) {
        return false;
      }
      t = r.t();
      return true;
    }

    @Override
    boolean damaged() {
      return r.damaged();
    }
  }

  @Override
  protected Iter open(ChunkRecord c) {
    RIter it = new RIter();
    it.r.reset(c.encoding(), c.data());
    return it;
  }

  @Override
  protected void take(Iter it) {
    p = ((RIter) it).r.point();
  }

  @Override
  public boolean next() {
    return advance();
  }

  @Override
  public RollupPoint point() {
    return p;
  }
}
