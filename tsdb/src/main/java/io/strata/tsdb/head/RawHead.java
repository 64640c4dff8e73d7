package io.strata.tsdb.head;

import io.strata.tsdb.AppendResult;
import io.strata.tsdb.chunkenc.ChunkEncoding;
import io.strata.tsdb.chunkenc.RawChunkIterator;
import io.strata.tsdb.chunkenc.XorAppender;
import io.strata.tsdb.chunkenc.XorIterator;
import io.strata.tsdb.format.ChunkRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The head of one series' raw samples. In-order appends touch only primitive fields and the chunk buffer. */
public final class RawHead extends SeriesHead {
  private XorAppender open;
  /** Out-of-order samples older than the open chunk, sorted by time; values as raw bits. */
  private long[] oooT;
  private long[] oooV;
  private int oooN;
  private long foundBits;

  public RawHead() {
    super(0);
  }

  /** Appends one sample of series {@code seriesId}; see {@link AppendResult} for the outcomes. */
  public AppendResult append(long seriesId, long t, double v, HeadContext ctx) {
    if (t > maxT) {
      XorAppender a = open;
      if (a == null) {
        a = open = new XorAppender(HeadContext.INITIAL_CHUNK_BYTES);
      } else if (a.count() > 0 && (a.count() >= ctx.chunkSamples() || t >= openBlockEnd)) {
        cut();
      }
      if (a.count() == 0) {
        openBlockEnd = ctx.blockEnd(t);
      }
      a.append(t, v);
      maxT = t;
      if (t < minT) {
        minT = t;
      }
      checkpointDirty = true;
      return AppendResult.APPENDED;
    }
    return appendOld(seriesId, t, Double.doubleToRawLongBits(v), ctx);
  }

  private AppendResult appendOld(long seriesId, long t, long bits, HeadContext ctx) {
    if (findInMemory(t) || findPersisted(seriesId, t, ctx)) {
      return foundBits == bits ? AppendResult.DUPLICATE : AppendResult.CONFLICTING_VALUE;
    }
    if (t < maxT - ctx.outOfOrderWindowMillis()) {
      return AppendResult.TOO_OLD;
    }
    if (open != null && open.count() > 0 && t > open.minT() && t < openBlockEnd && open.count() < ChunkEncoding.MAX_SAMPLES - 1) {
      insertIntoOpen(t, bits);
    } else {
      insertOoo(t, bits);
    }
    if (t < minT) {
      minT = t;
    }
    return AppendResult.APPENDED;
  }

  private boolean findInMemory(long t) {
    XorIterator it = new XorIterator();
    if (open != null && open.count() > 0 && t >= open.minT() && t <= open.maxT() && find(open.iterator(it), t)) {
      return true;
    }
    if (pending != null) {
      for (ChunkRecord c : pending) {
        if (t >= c.minT() && t <= c.maxT() && find(it.reset(c.data()), t)) {
          return true;
        }
      }
    }
    if (oooN > 0) {
      int i = Arrays.binarySearch(oooT, 0, oooN, t);
      if (i >= 0) {
        foundBits = oooV[i];
        return true;
      }
    }
    return false;
  }

  private boolean findPersisted(long seriesId, long t, HeadContext ctx) {
    RawChunkIterator it = new RawChunkIterator();
    for (ChunkRecord c : ctx.lookup().chunksCovering(seriesId, res, t)) {
      if (c.encoding() != ChunkEncoding.ROLLUP && find(it.reset(c.encoding(), c.data()), t)) {
        return true;
      }
    }
    return false;
  }

  private boolean find(RawChunkIterator it, long t) {
    while (it.next()) {
      if (it.t() == t) {
        foundBits = it.bits();
        return true;
      }
      if (it.t() > t) {
        return false;
      }
    }
    return false;
  }

  private boolean find(XorIterator it, long t) {
    while (it.next()) {
      if (it.t() == t) {
        foundBits = it.bits();
        return true;
      }
      if (it.t() > t) {
        return false;
      }
    }
    return false;
  }

