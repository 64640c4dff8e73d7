package io.strata.tsdb.engine;

import io.strata.tsdb.format.ChunkRecord;

/**
 * Merges the chunks of a {@link ChunkSource} into one time-ordered stream restricted to [mint, maxt].
 * A chunk is opened only when the stream reaches its minT, so non-overlapping chunks (the normal case)
 * are decoded one at a time; overlapping ones (out-of-order appends before compaction, or a chunk seen
 * both in memory and on disk during a commit) are merged, and a timestamp present twice is returned once.
 */
abstract class MergeCursor {
  /** One open chunk, positioned on its current sample. */
  abstract static class Iter {
    long t;

    /** Advances; false at the end. */
    abstract boolean next();

    abstract boolean damaged();
  }

  private final ChunkSource src;
  private final long mint;
  private final long maxt;
  private Iter[] act = new Iter[2];
  private int n;
  private long last = Long.MIN_VALUE;
  private boolean started;
  private Runnable onDamage;

  MergeCursor(ChunkSource src, long mint, long maxt) {
    this.src = src;
    this.mint = mint;
    this.maxt = maxt;
  }

  void onDamage(Runnable r) {
    this.onDamage = r;
  }

  protected abstract Iter open(ChunkRecord c);

  /** Called once {@code it} is exhausted and dropped: a subclass may reuse it for a later chunk. */
  protected void recycle(Iter it) {}

  /** Copies the current values of {@code it} before it moves on. */
  protected abstract void take(Iter it);

  final boolean advance() {
    long cand = Long.MAX_VALUE;
    int ci = -1;
    for (int i = 0; i < n; i++) {
      if (act[i].t < cand) {
        cand = act[i].t;
        ci = i;
      }
    }
    ChunkRecord c;
    while ((c = src.peek()) != null && c.minT() <= cand) {
      src.poll();
      if (c.maxT() < mint || c.maxT() <= last) {
        continue;
      }
      Iter it = open(c);
      boolean ok;
      do {
        ok = it.next();
      } while (ok && (it.t < mint || (started && it.t <= last)));
      if (!ok) {
        damage(it);
        recycle(it);
        continue;
      }
      if (n == act.length) {
        act = java.util.Arrays.copyOf(act, n * 2);
      }
      act[n++] = it;
      if (it.t < cand) {
        cand = it.t;
        ci = n - 1;
      }
    }
    if (ci < 0 || cand > maxt) {
      n = 0;
      return false;
    }
    take(act[ci]);
    last = cand;
    started = true;
    for (int i = 0; i < n; ) {
      Iter it = act[i];
      if (it.t <= cand && !it.next()) {
        damage(it);
        recycle(it);
        act[i] = act[--n];
        act[n] = null;
        continue;
      }
      i++;
    }
    return true;
  }

  private void damage(Iter it) {
    if (it.damaged() && onDamage != null) {
      onDamage.run();
    }
  }
}
