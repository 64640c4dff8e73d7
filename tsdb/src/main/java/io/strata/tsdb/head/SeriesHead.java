package io.strata.tsdb.head;

import io.strata.tsdb.format.ChunkRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * The in-memory part of one series at one resolution: an open chunk that appends go to, chunks cut
 * but not yet persisted, and out-of-order samples older than the open chunk. Every method runs under
 * the lock of the owning {@link MemSeries}.
 */
public abstract class SeriesHead {
  protected final long res;
  /** Closed chunks waiting for the next commit. */
  protected ArrayList<ChunkRecord> pending;
  /** Newest timestamp appended or persisted; Long.MIN_VALUE when none. */
  protected long maxT = Long.MIN_VALUE;
  /** Oldest timestamp known (appended or found at open). */
  protected long minT = Long.MAX_VALUE;
  /** End of the block the open chunk belongs to: a sample at or after it cuts the chunk. */
  protected long openBlockEnd;
  protected boolean checkpointDirty;
  protected boolean checkpointOnDisk;

  protected SeriesHead(long res) {
    this.res = res;
  }

  public long res() {
    return res;
  }

  public long maxT() {
    return maxT;
  }

  public long minT() {
    return minT;
  }

  /**
   * Retention dropped persisted data of this series: the bounds become those of what is left, the first
   * persisted timestamp left ({@code persistedMinT}, Long.MAX_VALUE when none) and what memory holds. When
   * nothing is left at all, minT and maxT go back to "empty" (Long.MAX_VALUE, Long.MIN_VALUE). Not a hot path
   * (it copies the in-memory chunks): retention runs once per dropped block.
   */
  public void retained(long persistedMinT) {
    List<ChunkRecord> mem = new ArrayList<>(2);
    collect(Long.MIN_VALUE, Long.MAX_VALUE, mem);
    long m = persistedMinT;
    for (ChunkRecord c : mem) {
      m = Math.min(m, c.minT());
    }
    minT = m;
    if (m == Long.MAX_VALUE) {
      maxT = Long.MIN_VALUE;
    }
  }

  /** Records a persisted time range found when the store opens. */
  public void notePersisted(long mint, long maxt) {
    minT = Math.min(minT, mint);
    maxT = Math.max(maxT, maxt);
  }

  protected abstract int openCount();

  protected abstract ChunkRecord openRecord();

  /** Empties the open chunk; {@code release} also drops its buffer (an idle series). */
  protected abstract void resetOpen(boolean release);

  protected abstract int oooCount();

  /** The out-of-order samples as chunks (split at block boundaries) and a token naming them. */
  protected abstract List<ChunkRecord> oooChunks(long blockMillis, long[][] token);

  protected abstract void dropOoo(long[] token);

  /** Bytes of heap held by encoded data (for the memory harness and metrics). */
  public abstract long memoryBytes();

  protected final void cut() {
    if (pending == null) {
      pending = new ArrayList<>(2);
    }
    pending.add(openRecord());
    resetOpen(false);
  }

  /** Number of chunks in memory: the open one, cut ones and out-of-order ones. */
  public int chunkCount() {
    return (openCount() > 0 ? 1 : 0) + (pending == null ? 0 : pending.size()) + (oooCount() > 0 ? 1 : 0);
  }

  /**
   * Takes what the next commit persists. The open chunk is closed when its block ended before
   * {@code closeBefore} (the series went idle) or when {@code force}. Returns null when nothing changed.
   */
  public HeadFlush prepareFlush(long closeBefore, boolean force, long blockMillis) {
    boolean closeOpen = openCount() > 0 && (force || openBlockEnd <= closeBefore);
    if (!checkpointDirty && pending == null && oooCount() == 0 && !closeOpen && !(openCount() == 0 && checkpointOnDisk)) {
      return null; // the common case for a series without news: no allocation
    }
    if (openCount() > 0 && (force || openBlockEnd <= closeBefore)) {
      cut();
      resetOpen(true);
      checkpointDirty = true;
    }
    int p = pending == null ? 0 : pending.size();
    List<ChunkRecord> chunks = new ArrayList<>(p + 1);
    if (p > 0) {
      chunks.addAll(pending);
    }
    long[][] token = new long[1][];
    if (oooCount() > 0) {
      chunks.addAll(oooChunks(blockMillis, token));
    }
    ChunkRecord cp = null;
    boolean delete = false;
    if (checkpointDirty) {
      if (openCount() > 0) {
        cp = openRecord();
      } else {
        delete = checkpointOnDisk;
      }
    }
    if (chunks.isEmpty() && cp == null && !delete) {
      checkpointDirty = false;
      return null;
    }
    checkpointDirty = false;
    return new HeadFlush(this, chunks, p, token[0], cp, delete);
  }

  /** Releases what a flush made durable. */
  public void completeFlush(HeadFlush f) {
    if (f.pendingTaken() > 0) {
      pending.subList(0, f.pendingTaken()).clear();
      if (pending.isEmpty()) {
        pending = null;
      }
    }
    if (f.oooTaken() != null) {
      dropOoo(f.oooTaken());
    }
    if (f.checkpoint() != null) {
      checkpointOnDisk = true;
    } else if (f.deleteCheckpoint()) {
      checkpointOnDisk = false;
    }
  }

  /** The write failed: the open chunk must be checkpointed again. */
  public void failFlush(HeadFlush f) {
    checkpointDirty = true;
  }

  /** Restores the open chunk saved by the last commit. */
  public abstract void restoreCheckpoint(ChunkRecord cp, HeadContext ctx);

  /** Copies of every in-memory chunk overlapping [mint, maxt], for a query. */
  public abstract void collect(long mint, long maxt, List<ChunkRecord> out);
}
