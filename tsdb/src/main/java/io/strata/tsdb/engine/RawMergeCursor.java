package io.strata.tsdb.engine;

import io.strata.tsdb.SampleCursor;
import io.strata.tsdb.chunkenc.RawChunkIterator;
import io.strata.tsdb.format.ChunkRecord;

/** Raw samples of one series over merged chunks. */
final class RawMergeCursor extends MergeCursor implements SampleCursor {
  private long t;
  private double v;

  RawMergeCursor(ChunkSource src, long mint, long maxt) {
    super(src, mint, maxt);
  }

  private static final class RawIter extends Iter {
    final RawChunkIterator x = new RawChunkIterator();
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
    // iterators are recycled: a decimal chunk's decoder holds arrays of the chunk's size
    RawIter it = free > 0 ? pool[--free] : new RawIter();
    it.x.reset(c.encoding(), c.data());
    return it;
  }

  private RawIter[] pool = new RawIter[2];
  private int free;

  @Override
  protected void recycle(Iter it) {
    if (free == pool.length) {
      pool = java.util.Arrays.copyOf(pool, free * 2);
    }
    pool[free++] = (RawIter) it;
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
