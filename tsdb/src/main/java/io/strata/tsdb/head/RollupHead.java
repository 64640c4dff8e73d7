package io.strata.tsdb.head;

import io.strata.tsdb.AppendResult;
import io.strata.tsdb.RollupPoint;
import io.strata.tsdb.chunkenc.ChunkEncoding;
import io.strata.tsdb.chunkenc.RollupColumnsAppender;
import io.strata.tsdb.chunkenc.RollupIterator;
import io.strata.tsdb.format.ChunkRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * The head of one series at one rollup resolution. One window per append, so objects are fine here. The open
 * chunk, the chunks it cuts, its checkpoint and its out-of-order chunks are columnar with exact windows
 * ({@link ChunkEncoding#ROLLUP_EXACT}); chunks and checkpoints of older versions ({@link ChunkEncoding#ROLLUP},
 * {@link ChunkEncoding#ROLLUP_COLUMNS}) are still read, and a restored one continues in encoding 5.
 */
public final class RollupHead extends SeriesHead {
  private RollupColumnsAppender open;
  /** Out-of-order windows older than the open chunk, sorted by window start. */
  private ArrayList<RollupPoint> ooo;
  private RollupPoint found;

  public RollupHead(long res) {
    super(res);
  }

  public AppendResult append(long seriesId, RollupPoint p, HeadContext ctx) {
    long t = p.windowStartMs();
    if (t > maxT) {
      if (open == null) {
        open = new RollupColumnsAppender(ChunkEncoding.ROLLUP_EXACT, 64);
      } else if (open.count() > 0 && (open.count() >= ctx.chunkSamples() || t >= openBlockEnd)) {
        cut();
      }
      if (open.count() == 0) {
        openBlockEnd = ctx.blockEnd(t);
      }
      add(open, p);
      maxT = t;
      minT = Math.min(minT, t);
      checkpointDirty = true;
      return AppendResult.APPENDED;
    }
    if (findInMemory(t) || findPersisted(seriesId, t, ctx)) {
      return found.sameBits(p) ? AppendResult.DUPLICATE : AppendResult.CONFLICTING_VALUE;
    }
    if (t < maxT - ctx.outOfOrderWindowMillis()) {
      return AppendResult.TOO_OLD;
    }
    if (ooo == null) {
      ooo = new ArrayList<>(2);
    }
    int i = 0;
    while (i < ooo.size() && ooo.get(i).windowStartMs() < t) {
      i++;
    }
    ooo.add(i, p);
    minT = Math.min(minT, t);
    return AppendResult.APPENDED;
  }

  private static void add(RollupColumnsAppender a, RollupPoint p) {
    a.append(p);
  }

  private boolean findInMemory(long t) {
    RollupIterator it = new RollupIterator();
    if (open != null && open.count() > 0 && t >= open.minT() && t <= open.maxT() && find(open.iterator(it), t)) {
      return true;
    }
    if (pending != null) {
      for (ChunkRecord c : pending) {
        if (t >= c.minT() && t <= c.maxT() && find(it.reset(c.encoding(), c.data()), t)) {
          return true;
        }
      }
    }
    if (ooo != null) {
      for (RollupPoint p : ooo) {
        if (p.windowStartMs() == t) {
          found = p;
          return true;
        }
      }
    }
    return false;
  }

  private boolean findPersisted(long seriesId, long t, HeadContext ctx) {
    RollupIterator it = new RollupIterator();
    for (ChunkRecord c : ctx.lookup().chunksCovering(seriesId, res, t)) {
      if (ChunkEncoding.isRollup(c.encoding()) && find(it.reset(c.encoding(), c.data()), t)) {
        return true;
      }
    }
    return false;
  }

  private boolean find(RollupIterator it, long t) {
    while (it.next()) {
      if (it.t() == t) {
        found = it.point();
        return true;
      }
      if (it.t() > t) {
        return false;
      }
    }
    return false;
  }

  @Override
  protected int openCount() {
    return open == null ? 0 : open.count();
  }

  @Override
  protected ChunkRecord openRecord() {
    return new ChunkRecord(ChunkEncoding.ROLLUP_EXACT, open.minT(), open.maxT(), open.count(), open.toBytes());
  }

  @Override
  protected void resetOpen(boolean release) {
    if (release) {
      open = null;
    } else {
      open.reset();
    }
  }

  @Override
  protected int oooCount() {
    return ooo == null ? 0 : ooo.size();
  }

  @Override
  protected List<ChunkRecord> oooChunks(long blockMillis, long[][] token) {
    List<ChunkRecord> out = new ArrayList<>(1);
    RollupColumnsAppender a = new RollupColumnsAppender(ChunkEncoding.ROLLUP_EXACT, 64);
    long blockEnd = Long.MIN_VALUE;
    long[] taken = new long[ooo.size()];
    for (int i = 0; i < ooo.size(); i++) {
      RollupPoint p = ooo.get(i);
      taken[i] = p.windowStartMs();
      if (a.count() > 0 && (p.windowStartMs() >= blockEnd || a.count() == ChunkEncoding.MAX_SAMPLES)) {
        out.add(new ChunkRecord(ChunkEncoding.ROLLUP_EXACT, a.minT(), a.maxT(), a.count(), a.toBytes()));
        a.reset();
      }
      if (a.count() == 0) {
        blockEnd = (Math.floorDiv(p.windowStartMs(), blockMillis) + 1) * blockMillis;
      }
      add(a, p);
    }
    out.add(new ChunkRecord(ChunkEncoding.ROLLUP_EXACT, a.minT(), a.maxT(), a.count(), a.toBytes()));
    token[0] = taken;
    return out;
  }

  @Override
  protected void dropOoo(long[] taken) {
    ooo.removeIf(p -> java.util.Arrays.binarySearch(taken, p.windowStartMs()) >= 0);
    if (ooo.isEmpty()) {
      ooo = null;
    }
  }

  @Override
  public long memoryBytes() {
    long b = open == null ? 0 : open.capacity();
    if (pending != null) {
      for (ChunkRecord c : pending) {
        b += c.data().length;
      }
    }
    return b + (ooo == null ? 0 : 136L * ooo.size()); // a RollupPoint of 14 fields (~120 bytes) and its list slot
  }

  @Override
  public void restoreCheckpoint(ChunkRecord cp, HeadContext ctx) {
    RollupIterator it = new RollupIterator().reset(cp.encoding(), cp.data()); // ROLLUP_EXACT, or ROLLUP_COLUMNS / ROLLUP from an older version
    while (it.next()) {
      if (open == null) {
        open = new RollupColumnsAppender(ChunkEncoding.ROLLUP_EXACT, cp.data().length + 16);
      }
      if (open.count() == 0) {
        openBlockEnd = ctx.blockEnd(it.t());
      }
      add(open, it.point());
      maxT = Math.max(maxT, it.t());
      minT = Math.min(minT, it.t());
    }
    checkpointOnDisk = true;
  }

  @Override
  public void collect(long mint, long maxt, List<ChunkRecord> out) {
    if (pending != null) {
      for (ChunkRecord c : pending) {
        if (c.minT() <= maxt && c.maxT() >= mint) {
          out.add(c);
        }
      }
    }
    if (open != null && open.count() > 0 && open.minT() <= maxt && open.maxT() >= mint) {
      out.add(openRecord());
    }
    if (ooo != null) {
      out.addAll(oooChunks(Long.MAX_VALUE / 4, new long[1][]));
    }
  }
}