  private void insertIntoOpen(long t, long bits) {
    int n = open.count();
    long[] ts = new long[n + 1];
    long[] vs = new long[n + 1];
    XorIterator it = open.iterator(new XorIterator());
    int j = 0;
    boolean placed = false;
    while (it.next()) {
      if (!placed && t < it.t()) {
        ts[j] = t;
        vs[j++] = bits;
        placed = true;
      }
      ts[j] = it.t();
      vs[j++] = it.bits();
    }
    if (!placed) {
      ts[j] = t;
      vs[j++] = bits;
    }
    open.reset();
    for (int i = 0; i < j; i++) {
      open.append(ts[i], Double.longBitsToDouble(vs[i]));
    }
    checkpointDirty = true;
  }

  private void insertOoo(long t, long bits) {
    if (oooT == null) {
      oooT = new long[8];
      oooV = new long[8];
    } else if (oooN == oooT.length) {
      oooT = Arrays.copyOf(oooT, oooN * 2);
      oooV = Arrays.copyOf(oooV, oooN * 2);
    }
    int i = -Arrays.binarySearch(oooT, 0, oooN, t) - 1;
    System.arraycopy(oooT, i, oooT, i + 1, oooN - i);
    System.arraycopy(oooV, i, oooV, i + 1, oooN - i);
    oooT[i] = t;
    oooV[i] = bits;
    oooN++;
  }

  @Override
  protected int openCount() {
    return open == null ? 0 : open.count();
  }

  @Override
  protected ChunkRecord openRecord() {
    return new ChunkRecord(ChunkEncoding.XOR, open.minT(), open.maxT(), open.count(), open.toBytes());
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
    return oooN;
  }

  @Override
  protected List<ChunkRecord> oooChunks(long blockMillis, long[][] token) {
    List<ChunkRecord> out = new ArrayList<>(1);
    XorAppender a = new XorAppender(oooN * 4 + 16);
    long blockEnd = Long.MIN_VALUE;
    for (int i = 0; i < oooN; i++) {
      if (a.count() > 0 && (oooT[i] >= blockEnd || a.count() == ChunkEncoding.MAX_SAMPLES)) {
        out.add(new ChunkRecord(ChunkEncoding.XOR, a.minT(), a.maxT(), a.count(), a.toBytes()));
        a.reset();
      }
      if (a.count() == 0) {
        blockEnd = (Math.floorDiv(oooT[i], blockMillis) + 1) * blockMillis;
      }
      a.append(oooT[i], Double.longBitsToDouble(oooV[i]));
    }
    out.add(new ChunkRecord(ChunkEncoding.XOR, a.minT(), a.maxT(), a.count(), a.toBytes()));
    token[0] = Arrays.copyOf(oooT, oooN);
    return out;
  }

  @Override
  protected void dropOoo(long[] taken) {
    int w = 0;
    int k = 0;
    for (int i = 0; i < oooN; i++) {
      while (k < taken.length && taken[k] < oooT[i]) {
        k++;
      }
      if (k < taken.length && taken[k] == oooT[i]) {
        continue;
      }
      oooT[w] = oooT[i];
      oooV[w++] = oooV[i];
    }
    oooN = w;
    if (oooN == 0) {
      oooT = null;
      oooV = null;
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
    return b + (oooT == null ? 0 : 16L * oooT.length);
  }

  @Override
  public void restoreCheckpoint(ChunkRecord cp, HeadContext ctx) {
    XorIterator it = new XorIterator().reset(cp.data());
    while (it.next()) {
      if (open == null) {
        open = new XorAppender(Math.max(HeadContext.INITIAL_CHUNK_BYTES, cp.data().length + 16));
      }
      if (open.count() == 0) {
        openBlockEnd = ctx.blockEnd(it.t());
      }
      open.append(it.t(), it.v());
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
    if (oooN > 0 && oooT[0] <= maxt && oooT[oooN - 1] >= mint) {
      out.addAll(oooChunks(Long.MAX_VALUE / 4, new long[1][]));
    }
  }
}
